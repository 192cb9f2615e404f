package io.quarkbar.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kustomize base (infra/k8s/base, with infra/postgres) rendered in Java, and by {@code kubectl
 * kustomize} where kubectl exists, against the applications: the images docker-compose.yml builds,
 * ports and Services that reach the applications' HTTP ports, probes on their health endpoints, the
 * variables they read from ConfigMaps and Secrets that exist, the same wiring as compose, memory
 * limits the same as compose's, and unprivileged containers.
 *
 * <p>The base generates its Secret from secrets.env, which git ignores; the tests render a copy of
 * infra/ in which secrets.env holds the keys of .env.example.
 */
class KustomizeTest {

  private static final Pattern QUANTITY = Pattern.compile("([0-9]+)(Ki|Mi|Gi|k|M|G)?");

  @TempDir Path copy;

  private ComposeDeployment compose;
  private K8sDeployment k8s;
  private final Problems problems = new Problems();

  @BeforeEach
  void renderACopyWithExampleSecrets() throws IOException {
    Path infra = Repository.path("infra");
    try (Stream<Path> files = Files.walk(infra)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Path target = copy.resolve("infra").resolve(infra.relativize(file));
        Files.createDirectories(target.getParent());
        Files.copy(file, target);
      }
    }
    StringBuilder secrets = new StringBuilder();
    Repository.envExample()
        .keySet()
        .forEach(k -> secrets.append(k).append("=example-").append(k).append('\n'));
    // The base's, which an overlay (../base) uses too.
    Files.writeString(copy.resolve("infra/k8s/base/secrets.env"), secrets);
    compose = new ComposeDeployment(Repository.compose());
    k8s = new K8sDeployment(Kustomize.render(rendered()), compose);
  }

  /** The Kustomize directory checked, relative to the root: the base here. */
  String directory() {
    return "infra/k8s/base";
  }

  @Test
  void kubectlRendersTheSameObjects() throws Exception {
    assumeTrue(onPath("kubectl"), "kubectl is not on the PATH: only the Java rendering is checked");
    Process kubectl =
        new ProcessBuilder("kubectl", "kustomize", rendered().toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String output = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(kubectl.waitFor(60, TimeUnit.SECONDS)).as("kubectl kustomize finished").isTrue();
    assertThat(kubectl.exitValue()).as("kubectl kustomize %s exit code", rendered()).isZero();

    Map<String, Object> fromKubectl =
        byKindAndName(
            Yaml.loadAll(output).stream()
                .map(o -> Kustomize.withoutHashSuffixes(o, k8s.rendering().generatedNames()))
                .toList());
    Map<String, Object> fromJava = byKindAndName(List.copyOf(k8s.rendering().objects()));
    assertThat(fromJava.keySet())
        .as("objects rendered in Java and by kubectl")
        .isEqualTo(fromKubectl.keySet());
    fromKubectl.forEach(
        (key, object) ->
            problems.check(
                object.equals(fromJava.get(key)),
                "%s differs: kubectl renders%n%s%nthe Java rendering%n%s",
                key,
                object,
                fromJava.get(key)));
    problems.assertNone();
  }

  @Test
  void everyApplicationRunsTheImageComposeBuilds() {
    for (String app : Repository.APPS) {
      k8s.rendering()
          .find("Deployment", app)
          .ifPresent(
              d -> {
                List<Object> containers =
                    Yaml.list(Yaml.at(d, "spec", "template", "spec", "containers"));
                problems.check(
                    containers.size() == 1,
                    "Deployment %s has %d containers; one is expected",
                    app,
                    containers.size());
                String image = Yaml.text(K8sDeployment.container(d), "image");
                problems.check(
                    Repository.image(app).equals(image),
                    "Deployment %s runs %s; compose builds %s",
                    app,
                    image,
                    Repository.image(app));
              });
    }
    k8s.apps(problems);
    problems.assertNone();
  }

  @Test
  void servicesAndProbesReachTheApplicationsHttpPorts() {
    for (Deployed app : k8s.apps(problems)) {
      Map<String, Object> deployment = k8s.rendering().find("Deployment", app.app()).orElseThrow();
      Map<String, Object> container = K8sDeployment.container(deployment);
      int port = app.httpPort();
      problems.check(
          K8sDeployment.containerPort(deployment, "http").equals(Optional.of(port)),
          "Deployment %s: the container port named http should be %d, where %s listens (it has %s)",
          app.app(),
          port,
          app.app(),
          container.get("ports"));
      problems.check(
          k8s.inside(app.app(), port).equals(Optional.of(new Network.Endpoint(app.app(), port))),
          "Service %s should expose port %d and lead to the container port %d of Deployment %s",
          app.app(),
          port,
          port,
          app.app());
      for (var probe :
          Map.of("livenessProbe", "live", "readinessProbe", "ready", "startupProbe", "started")
              .entrySet()) {
        Object httpGet = Yaml.at(container, probe.getKey(), "httpGet");
        String path = Yaml.text(httpGet, "path");
        Optional<Integer> probePort =
            Optional.ofNullable(Yaml.at(httpGet, "port"))
                .flatMap(p -> K8sDeployment.containerPort(deployment, p));
        String expected = app.healthPath(probe.getValue());
        problems.check(
            expected.equals(path) && probePort.equals(Optional.of(port)),
            "Deployment %s: the %s should GET %s on port %d (it has %s)",
            app.app(),
            probe.getKey(),
            expected,
            port,
            httpGet);
      }
      problems.check(
          app.config().hasHealthExtension(),
          "%s has no quarkus-smallrye-health, so nothing answers its probes",
          app.app());
    }
    problems.assertNone();
  }

  @Test
  void eachApplicationGetsTheVariablesItReadsAndNoOthers() {
    for (Deployed app : k8s.apps(problems)) {
      PlatformChecks.checkEnvironment(app, problems);
    }
    problems.assertNone();
  }

  @Test
  void theApplicationsFindTheRouterAndTheirDatabases() {
    Optional<Map<String, Object>> postgres = k8s.rendering().find("StatefulSet", "postgres");
    if (postgres.isEmpty()) {
      problems.add("the Kustomize base has no StatefulSet postgres");
    } else {
      PlatformChecks.checkWiring(
          k8s.apps(problems),
          k8s,
          "StatefulSet postgres",
          k8s.environment(postgres.get(), "StatefulSet postgres", problems),
          Repository.initScript(),
          problems);
    }
    problems.assertNone();
  }

  @Test
  void postgresRunsTheInitScriptOnItsFirstStart() {
    Map<String, Object> postgres = k8s.rendering().find("StatefulSet", "postgres").orElseThrow();
    Optional<String> volume =
        Yaml.list(K8sDeployment.container(postgres).get("volumeMounts")).stream()
            .filter(m -> "/docker-entrypoint-initdb.d".equals(Yaml.text(m, "mountPath")))
            .map(m -> Yaml.text(m, "name"))
            .findFirst();
    Optional<Object> source =
        Yaml.list(Yaml.at(postgres, "spec", "template", "spec", "volumes")).stream()
            .filter(v -> volume.isPresent() && volume.get().equals(Yaml.text(v, "name")))
            .findFirst();
    String configMap = Yaml.text(source.orElse(null), "configMap", "name");
    Object mode = Yaml.at(source.orElse(null), "configMap", "defaultMode");
    Object script =
        k8s.rendering()
            .find("ConfigMap", String.valueOf(configMap))
            .map(c -> Yaml.at(c, "data", "init-databases.sh"))
            .orElse(null);
    problems.check(
        Repository.read(Repository.INIT_SCRIPT).equals(script),
        "StatefulSet postgres must mount a ConfigMap holding %s (key init-databases.sh) at"
            + " /docker-entrypoint-initdb.d (it mounts %s)",
        Repository.ROOT.relativize(Repository.INIT_SCRIPT),
        source.orElse(null));
    problems.check(
        mode instanceof Integer m && (m & 0111) == 0111,
        "StatefulSet postgres mounts the init script with defaultMode %s; make it executable"
            + " (0555), or the image sources it in its own shell",
        mode);
    problems.assertNone();
  }

  @Test
  void containersAreLimitedLikeComposeAndUnprivileged() {
    for (Deployed app : k8s.apps(problems)) {
      Map<String, Object> deployment = k8s.rendering().find("Deployment", app.app()).orElseThrow();
      Map<String, Object> container = K8sDeployment.container(deployment);
      String limit = Yaml.text(container, "resources", "limits", "memory");
      Optional<Long> composeLimit =
          Optional.ofNullable(compose.compose().services().get(app.app()))
              .flatMap(ComposeFile.Service::memoryLimit);
      problems.check(
          limit != null && composeLimit.equals(Optional.of(bytes(limit))),
          "Deployment %s limits memory to %s, compose to %s bytes: the image sizes the heap"
              + " from the limit, keep them equal",
          app.app(),
          limit,
          composeLimit.orElse(null));
      problems.check(
          Yaml.text(container, "resources", "requests", "memory") != null,
          "Deployment %s requests no memory",
          app.app());

      Object podSecurity = Yaml.at(deployment, "spec", "template", "spec", "securityContext");
      String user = app.stage().user().orElse("root").split(":")[0];
      problems.check(
          Boolean.TRUE.equals(Yaml.at(podSecurity, "runAsNonRoot"))
              && user.equals(Yaml.text(podSecurity, "runAsUser")),
          "Deployment %s: the pod's securityContext should have runAsNonRoot: true and"
              + " runAsUser: %s (the image's USER); it is %s",
          app.app(),
          user,
          podSecurity);
      problems.check(
          Boolean.FALSE.equals(Yaml.at(container, "securityContext", "allowPrivilegeEscalation")),
          "Deployment %s: the container should set allowPrivilegeEscalation: false",
          app.app());
    }
    problems.assertNone();
  }

  @Test
  void statefulApplicationsRunAsOneInstanceReplacedNotRolled() {
    // A second auth-service or forum-service could not register the procedures the first one holds
    // (and would fail to start). A router on its own runs once too: two routers side by side would
    // split the clients. As a cluster (router.cluster.nats-url), its nodes are rolled one at a time
    // instead: Recreate would take every node down at once.
    for (String app : List.of("router-service", "auth-service", "forum-service")) {
      Optional<Map<String, Object>> deployment = k8s.rendering().find("Deployment", app);
      if (deployment.isEmpty()) {
        continue;
      }
      Map<String, Object> d = deployment.get();
      boolean clustered =
          app.equals(Repository.ROUTER)
              && k8s.environment(d, "Deployment " + app, new Problems())
                  .containsKey(AppConfig.envName("router.cluster.nats-url"));
      if (clustered) {
        problems.check(
            "RollingUpdate".equals(Yaml.text(d, "spec", "strategy", "type")),
            "Deployment %s runs a router cluster: roll it (strategy RollingUpdate), Recreate would"
                + " stop every node at once (it has %s)",
            app,
            Yaml.at(d, "spec", "strategy"));
      } else {
        problems.check(
            "1".equals(Yaml.text(d, "spec", "replicas"))
                && "Recreate".equals(Yaml.text(d, "spec", "strategy", "type")),
            "Deployment %s must have replicas: 1 and strategy Recreate (it has %s, %s)%s",
            app,
            Yaml.text(d, "spec", "replicas"),
            Yaml.at(d, "spec", "strategy"),
            app.equals(Repository.ROUTER)
                ? "; several routers need ROUTER_CLUSTER_NATS_URL (infra/k8s/cluster)"
                : "");
      }
    }
    problems.assertNone();
  }

  @Test
  void routerNodesFormOneClusterOverNatsWithJetStream() {
    List<Deployed> routers =
        k8s.apps(problems).stream().filter(d -> d.app().equals(Repository.ROUTER)).toList();
    ClusterChecks.checkRouterNodes(routers, k8s::replicas, k8s, k8s::nats, problems);
    for (String kind : List.of("StatefulSet", "Deployment")) {
      for (Map<String, Object> workload : k8s.rendering().all(kind)) {
        String name = Yaml.text(workload, "metadata", "name");
        k8s.nats(name).ifPresent(nats -> checkNats(kind + " " + name, workload, nats));
      }
    }
    problems.assertNone();
  }

  /**
   * A NATS workload: JetStream's store on a PersistentVolumeClaim, probes that pass once JetStream
   * runs, a pinned image, a memory limit, and an unprivileged container.
   */
  private void checkNats(String where, Map<String, Object> workload, NatsServer nats) {
    Map<String, Object> container = K8sDeployment.container(workload);
    nats.storeDir()
        .ifPresent(
            dir -> {
              Optional<String> volume =
                  Yaml.list(container.get("volumeMounts")).stream()
                      .filter(m -> dir.equals(Yaml.text(m, "mountPath")))
                      .map(m -> Yaml.text(m, "name"))
                      .findFirst();
              boolean claim =
                  Yaml.list(Yaml.at(workload, "spec", "volumeClaimTemplates")).stream()
                      .anyMatch(
                          c ->
                              volume.isPresent()
                                  && volume.get().equals(Yaml.text(c, "metadata", "name")));
              problems.check(
                  claim,
                  "%s keeps JetStream's files in %s, which is no volume of its volumeClaimTemplates"
                      + " (it mounts %s): the cluster's registrations would go with the pod",
                  where,
                  dir,
                  container.get("volumeMounts"));
            });
    nats.monitorPort()
        .ifPresent(
            port -> {
              for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                Object httpGet = Yaml.at(container, probe, "httpGet");
                Optional<Integer> probePort =
                    Optional.ofNullable(Yaml.at(httpGet, "port"))
                        .flatMap(p -> K8sDeployment.containerPort(workload, p));
                problems.check(
                    nats.healthPath().equals(Yaml.text(httpGet, "path"))
                        && probePort.equals(Optional.of(port)),
                    "%s: the %s should GET %s on the monitoring port %d (it has %s)",
                    where,
                    probe,
                    nats.healthPath(),
                    port,
                    httpGet);
              }
            });
    String tag =
        nats.image().contains(":") ? nats.image().substring(nats.image().lastIndexOf(':') + 1) : "";
    problems.check(
        !tag.isEmpty() && !tag.equals("latest"),
        "%s runs %s, which has no pinned tag (latest changes under you)",
        where,
        nats.image());
    problems.check(
        Yaml.text(container, "resources", "limits", "memory") != null
            && Yaml.text(container, "resources", "requests", "memory") != null,
        "%s should request and limit memory (it has %s)",
        where,
        container.get("resources"));
    problems.check(
        Boolean.TRUE.equals(
                Yaml.at(workload, "spec", "template", "spec", "securityContext", "runAsNonRoot"))
            && Boolean.FALSE.equals(
                Yaml.at(container, "securityContext", "allowPrivilegeEscalation")),
        "%s should run as non-root (runAsNonRoot: true) without privilege escalation",
        where);
  }

  /** The copy of {@link #directory()} that is rendered. */
  private Path rendered() {
    return copy.resolve(directory());
  }

  private static Map<String, Object> byKindAndName(List<Object> objects) {
    Map<String, Object> byKey = new TreeMap<>();
    for (Object object : objects) {
      byKey.put(Yaml.text(object, "kind") + "/" + Yaml.text(object, "metadata", "name"), object);
    }
    return byKey;
  }

  /** Kubernetes quantities: {@code 512Mi} (powers of 1024) or {@code 512M} (of 1000). */
  private static long bytes(String quantity) {
    Matcher matcher = QUANTITY.matcher(quantity);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("not a memory quantity: " + quantity);
    }
    long value = Long.parseLong(matcher.group(1));
    String unit = matcher.group(2) == null ? "" : matcher.group(2);
    return switch (unit) {
      case "Ki" -> value << 10;
      case "Mi" -> value << 20;
      case "Gi" -> value << 30;
      case "k" -> value * 1_000;
      case "M" -> value * 1_000_000;
      case "G" -> value * 1_000_000_000;
      default -> value;
    };
  }

  private static boolean onPath(String command) {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.of(path.split(java.io.File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }
}
