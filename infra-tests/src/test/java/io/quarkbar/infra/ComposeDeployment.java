package io.quarkbar.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The platform as docker-compose.yml (with its overrides, if any) runs it: each application from
 * the image target its {@code build:} names, with the service's environment; containers reach each
 * other by service name and container port when they share a network, the browser reaches the
 * published ports on localhost.
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
   * Every application of {@link Repository#APPS} as its compose service (of the same name) runs it;
   * a service that is missing or does not build an existing image target is a problem and left out.
   */
  List<Deployed> apps(Problems problems) {
    List<Deployed> apps = new ArrayList<>();
    for (String app : Repository.APPS) {
      ComposeFile.Service service = compose.services().get(app);
      if (service == null) {
        problems.add("%s has no service %s", compose.name(), app);
        continue;
      }
      deployed(service, problems).ifPresent(apps::add);
    }
    return apps;
  }

  /**
   * Every service that runs an application: those of {@link #apps}, and the further instances of an
   * application, such as the router nodes router-service-2 and router-service-3 of
   * docker-compose.cluster.yml (services built from an application's image target). A service that
   * builds a target that does not exist is a problem and left out.
   */
  List<Deployed> instances(Problems problems) {
    List<Deployed> instances = new ArrayList<>(apps(problems));
    for (ComposeFile.Service service : compose.services().values()) {
      if (service.build().isPresent() && !Repository.APPS.contains(service.name())) {
        deployed(service, problems).ifPresent(instances::add);
      }
    }
    return instances;
  }

  /** The instances of the application {@code app}, the service named after it first. */
  List<Deployed> instances(String app, Problems problems) {
    return instances(problems).stream().filter(d -> d.app().equals(app)).toList();
  }

  private Optional<Deployed> deployed(ComposeFile.Service service, Problems problems) {
    Optional<Dockerfile> dockerfile = dockerfile(service);
    String target = service.build().flatMap(ComposeFile.Build::target).orElse("(none)");
    Optional<Dockerfile.Stage> stage = dockerfile.flatMap(d -> d.stage(target));
    if (stage.isEmpty()) {
      problems.add(
          "compose service %s builds %s, target %s, which does not exist",
          service.name(),
          service.build().map(b -> Path.of(b.context()).resolve(b.dockerfile())).orElse(null),
          target);
      return Optional.empty();
    }
    if (!Repository.APPS.contains(target)) {
      problems.add(
          "compose service %s builds image target %s, which is none of the applications %s",
          service.name(), target, Repository.APPS);
      return Optional.empty();
    }
    return Optional.of(
        Deployed.of(
            target,
            service.name(),
            "compose service " + service.name(),
            dockerfile.get(),
            stage.get(),
            service.environment(),
            problems));
  }

  /** Whether two services are on a common network, where they reach each other by name. */
  boolean shareNetwork(String a, String b) {
    ComposeFile.Service first = compose.services().get(a);
    ComposeFile.Service second = compose.services().get(b);
    return first != null
        && second != null
        && first.networks().stream().anyMatch(second.networks()::contains);
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
