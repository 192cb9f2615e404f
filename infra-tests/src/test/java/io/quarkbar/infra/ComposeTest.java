package io.quarkbar.infra;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml against the applications it runs: built from the Dockerfile's targets,
 * listening and published where the applications listen, configured with exactly the variables they
 * read, wired to each other and to their databases, started in the order their healthchecks allow,
 * and limited in memory; and when it runs several router nodes, as one cluster over a NATS server
 * with JetStream ({@link ClusterChecks}). Nothing here needs Docker: the file is read as YAML.
 * {@link ComposeClusterTest} runs the same checks on docker-compose.yml with
 * docker-compose.cluster.yml merged into it.
 */
class ComposeTest {

  private final ComposeDeployment deployment = new ComposeDeployment(composeFile());
  private final ComposeFile compose = deployment.compose();
  private final Problems problems = new Problems();

  /** The compose file(s) checked: docker-compose.yml alone here. */
  ComposeFile composeFile() {
    return Repository.compose();
  }

  @Test
  void everyApplicationIsBuiltFromTheRepositoryAsItsImage() {
    for (String app : Repository.APPS) {
      problems.check(
          compose.services().containsKey(app), "%s has no service %s", compose.name(), app);
    }
    for (ComposeFile.Service service : compose.services().values()) {
      if (service.build().isEmpty()) {
        problems.check(
            !Repository.APPS.contains(service.name()),
            "compose service %s has no build: section",
            service.name());
        continue;
      }
      ComposeFile.Build build = service.build().get();
      String target = build.target().orElse("(none)");
      problems.check(
          service.image().equals(Optional.of(Repository.image(target))),
          "compose service %s tags its image %s; it should be %s (the project's version, as in"
              + " infra/k8s/base)",
          service.name(),
          service.image().orElse("(none)"),
          Repository.image(target));
      Path context = Repository.ROOT.resolve(build.context()).normalize();
      problems.check(
          context.equals(Repository.ROOT),
          "compose service %s builds in %s; the context must be the repository root (the Maven"
              + " reactor needs the parent pom and the wamp/ modules)",
          service.name(),
          build.context());
      problems.check(
          Files.isRegularFile(context.resolve(build.dockerfile())),
          "compose service %s builds with %s, which does not exist",
          service.name(),
          build.dockerfile());
    }
    deployment.instances(problems);
    problems.assertNone();
  }

  @Test
  void eachApplicationIsPublishedOnTheHttpPortItListensOn() {
    for (Deployed app : deployment.instances(problems)) {
      ComposeFile.Service service = compose.services().get(app.workload());
      int port = app.httpPort();
      // The service named after the application publishes the application's own port; further
      // instances (router nodes) publish theirs on other host ports.
      boolean primary = app.workload().equals(app.app());
      problems.check(
          service.ports().size() == 1
              && service.ports().getFirst().containerPort() == port
              && (!primary || service.ports().getFirst().hostPort() == port),
          "compose service %s publishes %s; %s listens on %d (quarkus.http.port), publish"
              + " \"127.0.0.1:%s:%d\"",
          app.workload(),
          service.ports(),
          app.app(),
          port,
          primary ? String.valueOf(port) : "HOST_PORT",
          port);
      problems.check(
          app.stage().exposed().equals(List.of(port)),
          "image target %s EXPOSEs %s; %s listens on %d",
          app.stage().name(),
          app.stage().exposed(),
          app.app(),
          port);
    }
    problems.assertNone();
  }

  @Test
  void portsArePublishedOnLocalhostOnceEach() {
    Map<Integer, String> byHostPort = new HashMap<>();
    for (ComposeFile.Service service : compose.services().values()) {
      for (ComposeFile.Port port : service.ports()) {
        problems.check(
            port.hostIp().equals(Optional.of("127.0.0.1")),
            "compose service %s publishes %s on every interface; this is a local deployment,"
                + " publish \"127.0.0.1:%d:%d\"",
            service.name(),
            port,
            port.hostPort(),
            port.containerPort());
        String other = byHostPort.put(port.hostPort(), service.name());
        problems.check(
            other == null,
            "compose services %s and %s both publish host port %d",
            other,
            service.name(),
            port.hostPort());
      }
    }
    problems.assertNone();
  }

  @Test
  void eachApplicationGetsTheVariablesItReadsAndNoOthers() {
    for (Deployed app : deployment.instances(problems)) {
      PlatformChecks.checkEnvironment(app, problems);
    }
    problems.assertNone();
  }

  @Test
  void theApplicationsFindTheRouterAndTheirDatabases() {
    ComposeFile.Service postgres = compose.services().get("postgres");
    if (postgres == null) {
      problems.add("%s has no service postgres", compose.name());
    } else {
      PlatformChecks.checkWiring(
          deployment.instances(problems),
          deployment,
          "compose service postgres",
          postgres.environment(),
          Repository.initScript(),
          problems);
    }
    problems.assertNone();
  }

  @Test
  void routerNodesFormOneClusterOverNatsWithJetStream() {
    List<Deployed> routers = deployment.instances(Repository.ROUTER, problems);
    ClusterChecks.checkRouterNodes(
        routers,
        r -> compose.services().get(r.workload()).replicas(),
        deployment,
        this::nats,
        problems);
    for (ComposeFile.Service service : compose.services().values()) {
      service.image().filter(NatsServer::isNatsImage).ifPresent(image -> checkNats(service));
    }
    problems.assertNone();
  }

  @Test
  void postgresRunsTheInitScriptOnItsFirstStart() {
    ComposeFile.Service postgres = compose.services().get("postgres");
    Optional<String> mount =
        postgres.volumes().stream()
            .filter(v -> v.contains(":/docker-entrypoint-initdb.d/"))
            .findFirst();
    problems.check(
        mount.isPresent()
            && Repository.ROOT
                .resolve(mount.get().split(":")[0])
                .normalize()
                .equals(Repository.INIT_SCRIPT),
        "compose service postgres must mount ./%s into /docker-entrypoint-initdb.d/ (it mounts %s)",
        Repository.ROOT.relativize(Repository.INIT_SCRIPT),
        postgres.volumes());
    problems.check(
        Files.isExecutable(Repository.INIT_SCRIPT),
        "%s must be executable (git update-index --chmod=+x): the postgres image sources a"
            + " script that is not, in its own shell",
        Repository.ROOT.relativize(Repository.INIT_SCRIPT));
    problems.assertNone();
  }

  @Test
  void healthchecksAskTheApplicationsHealthEndpoints() {
    for (Deployed app : deployment.instances(problems)) {
      List<String> test = compose.services().get(app.workload()).healthcheck();
      Optional<URI> url =
          test.stream().filter(a -> a.startsWith("http://")).map(URI::create).findFirst();
      String expected = "http://localhost:" + app.httpPort() + app.healthPath("ready");
      problems.check(
          test.size() > 1
              && test.get(0).equals("CMD")
              && test.get(1).equals("curl")
              && test.contains("--fail")
              && url.map(URI::toString).equals(Optional.of(expected)),
          "compose service %s: the healthcheck is %s; it should be [CMD, curl, --fail, ..., %s]",
          app.workload(),
          test,
          expected);
      problems.check(
          app.config().hasHealthExtension(),
          "%s has no quarkus-smallrye-health, so nothing answers its healthcheck",
          app.app());
    }
    List<String> postgres = compose.services().get("postgres").healthcheck();
    problems.check(
        postgres.contains("pg_isready") && postgres.contains("--host=127.0.0.1"),
        "compose service postgres: the healthcheck %s must be pg_isready over TCP"
            + " (--host=127.0.0.1); over the socket it passes while the init script still runs",
        postgres);
    problems.assertNone();
  }

  @Test
  void servicesStartOnceWhatTheyConnectToIsHealthy() {
    for (ComposeFile.Service service : compose.services().values()) {
      service
          .dependsOn()
          .forEach(
              (dependency, condition) -> {
                problems.check(
                    condition.equals("service_healthy"),
                    "compose service %s depends on %s with condition %s; use service_healthy",
                    service.name(),
                    dependency,
                    condition);
                ComposeFile.Service target = compose.services().get(dependency);
                problems.check(
                    target != null && !target.healthcheck().isEmpty(),
                    "compose service %s waits for %s to be healthy, which %s",
                    service.name(),
                    dependency,
                    target == null ? "is no service" : "has no healthcheck");
              });
    }
    for (Deployed app : deployment.instances(problems)) {
      Set<String> connectsTo = new TreeSet<>();
      for (String key :
          List.of("quarkbar.wamp.url", "quarkus.datasource.jdbc.url", "router.cluster.nats-url")) {
        for (String url : app.resolve(key).map(u -> u.split(",")).orElse(new String[0])) {
          Optional.ofNullable(URI.create(url.strip().replaceFirst("^jdbc:", "")).getHost())
              .filter(compose.services()::containsKey)
              .ifPresent(connectsTo::add);
        }
      }
      app.resolve("web.router-url")
          .flatMap(url -> deployment.fromBrowser(URI.create(url).getPort()))
          .ifPresent(endpoint -> connectsTo.add(endpoint.workload()));
      ComposeFile.Service service = compose.services().get(app.workload());
      for (String dependency : connectsTo) {
        problems.check(
            service.dependsOn().containsKey(dependency),
            "compose service %s connects to %s but does not depend on it (depends_on: %s:"
                + " condition: service_healthy)",
            app.workload(),
            dependency,
            dependency);
        boolean browser =
            app.resolve("web.router-url")
                .flatMap(url -> deployment.fromBrowser(URI.create(url).getPort()))
                .map(e -> e.workload().equals(dependency))
                .orElse(false);
        problems.check(
            browser || deployment.shareNetwork(app.workload(), dependency),
            "compose service %s connects to %s, but they share no network (%s: %s, %s: %s)",
            app.workload(),
            dependency,
            app.workload(),
            service.networks(),
            dependency,
            compose.services().get(dependency).networks());
      }
    }
    problems.assertNone();
  }

  @Test
  void volumesAndNetworksAreDeclared() {
    for (ComposeFile.Service service : compose.services().values()) {
      for (String volume : service.volumes()) {
        String source = volume.split(":")[0];
        boolean named = volume.contains(":") && !source.startsWith(".") && !source.startsWith("/");
        problems.check(
            !named || compose.declaredVolumes().contains(source),
            "compose service %s mounts the volume %s, which the top-level volumes: does not"
                + " declare",
            service.name(),
            source);
      }
      for (String network : service.networks()) {
        problems.check(
            network.equals("default") || compose.declaredNetworks().contains(network),
            "compose service %s is on the network %s, which the top-level networks: does not"
                + " declare",
            service.name(),
            network);
      }
    }
    problems.assertNone();
  }

  @Test
  void everyServiceHasAMemoryLimit() {
    for (ComposeFile.Service service : compose.services().values()) {
      problems.check(
          service.memoryLimit().isPresent(),
          "compose service %s has no mem_limit; the JVM sizes its heap from it",
          service.name());
    }
    problems.assertNone();
  }

  /** The NATS server a compose service runs, if it runs the NATS image. */
  private Optional<NatsServer> nats(String serviceName) {
    return Optional.ofNullable(compose.services().get(serviceName))
        .filter(s -> s.image().filter(NatsServer::isNatsImage).isPresent())
        .map(s -> NatsServer.parse(s.image().get(), s.command()));
  }

  /**
   * A NATS service: JetStream's store on a volume, a healthcheck that passes once JetStream runs,
   * and only router nodes on its networks (docs/cluster.md: keep NATS off networks clients reach).
   */
  private void checkNats(ComposeFile.Service service) {
    NatsServer nats = nats(service.name()).orElseThrow();
    nats.storeDir()
        .ifPresent(
            dir ->
                problems.check(
                    service.volumes().stream()
                        .anyMatch(v -> v.contains(":") && v.split(":")[1].equals(dir)),
                    "compose service %s keeps JetStream's files in %s, which is no volume (it"
                        + " mounts %s): the cluster's registrations would go with the container",
                    service.name(),
                    dir,
                    service.volumes()));
    nats.monitorPort()
        .ifPresent(
            port -> {
              List<String> test = service.healthcheck();
              Set<String> expected =
                  new LinkedHashSet<>(
                      List.of(
                          "http://127.0.0.1:" + port + nats.healthPath(),
                          "http://localhost:" + port + nats.healthPath()));
              problems.check(
                  test.size() > 1
                      && test.get(0).equals("CMD")
                      && List.of("wget", "curl").contains(test.get(1))
                      && test.stream().anyMatch(expected::contains),
                  "compose service %s: the healthcheck is %s; it should ask %s (wget: the alpine"
                      + " image has no curl), which answers OK once JetStream runs",
                  service.name(),
                  test,
                  expected.iterator().next());
            });
    problems.check(
        service.ports().stream().noneMatch(p -> p.containerPort() == nats.clientPort()),
        "compose service %s publishes NATS's client port %d: only the router nodes should reach"
            + " it (docs/cluster.md)",
        service.name(),
        nats.clientPort());
    Set<String> routers = new TreeSet<>();
    deployment.instances(Repository.ROUTER, new Problems()).forEach(r -> routers.add(r.workload()));
    for (ComposeFile.Service other : compose.services().values()) {
      if (other != service && !routers.contains(other.name())) {
        problems.check(
            !deployment.shareNetwork(service.name(), other.name()),
            "compose services %s and %s share a network: only the router nodes should reach NATS"
                + " (docs/cluster.md); put NATS on a network of its own with the routers",
            service.name(),
            other.name());
      }
    }
  }
}
