package io.quarkbar.infra;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The platform as the rendered Kustomize base runs it: each application from the image its
 * Deployment names (the image target docker-compose.yml builds under that name), with the
 * environment of its container; in the cluster a Service name and port lead to the workload its
 * selector picks, and the browser reaches a Service through {@code kubectl port-forward} on the
 * same port.
 */
final class K8sDeployment implements Network {

  private final Kustomize.Rendering rendering;
  private final ComposeDeployment compose;

  K8sDeployment(Kustomize.Rendering rendering, ComposeDeployment compose) {
    this.rendering = rendering;
    this.compose = compose;
  }

  Kustomize.Rendering rendering() {
    return rendering;
  }

  /** The first container of a workload's pod template. */
  static Map<String, Object> container(Map<String, Object> workload) {
    return Yaml.map(
        Yaml.list(Yaml.at(workload, "spec", "template", "spec", "containers")).getFirst());
  }

  /**
   * Every application of {@link Repository#APPS} as its Deployment runs it; one that is missing, or
   * whose image docker-compose.yml does not build, is a problem and left out.
   */
  List<Deployed> apps(Problems problems) {
    List<Deployed> apps = new ArrayList<>();
    for (String app : Repository.APPS) {
      Optional<Map<String, Object>> deployment = rendering.find("Deployment", app);
      if (deployment.isEmpty()) {
        problems.add("the Kustomize base has no Deployment %s", app);
        continue;
      }
      String image = Yaml.text(container(deployment.get()), "image");
      Optional<ComposeFile.Service> built =
          compose.compose().services().values().stream()
              .filter(s -> s.build().isPresent() && s.image().equals(Optional.of(image)))
              .findFirst();
      Optional<Dockerfile> dockerfile = built.flatMap(compose::dockerfile);
      Optional<Dockerfile.Stage> stage =
          dockerfile.flatMap(d -> built.flatMap(s -> s.build().get().target()).flatMap(d::stage));
      if (stage.isEmpty()) {
        problems.add(
            "Deployment %s runs %s, which no compose service builds from an image target",
            app, image);
        continue;
      }
      apps.add(
          Deployed.of(
              app,
              app,
              "Deployment " + app,
              dockerfile.get(),
              stage.get(),
              environment(deployment.get(), "Deployment " + app, problems),
              problems));
    }
    return apps;
  }

  /**
   * The variables a workload's first container gets: each ConfigMap of {@code envFrom} whole, then
   * {@code env}; a Secret's value reads {@code <secret NAME/KEY>}. A reference to an object or key
   * that is not rendered is a problem.
   */
  Map<String, String> environment(Map<String, Object> workload, String where, Problems problems) {
    Map<String, Object> container = container(workload);
    Map<String, String> env = new LinkedHashMap<>();
    for (Object source : Yaml.list(container.get("envFrom"))) {
      String name = Yaml.text(source, "configMapRef", "name");
      Optional<Map<String, Object>> configMap =
          name == null ? Optional.empty() : rendering.find("ConfigMap", name);
      if (configMap.isEmpty()) {
        problems.add("%s takes its environment from %s, which is not rendered", where, source);
        continue;
      }
      Yaml.map(configMap.get().get("data")).forEach((k, v) -> env.put(k, String.valueOf(v)));
    }
    for (Object entry : Yaml.list(container.get("env"))) {
      String variable = Yaml.text(entry, "name");
      if (Yaml.at(entry, "value") != null) {
        env.put(variable, Yaml.text(entry, "value"));
        continue;
      }
      String kind = Yaml.at(entry, "valueFrom", "secretKeyRef") != null ? "Secret" : "ConfigMap";
      String ref = kind.equals("Secret") ? "secretKeyRef" : "configMapKeyRef";
      String name = Yaml.text(entry, "valueFrom", ref, "name");
      String key = Yaml.text(entry, "valueFrom", ref, "key");
      Optional<Object> value =
          rendering
              .find(kind, String.valueOf(name))
              .map(o -> Yaml.map(o.get("data")).get(key))
              .filter(v -> v != null);
      if (value.isEmpty()) {
        problems.add(
            "%s: %s comes from key %s of %s %s, which is not rendered",
            where, variable, key, kind, name);
        continue;
      }
      env.put(
          variable,
          kind.equals("Secret") ? "<secret " + name + "/" + key + ">" : value.get().toString());
    }
    return env;
  }

  /** How many pods the Deployment of {@code app} runs ({@code spec.replicas}, 1 by default). */
  int replicas(Deployed app) {
    return rendering
        .find("Deployment", app.workload())
        .map(d -> Yaml.text(d, "spec", "replicas"))
        .map(Integer::parseInt)
        .orElse(1);
  }

  /**
   * The NATS server the StatefulSet or Deployment {@code workload} runs, if its container runs the
   * NATS image: its {@code args} (after {@code command}, if any, which names nats-server) are the
   * server's flags.
   */
  Optional<NatsServer> nats(String workload) {
    return rendering.objects().stream()
        .filter(o -> List.of("Deployment", "StatefulSet").contains(o.get("kind")))
        .filter(o -> workload.equals(Yaml.text(o, "metadata", "name")))
        .map(K8sDeployment::container)
        .filter(c -> NatsServer.isNatsImage(Yaml.text(c, "image")))
        .findFirst()
        .map(
            c -> {
              List<String> args = new ArrayList<>();
              Yaml.list(c.get("command")).stream().skip(1).map(Object::toString).forEach(args::add);
              Yaml.list(c.get("args")).stream().map(Object::toString).forEach(args::add);
              return NatsServer.parse(Yaml.text(c, "image"), args);
            });
  }

  @Override
  public Optional<Endpoint> inside(String host, int port) {
    Optional<Map<String, Object>> service = rendering.find("Service", host);
    if (service.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Object> selector = Yaml.map(Yaml.at(service.get(), "spec", "selector"));
    Optional<Map<String, Object>> workload = selected(selector);
    Optional<Object> targetPort =
        Yaml.list(Yaml.at(service.get(), "spec", "ports")).stream()
            .filter(p -> String.valueOf(Yaml.at(p, "port")).equals(String.valueOf(port)))
            .map(p -> Optional.ofNullable(Yaml.at(p, "targetPort")).orElse(port))
            .findFirst();
    if (workload.isEmpty() || targetPort.isEmpty()) {
      return Optional.empty();
    }
    return containerPort(workload.get(), targetPort.get())
        .map(p -> new Endpoint(Yaml.text(workload.get(), "metadata", "name"), p));
  }

  @Override
  public Optional<Endpoint> fromBrowser(int port) {
    // kubectl port-forward service/NAME PORT:PORT, as infra/README.md says.
    return rendering.all("Service").stream()
        .map(s -> inside(Yaml.text(s, "metadata", "name"), port))
        .flatMap(Optional::stream)
        .findFirst();
  }

  @Override
  public Optional<Integer> browserPort(String workload) {
    return rendering.all("Service").stream()
        .filter(
            s ->
                selected(Yaml.map(Yaml.at(s, "spec", "selector")))
                    .map(w -> workload.equals(Yaml.text(w, "metadata", "name")))
                    .orElse(false))
        .map(s -> Yaml.list(Yaml.at(s, "spec", "ports")))
        .filter(ports -> !ports.isEmpty())
        .map(ports -> Integer.parseInt(String.valueOf(Yaml.at(ports.getFirst(), "port"))))
        .findFirst();
  }

  /** The workload (Deployment or StatefulSet) whose pods a Service's selector picks. */
  Optional<Map<String, Object>> selected(Map<String, Object> selector) {
    if (selector.isEmpty()) {
      return Optional.empty();
    }
    return rendering.objects().stream()
        .filter(o -> List.of("Deployment", "StatefulSet").contains(o.get("kind")))
        .filter(
            o ->
                Yaml.map(Yaml.at(o, "spec", "template", "metadata", "labels"))
                    .entrySet()
                    .containsAll(selector.entrySet()))
        .findFirst();
  }

  /** The container port a Service's targetPort (a number or a port name) means. */
  static Optional<Integer> containerPort(Map<String, Object> workload, Object targetPort) {
    for (Object port : Yaml.list(container(workload).get("ports"))) {
      if (targetPort.toString().equals(Yaml.text(port, "name"))
          || targetPort.toString().equals(Yaml.text(port, "containerPort"))) {
        return Optional.of(Integer.parseInt(Yaml.text(port, "containerPort")));
      }
    }
    return Optional.empty();
  }
}
