package io.quarkbar.infra;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code docker compose -f a.yml -f b.yml}: the files merged into one YAML tree as the Compose
 * specification's merge rules say (https://docs.docker.com/reference/compose-file/merge/), as far
 * as this repository's files need them:
 *
 * <ul>
 *   <li>mappings merge key by key, recursively (services by name, a service's attributes, {@code
 *       build}, {@code healthcheck}, the top-level {@code volumes} and {@code networks}); a scalar
 *       of the later file replaces the earlier one;
 *   <li>{@code environment}, {@code depends_on} and {@code networks} are mappings in either of
 *       their forms: a list ({@code - KEY=value}, {@code - service}, {@code - network}) is turned
 *       into a mapping first, as compose does, and then merged key by key;
 *   <li>{@code command}, {@code entrypoint} and {@code healthcheck.test} are replaced, not
 *       appended;
 *   <li>{@code ports} are unique by host address, host port, container port and protocol, {@code
 *       volumes} by their path in the container: an entry of the later file replaces the earlier
 *       one with the same key, other entries are appended;
 *   <li>every other sequence is appended to.
 * </ul>
 *
 * Not supported, and refused rather than merged wrongly: {@code extends}, {@code include}, the
 * {@code !reset} and {@code !override} tags (the YAML parser rejects unknown tags), and an
 * attribute that is a mapping in one file and a list or scalar in the other (other than the forms
 * above). YAML anchors and merge keys ({@code <<: *anchor}) are the parser's, inside one file.
 */
final class ComposeMerge {

  /** Attributes whose later value replaces the earlier one (paths below a service). */
  private static final Set<String> REPLACED = Set.of("command", "entrypoint", "healthcheck.test");

  private static final Set<String> UNSUPPORTED = Set.of("extends", "include");

  private static final Pattern PORT =
      Pattern.compile("(?:([0-9.]+):)?([0-9]+):([0-9]+)(?:/(tcp|udp))?");

  private ComposeMerge() {}

  /** {@code files} (each one file's tree, in {@code -f} order) merged into one. */
  static Map<String, Object> merge(List<Map<String, Object>> files) {
    Map<String, Object> merged = new LinkedHashMap<>();
    for (Map<String, Object> file : files) {
      merged = mergeMaps("", merged, normalized(file));
    }
    return merged;
  }

  /** One file's tree with the list forms of its services' mappings made mappings. */
  static Map<String, Object> normalized(Map<String, Object> file) {
    for (String key : UNSUPPORTED) {
      if (file.containsKey(key)) {
        throw new IllegalStateException("compose: `" + key + "` is not supported by ComposeMerge");
      }
    }
    Map<String, Object> copy = new LinkedHashMap<>(file);
    Map<String, Object> services = new LinkedHashMap<>();
    Yaml.map(file.get("services"))
        .forEach((name, node) -> services.put(name, normalizedService(name, Yaml.map(node))));
    if (file.containsKey("services")) {
      copy.put("services", services);
    }
    return copy;
  }

  private static Map<String, Object> normalizedService(String name, Map<String, Object> service) {
    for (String key : UNSUPPORTED) {
      if (service.containsKey(key)) {
        throw new IllegalStateException(
            "compose service " + name + ": `" + key + "` is not supported by ComposeMerge");
      }
    }
    Map<String, Object> copy = new LinkedHashMap<>(service);
    if (service.get("environment") instanceof List<?> list) {
      Map<String, Object> environment = new LinkedHashMap<>();
      for (Object entry : list) {
        String[] pair = entry.toString().split("=", 2);
        environment.put(pair[0], pair.length > 1 ? pair[1] : null);
      }
      copy.put("environment", environment);
    }
    if (service.get("depends_on") instanceof List<?> list) {
      Map<String, Object> dependsOn = new LinkedHashMap<>();
      list.forEach(
          d ->
              dependsOn.put(
                  d.toString(), new LinkedHashMap<>(Map.of("condition", "service_started"))));
      copy.put("depends_on", dependsOn);
    }
    if (service.get("networks") instanceof List<?> list) {
      Map<String, Object> networks = new LinkedHashMap<>();
      list.forEach(n -> networks.put(n.toString(), null));
      copy.put("networks", networks);
    }
    if (service.get("build") instanceof String context) {
      copy.put("build", new LinkedHashMap<>(Map.of("context", context)));
    }
    return copy;
  }

  private static Map<String, Object> mergeMaps(
      String path, Map<String, Object> earlier, Map<String, Object> later) {
    Map<String, Object> merged = new LinkedHashMap<>(earlier);
    later.forEach(
        (key, value) -> {
          String at = path.isEmpty() ? key : path + "." + key;
          merged.put(key, merged.containsKey(key) ? mergeNodes(at, merged.get(key), value) : value);
        });
    return merged;
  }

  private static Object mergeNodes(String path, Object earlier, Object later) {
    if (later == null) {
      return earlier;
    }
    if (earlier == null) {
      return later;
    }
    String attribute = serviceAttribute(path);
    if (REPLACED.contains(attribute)) {
      return later;
    }
    if (earlier instanceof Map<?, ?> a && later instanceof Map<?, ?> b) {
      return mergeMaps(path, Yaml.map(a), Yaml.map(b));
    }
    if (earlier instanceof List<?> a && later instanceof List<?> b) {
      return switch (attribute) {
        case "ports" -> unique(a, b, ComposeMerge::portKey);
        case "volumes" -> unique(a, b, ComposeMerge::volumeTarget);
        default -> {
          List<Object> appended = new ArrayList<>(a);
          appended.addAll(b);
          yield appended;
        }
      };
    }
    if (!kind(earlier).equals("scalar") || !kind(later).equals("scalar")) {
      throw new IllegalStateException(
          "compose: "
              + path
              + " is a "
              + kind(earlier)
              + " in one file and a "
              + kind(later)
              + " in the next; ComposeMerge does not merge those");
    }
    return later;
  }

  /** {@code healthcheck.test} for {@code services.web.healthcheck.test}; "" outside services. */
  private static String serviceAttribute(String path) {
    String[] parts = path.split("\\.", 3);
    return parts.length == 3 && parts[0].equals("services") ? parts[2] : "";
  }

  private static List<Object> unique(
      List<?> earlier, List<?> later, java.util.function.Function<Object, String> key) {
    Map<String, Object> byKey = new LinkedHashMap<>();
    earlier.forEach(e -> byKey.put(key.apply(e), e));
    later.forEach(e -> byKey.put(key.apply(e), e));
    return new ArrayList<>(byKey.values());
  }

  /** A port's unique key: host address, host port, container port, protocol. */
  private static String portKey(Object port) {
    if (port instanceof Map<?, ?> map) {
      return map.get("host_ip")
          + "|"
          + map.get("published")
          + "|"
          + map.get("target")
          + "|"
          + (map.get("protocol") == null ? "tcp" : map.get("protocol"));
    }
    Matcher m = PORT.matcher(port.toString());
    return m.matches()
        ? m.group(1)
            + "|"
            + m.group(2)
            + "|"
            + m.group(3)
            + "|"
            + (m.group(4) == null ? "tcp" : m.group(4))
        : port.toString();
  }

  /** A volume's unique key: its path in the container. */
  private static String volumeTarget(Object volume) {
    if (volume instanceof Map<?, ?> map) {
      return String.valueOf(map.get("target"));
    }
    String[] parts = volume.toString().split(":");
    return parts.length == 1 ? parts[0] : parts[1];
  }

  private static String kind(Object node) {
    return node instanceof Map<?, ?> ? "mapping" : node instanceof List<?> ? "list" : "scalar";
  }
}
