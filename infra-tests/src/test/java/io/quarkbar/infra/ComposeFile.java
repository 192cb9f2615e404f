package io.quarkbar.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docker-compose.yml as the checks need it, alone or with override files merged into it as {@code
 * docker compose -f docker-compose.yml -f docker-compose.cluster.yml} merges them ({@link
 * ComposeMerge}): per service its image, build, command, environment, published ports, healthcheck,
 * dependencies, networks, volumes and memory limit. Compose substitutes {@code ${VAR}} (with {@code
 * :?}, {@code :-} and the like) from .env before anything runs; here such a value reads {@code
 * <.env VAR>}, so that checks can tell where a value comes from without a .env.
 */
final class ComposeFile {

  /** {@code ${VAR}}, {@code ${VAR:?message}}, {@code ${VAR:-default}} ... as compose reads them. */
  private static final Pattern INTERPOLATION =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(?::?[-?+])[^}]*)?}");

  /** {@code [host_ip:]host_port:container_port}. */
  private static final Pattern PORT = Pattern.compile("(?:([0-9.]+):)?([0-9]+):([0-9]+)(?:/tcp)?");

  /** A published port. */
  record Port(Optional<String> hostIp, int hostPort, int containerPort) {}

  /** The {@code build:} section. */
  record Build(String context, String dockerfile, Optional<String> target) {}

  /** One service; {@code replicas} is how many containers it runs ({@code scale}). */
  record Service(
      String name,
      Optional<String> image,
      Optional<Build> build,
      List<String> command,
      Map<String, String> environment,
      List<Port> ports,
      List<String> healthcheck,
      Map<String, String> dependsOn,
      Set<String> networks,
      List<String> volumes,
      Optional<Long> memoryLimit,
      int replicas) {}

  private final List<Path> files;
  private final Map<String, Service> services = new LinkedHashMap<>();
  private final Set<String> interpolatedVariables = new TreeSet<>();
  private final Set<String> declaredVolumes = new TreeSet<>();
  private final Set<String> declaredNetworks = new TreeSet<>();

  private ComposeFile(List<Path> files) {
    this.files = List.copyOf(files);
  }

  /** Parses {@code file}. */
  static ComposeFile parse(Path file) {
    return parse(List.of(file));
  }

  /** Parses {@code files} and merges them in this order, as {@code docker compose -f ...} does. */
  static ComposeFile parse(List<Path> files) {
    ComposeFile compose = new ComposeFile(files);
    List<Map<String, Object>> trees = new ArrayList<>();
    for (Path file : files) {
      try {
        Matcher interpolation = INTERPOLATION.matcher(Files.readString(file));
        while (interpolation.find()) {
          compose.interpolatedVariables.add(interpolation.group(1));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      trees.add(Yaml.loadMap(file));
    }
    Map<String, Object> merged = ComposeMerge.merge(trees);
    Yaml.map(merged.get("services"))
        .forEach((name, node) -> compose.services.put(name, service(name, node)));
    compose.declaredVolumes.addAll(Yaml.map(merged.get("volumes")).keySet());
    compose.declaredNetworks.addAll(Yaml.map(merged.get("networks")).keySet());
    return compose;
  }

  /** The files, in {@code -f} order. */
  List<Path> files() {
    return files;
  }

  /** How messages name the files: {@code docker-compose.yml + docker-compose.cluster.yml}. */
  String name() {
    return String.join(
        " + ", files.stream().map(f -> Repository.ROOT.relativize(f).toString()).toList());
  }

  /** The named volumes of the top-level {@code volumes:}. */
  Set<String> declaredVolumes() {
    return declaredVolumes;
  }

  /** The networks of the top-level {@code networks:} ({@code default} is always there too). */
  Set<String> declaredNetworks() {
    return declaredNetworks;
  }

  /** The services built from the image target {@code target}, in file order. */
  List<Service> servicesBuilding(String target) {
    return services.values().stream()
        .filter(s -> s.build().flatMap(Build::target).equals(Optional.of(target)))
        .toList();
  }

  Map<String, Service> services() {
    return services;
  }

  /** Every variable the file takes from .env (or the shell), anywhere in it. */
  Set<String> interpolatedVariables() {
    return interpolatedVariables;
  }

  /** Whether {@code value} is exactly one substitution from .env, and which variable. */
  static Optional<String> envVariableOf(String value) {
    Matcher matcher = Pattern.compile("<\\.env ([A-Za-z0-9_]+)>").matcher(value);
    return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
  }

  private static Service service(String name, Object node) {
    Map<String, String> environment = new LinkedHashMap<>();
    Object env = Yaml.at(node, "environment");
    if (env instanceof List<?> list) {
      for (Object entry : list) {
        String[] pair = entry.toString().split("=", 2);
        environment.put(pair[0], pair.length > 1 ? interpolate(pair[1]) : "");
      }
    } else {
      Yaml.map(env)
          .forEach((k, v) -> environment.put(k, v == null ? "" : interpolate(String.valueOf(v))));
    }

    Object commandNode = Yaml.at(node, "command");
    List<String> command =
        commandNode instanceof List<?> list
            ? list.stream().map(Object::toString).toList()
            : commandNode == null
                ? List.of()
                : List.of(commandNode.toString().strip().split("\\s+"));

    Object networksNode = Yaml.at(node, "networks");
    Set<String> networks = new java.util.LinkedHashSet<>();
    if (networksNode instanceof List<?> list) {
      list.forEach(n -> networks.add(n.toString()));
    } else {
      networks.addAll(Yaml.map(networksNode).keySet());
    }
    if (networks.isEmpty()) {
      networks.add("default");
    }

    List<Port> ports = new ArrayList<>();
    for (Object port : Yaml.list(Yaml.at(node, "ports"))) {
      Matcher matcher = PORT.matcher(port.toString());
      if (!matcher.matches()) {
        throw new IllegalStateException(
            "compose service " + name + ": cannot read port " + port + " (use HOST:CONTAINER)");
      }
      ports.add(
          new Port(
              Optional.ofNullable(matcher.group(1)),
              Integer.parseInt(matcher.group(2)),
              Integer.parseInt(matcher.group(3))));
    }

    Object test = Yaml.at(node, "healthcheck", "test");
    List<String> healthcheck =
        test instanceof List<?> list
            ? list.stream().map(Object::toString).toList()
            : test == null ? List.of() : List.of("CMD-SHELL", test.toString());

    Map<String, String> dependsOn = new LinkedHashMap<>();
    Object depends = Yaml.at(node, "depends_on");
    if (depends instanceof List<?> list) {
      list.forEach(d -> dependsOn.put(d.toString(), "service_started"));
    } else {
      Yaml.map(depends)
          .forEach(
              (service, spec) ->
                  dependsOn.put(
                      service,
                      Optional.ofNullable(Yaml.text(spec, "condition")).orElse("service_started")));
    }

    Optional<Build> build =
        Optional.ofNullable(Yaml.at(node, "build"))
            .map(
                b ->
                    b instanceof Map<?, ?>
                        ? new Build(
                            Optional.ofNullable(Yaml.text(b, "context")).orElse("."),
                            Optional.ofNullable(Yaml.text(b, "dockerfile")).orElse("Dockerfile"),
                            Optional.ofNullable(Yaml.text(b, "target")))
                        : new Build(b.toString(), "Dockerfile", Optional.empty()));

    String memory =
        Optional.ofNullable(Yaml.text(node, "mem_limit"))
            .orElse(Yaml.text(node, "deploy", "resources", "limits", "memory"));

    return new Service(
        name,
        Optional.ofNullable(Yaml.text(node, "image")),
        build,
        command,
        environment,
        ports,
        healthcheck,
        dependsOn,
        networks,
        Yaml.list(Yaml.at(node, "volumes")).stream().map(Object::toString).toList(),
        Optional.ofNullable(memory).map(ComposeFile::bytes),
        Integer.parseInt(
            Optional.ofNullable(Yaml.text(node, "scale"))
                .or(() -> Optional.ofNullable(Yaml.text(node, "deploy", "replicas")))
                .orElse("1")));
  }

  private static String interpolate(String value) {
    return INTERPOLATION.matcher(value).replaceAll(m -> "<.env " + m.group(1) + ">");
  }

  /** Docker's memory sizes: {@code 512m} is 512 MiB (b, k, m, g are powers of 1024). */
  static long bytes(String size) {
    Matcher matcher = Pattern.compile("([0-9]+)([bkmg]?)b?").matcher(size.toLowerCase());
    if (!matcher.matches()) {
      throw new IllegalArgumentException("not a memory size: " + size);
    }
    long value = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "k" -> value << 10;
      case "m" -> value << 20;
      case "g" -> value << 30;
      default -> value;
    };
  }
}
