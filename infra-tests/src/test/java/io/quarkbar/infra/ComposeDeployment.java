package io.quarkbar.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The platform as docker-compose.yml runs it: each application from the image target its {@code
 * build:} names, with the service's environment; containers reach each other by service name and
 * container port, the browser reaches the published ports on localhost.
 */
final class ComposeDeployment implements Network {

  private final ComposeFile compose;

  ComposeDeployment(ComposeFile compose) {
    this.compose = compose;
  }

  ComposeFile compose() {
    return compose;
  }

  /** The Dockerfile a service builds from, if it builds one that exists. */
  Optional<Dockerfile> dockerfile(ComposeFile.Service service) {
    return service
        .build()
        .map(b -> Repository.ROOT.resolve(b.context()).resolve(b.dockerfile()).normalize())
        .filter(Files::isRegularFile)
        .map(Dockerfile::parse);
  }

  /**
   * Every application of {@link Repository#APPS} as its compose service runs it; a service that is
   * missing or does not build an existing image target is a problem and left out.
   */
  List<Deployed> apps(Problems problems) {
    List<Deployed> apps = new ArrayList<>();
    for (String app : Repository.APPS) {
      ComposeFile.Service service = compose.services().get(app);
      if (service == null) {
        problems.add("docker-compose.yml has no service %s", app);
        continue;
      }
      Optional<Dockerfile> dockerfile = dockerfile(service);
      String target = service.build().flatMap(ComposeFile.Build::target).orElse("(none)");
      Optional<Dockerfile.Stage> stage = dockerfile.flatMap(d -> d.stage(target));
      if (stage.isEmpty()) {
        problems.add(
            "compose service %s builds %s, target %s, which does not exist",
            app,
            service.build().map(b -> Path.of(b.context()).resolve(b.dockerfile())).orElse(null),
            target);
        continue;
      }
      apps.add(
          Deployed.of(
              app,
              "compose service " + app,
              dockerfile.get(),
              stage.get(),
              service.environment(),
              problems));
    }
    return apps;
  }

  @Override
  public Optional<Endpoint> inside(String host, int port) {
    return compose.services().containsKey(host)
        ? Optional.of(new Endpoint(host, port))
        : Optional.empty();
  }

  @Override
  public Optional<Endpoint> fromBrowser(int port) {
    return compose.services().values().stream()
        .flatMap(
            s ->
                s.ports().stream()
                    .filter(p -> p.hostPort() == port)
                    .map(p -> new Endpoint(s.name(), p.containerPort())))
        .findFirst();
  }

  @Override
  public Optional<Integer> browserPort(String workload) {
    return Optional.ofNullable(compose.services().get(workload))
        .flatMap(s -> s.ports().stream().findFirst())
        .map(ComposeFile.Port::hostPort);
  }
}
