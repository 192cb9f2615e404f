package io.quarkbar.infra;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml against the applications it runs: built from the Dockerfile's targets,
 * listening and published where the applications listen, configured with exactly the variables they
 * read, wired to each other and to their databases, started in the order their healthchecks allow,
 * and limited in memory. Nothing here needs Docker: the file is read as YAML.
 */
class ComposeTest {

  private final ComposeDeployment deployment = new ComposeDeployment(Repository.compose());
  private final ComposeFile compose = deployment.compose();
  private final Problems problems = new Problems();

  @Test
  void everyApplicationIsBuiltFromTheRepositoryAsItsImage() {
    for (String app : Repository.APPS) {
      ComposeFile.Service service = compose.services().get(app);
      if (service == null) {
        problems.add("docker-compose.yml has no service %s", app);
        continue;
      }
      problems.check(
          service.image().equals(Optional.of(Repository.image(app))),
          "compose service %s tags its image %s; it should be %s (the project's version, as in"
              + " infra/k8s/base)",
          app,
          service.image().orElse("(none)"),
          Repository.image(app));
      service
          .build()
          .ifPresentOrElse(
              build -> {
                Path context = Repository.ROOT.resolve(build.context()).normalize();
                problems.check(
                    context.equals(Repository.ROOT),
                    "compose service %s builds in %s; the context must be the repository root (the"
                        + " Maven reactor needs the parent pom and the wamp/ modules)",
                    app,
                    build.context());
                problems.check(
                    Files.isRegularFile(context.resolve(build.dockerfile())),
                    "compose service %s builds with %s, which does not exist",
                    app,
                    build.dockerfile());
              },
              () -> problems.add("compose service %s has no build: section", app));
    }
    deployment.apps(problems);
    problems.assertNone();
  }

  @Test
  void eachApplicationIsPublishedOnTheHttpPortItListensOn() {
    for (Deployed app : deployment.apps(problems)) {
      ComposeFile.Service service = compose.services().get(app.app());
      int port = app.httpPort();
      problems.check(
          service.ports().size() == 1
              && service.ports().getFirst().containerPort() == port
              && service.ports().getFirst().hostPort() == port,
          "compose service %s publishes %s; %s listens on %d (quarkus.http.port), publish"
              + " \"127.0.0.1:%d:%d\"",
          app.app(),
          service.ports(),
          app.app(),
          port,
          port,
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
  void eachApplicationGetsTheVariablesItReadsAndNoOthers() {
    for (Deployed app : deployment.apps(problems)) {
      PlatformChecks.checkEnvironment(app, problems);
    }
    problems.assertNone();
  }

  @Test
  void theApplicationsFindTheRouterAndTheirDatabases() {
    ComposeFile.Service postgres = compose.services().get("postgres");
    if (postgres == null) {
      problems.add("docker-compose.yml has no service postgres");
    } else {
      PlatformChecks.checkWiring(
          deployment.apps(problems),
          deployment,
          "compose service postgres",
          postgres.environment(),
          Repository.initScript(),
          problems);
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
    for (Deployed app : deployment.apps(problems)) {
      List<String> test = compose.services().get(app.app()).healthcheck();
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
          app.app(),
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
                    "compose service %s waits for %s to be healthy, which has no healthcheck",
                    service.name(),
                    dependency);
              });
    }
    for (Deployed app : deployment.apps(problems)) {
      Set<String> connectsTo =
          List.of("quarkbar.wamp.url", "quarkus.datasource.jdbc.url").stream()
              .map(app::resolve)
              .flatMap(Optional::stream)
              .map(url -> URI.create(url.replaceFirst("^jdbc:", "")).getHost())
              .filter(compose.services()::containsKey)
              .collect(Collectors.toCollection(TreeSet::new));
      app.resolve("web.router-url")
          .flatMap(url -> deployment.fromBrowser(URI.create(url).getPort()))
          .ifPresent(endpoint -> connectsTo.add(endpoint.workload()));
      Map<String, String> dependsOn = compose.services().get(app.app()).dependsOn();
      for (String dependency : connectsTo) {
        problems.check(
            dependsOn.containsKey(dependency),
            "compose service %s connects to %s but does not depend on it (depends_on: %s:"
                + " condition: service_healthy)",
            app.app(),
            dependency,
            dependency);
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
}
