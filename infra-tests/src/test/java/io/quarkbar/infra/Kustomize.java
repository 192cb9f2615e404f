package io.quarkbar.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Renders a Kustomize directory in Java, for machines without kubectl: its {@code resources}
 * (files, and directories rendered the same way), {@code configMapGenerator} and {@code
 * secretGenerator} ({@code literals}, {@code files}, {@code envs}; {@code behavior: merge} in an
 * overlay), {@code patches} (JSON 6902 patches, inline or in a file, with a {@code target} of kind
 * and name), {@code labels} and {@code replicas}, applied in that order, as kustomize does.
 * Generated objects keep their plain names; kubectl adds a hash of their content to the name and to
 * every reference, which {@link #withoutHashSuffixes} takes off again to compare the two. A field
 * this renderer does not know fails the rendering rather than being ignored: keep the base to these
 * features, or teach them here.
 */
final class Kustomize {

  private static final Set<String> SUPPORTED =
      Set.of(
          "apiVersion",
          "kind",
          "resources",
          "configMapGenerator",
          "secretGenerator",
          "patches",
          "labels",
          "replicas");

  /** The objects a directory renders to, and which of them its generators made. */
  record Rendering(List<Map<String, Object>> objects, Set<String> generatedNames) {

    /** The object of {@code kind} named {@code name}, if there is one. */
    Optional<Map<String, Object>> find(String kind, String name) {
      return objects.stream()
          .filter(o -> kind.equals(o.get("kind")) && name.equals(Yaml.text(o, "metadata", "name")))
          .findFirst();
    }

    /** The objects of {@code kind}. */
    List<Map<String, Object>> all(String kind) {
      return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }
  }

  private Kustomize() {}

  /** What {@code kubectl kustomize directory} would print, generated names without their hash. */
  static Rendering render(Path directory) {
    Path file = directory.resolve("kustomization.yaml");
    Map<String, Object> kustomization = Yaml.loadMap(file);
    for (String field : kustomization.keySet()) {
      if (!SUPPORTED.contains(field)) {
        throw new IllegalStateException(
            file + ": `" + field + "` is not supported by the Java rendering (Kustomize.java)");
      }
    }
    List<Map<String, Object>> objects = new ArrayList<>();
    Set<String> generatedNames = new TreeSet<>();
    for (Object resource : Yaml.list(kustomization.get("resources"))) {
      Path path = directory.resolve(resource.toString()).normalize();
      if (Files.isDirectory(path)) {
        Rendering below = render(path);
        objects.addAll(below.objects());
        generatedNames.addAll(below.generatedNames());
      } else {
        Yaml.loadAll(path).forEach(document -> objects.add(Yaml.map(document)));
      }
    }
    for (String kind : List.of("ConfigMap", "Secret")) {
      String field = kind.equals("ConfigMap") ? "configMapGenerator" : "secretGenerator";
      for (Object generator : Yaml.list(kustomization.get(field))) {
        generate(kind, Yaml.map(generator), directory, objects, generatedNames, file);
      }
    }
    for (Object patch : Yaml.list(kustomization.get("patches"))) {
      applyPatch(Yaml.map(patch), directory, objects, file);
    }
    for (Object labels : Yaml.list(kustomization.get("labels"))) {
      applyLabels(Yaml.map(labels), objects, file);
    }
    for (Object replicas : Yaml.list(kustomization.get("replicas"))) {
      applyReplicas(Yaml.map(replicas), objects, file);
    }
    return new Rendering(objects, generatedNames);
  }

  /**
   * kubectl's output with the content hash taken off generated names ({@code web-ui-7f696498g6} is
   * {@code web-ui}), wherever they appear.
   */
  @SuppressWarnings("unchecked")
  static Object withoutHashSuffixes(Object node, Set<String> generatedNames) {
    if (node instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      ((Map<String, Object>) map)
          .forEach((k, v) -> copy.put(k, withoutHashSuffixes(v, generatedNames)));
      return copy;
    }
    if (node instanceof List<?> list) {
      return list.stream().map(e -> withoutHashSuffixes(e, generatedNames)).toList();
    }
    if (node instanceof String text && text.matches(".+-[a-z0-9]{10}")) {
      String plain = text.substring(0, text.length() - 11);
      return generatedNames.contains(plain) ? plain : text;
    }
    return node;
  }

  /**
   * A generator: a new object ({@code behavior: create}, the default), or, with {@code behavior:
   * merge} or {@code replace}, the data of the object of that kind and name that the resources (a
   * base) generated, merged or replaced.
   */
  private static void generate(
      String kind,
      Map<String, Object> generator,
      Path directory,
      List<Map<String, Object>> objects,
      Set<String> generatedNames,
      Path file) {
    String behavior = Optional.ofNullable((String) generator.get("behavior")).orElse("create");
    Map<String, Object> object = generated(kind, generator, directory);
    String name = Yaml.text(generator, "name");
    if (behavior.equals("create")) {
      objects.add(object);
      generatedNames.add(name);
      return;
    }
    Map<String, Object> existing =
        objects.stream()
            .filter(
                o -> kind.equals(o.get("kind")) && name.equals(Yaml.text(o, "metadata", "name")))
            .findFirst()
            .filter(o -> generatedNames.contains(name))
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        file
                            + ": "
                            + kind
                            + " "
                            + name
                            + " has behavior "
                            + behavior
                            + ", but no generator of the resources made it"));
    Map<String, Object> data = new LinkedHashMap<>();
    switch (behavior) {
      case "merge" -> data.putAll(Yaml.map(existing.get("data")));
      case "replace" -> {}
      default ->
          throw new IllegalStateException(
              file + ": generator behavior " + behavior + " is not supported (Kustomize.java)");
    }
    data.putAll(Yaml.map(object.get("data")));
    existing.put("data", data);
  }

  /**
   * {@code patches}: a JSON 6902 patch ({@code op} add, replace or remove), inline ({@code patch})
   * or in a file ({@code path}), on the objects its {@code target} names by kind and name.
   */
  private static void applyPatch(
      Map<String, Object> patch, Path directory, List<Map<String, Object>> objects, Path file) {
    Map<String, Object> target = Yaml.map(patch.get("target"));
    for (String key : target.keySet()) {
      if (!List.of("kind", "name", "group", "version").contains(key)) {
        throw new IllegalStateException(
            file + ": a patch target by " + key + " is not supported (Kustomize.java)");
      }
    }
    String text =
        patch.containsKey("path")
            ? read(directory.resolve(patch.get("path").toString()))
            : String.valueOf(patch.get("patch"));
    List<Object> documents = Yaml.loadAll(text);
    if (documents.size() != 1 || !(documents.getFirst() instanceof List<?> operations)) {
      throw new IllegalStateException(
          file + ": only JSON 6902 patches (a list of operations) are supported (Kustomize.java)");
    }
    List<Map<String, Object>> targets =
        objects.stream()
            .filter(o -> !target.containsKey("kind") || target.get("kind").equals(o.get("kind")))
            .filter(
                o ->
                    !target.containsKey("name")
                        || target.get("name").equals(Yaml.text(o, "metadata", "name")))
            .toList();
    if (targets.isEmpty()) {
      throw new IllegalStateException(file + ": the patch's target " + target + " matches nothing");
    }
    for (Map<String, Object> object : targets) {
      for (Object operation : operations) {
        applyOperation(Yaml.map(operation), object, file);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static void applyOperation(Map<String, Object> operation, Object object, Path file) {
    String op = String.valueOf(operation.get("op"));
    String path = String.valueOf(operation.get("path"));
    List<String> tokens = new ArrayList<>();
    for (String token : path.substring(1).split("/", -1)) {
      tokens.add(token.replace("~1", "/").replace("~0", "~"));
    }
    Object parent = object;
    for (String token : tokens.subList(0, tokens.size() - 1)) {
      parent =
          parent instanceof List<?> list
              ? list.get(Integer.parseInt(token))
              : Yaml.map(parent).get(token);
      if (parent == null) {
        throw new IllegalStateException(file + ": patch path " + path + " does not exist");
      }
    }
    String last = tokens.getLast();
    Object value = copy(operation.get("value"));
    if (parent instanceof List<?> list) {
      List<Object> items = (List<Object>) list;
      int index = last.equals("-") ? items.size() : Integer.parseInt(last);
      switch (op) {
        case "add" -> items.add(index, value);
        case "replace" -> items.set(index, value);
        case "remove" -> items.remove(index);
        default ->
            throw new IllegalStateException(
                file + ": patch op " + op + " is not supported (Kustomize.java)");
      }
      return;
    }
    Map<String, Object> map = (Map<String, Object>) parent;
    switch (op) {
      case "add" -> map.put(last, value);
      case "replace", "remove" -> {
        if (!map.containsKey(last)) {
          throw new IllegalStateException(file + ": patch path " + path + " does not exist");
        }
        if (op.equals("replace")) {
          map.put(last, value);
        } else {
          map.remove(last);
        }
      }
      default ->
          throw new IllegalStateException(
              file + ": patch op " + op + " is not supported (Kustomize.java)");
    }
  }

  /** A deep, mutable copy of a YAML node. */
  private static Object copy(Object node) {
    if (node instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(k.toString(), copy(v)));
      return copy;
    }
    if (node instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(e -> copy.add(copy(e)));
      return copy;
    }
    return node;
  }

  /** {@code replicas}: the count of the workloads of that name. */
  private static void applyReplicas(
      Map<String, Object> replicas, List<Map<String, Object>> objects, Path file) {
    String name = String.valueOf(replicas.get("name"));
    List<Map<String, Object>> workloads =
        objects.stream()
            .filter(
                o ->
                    List.of("Deployment", "StatefulSet", "ReplicaSet", "ReplicationController")
                        .contains(o.get("kind")))
            .filter(o -> name.equals(Yaml.text(o, "metadata", "name")))
            .toList();
    if (workloads.isEmpty()) {
      throw new IllegalStateException(file + ": replicas of " + name + ", which is not rendered");
    }
    for (Map<String, Object> workload : workloads) {
      @SuppressWarnings("unchecked")
      Map<String, Object> spec =
          (Map<String, Object>) workload.computeIfAbsent("spec", k -> new LinkedHashMap<>());
      spec.put("replicas", replicas.get("count"));
    }
  }

  private static Map<String, Object> generated(
      String kind, Map<String, Object> generator, Path directory) {
    boolean base64 = kind.equals("Secret");
    Map<String, String> data = new LinkedHashMap<>();
    for (Object literal : Yaml.list(generator.get("literals"))) {
      String[] pair = literal.toString().split("=", 2);
      data.put(pair[0], pair[1]);
    }
    for (Object entry : Yaml.list(generator.get("files"))) {
      String[] pair = entry.toString().split("=", 2);
      Path path = directory.resolve(pair[pair.length - 1]);
      data.put(pair.length == 2 ? pair[0] : path.getFileName().toString(), read(path));
    }
    for (Object envs : Yaml.list(generator.get("envs"))) {
      for (String line : read(directory.resolve(envs.toString())).split("\n")) {
        String text = line.strip();
        if (!text.isEmpty() && !text.startsWith("#")) {
          String[] pair = text.split("=", 2);
          data.put(pair[0], pair.length == 2 ? pair[1] : "");
        }
      }
    }
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("apiVersion", "v1");
    object.put("kind", kind);
    object.put("metadata", new LinkedHashMap<>(Map.of("name", generator.get("name"))));
    Map<String, Object> encoded = new LinkedHashMap<>();
    data.forEach(
        (k, v) ->
            encoded.put(
                k,
                base64
                    ? Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))
                    : v));
    object.put("data", encoded);
    if (kind.equals("Secret")) {
      object.put("type", "Opaque");
    }
    return object;
  }

  /** {@code labels}: on every object's metadata, and with includeTemplates on pod templates. */
  private static void applyLabels(
      Map<String, Object> labels, List<Map<String, Object>> objects, Path file) {
    if (Boolean.TRUE.equals(labels.get("includeSelectors"))) {
      throw new IllegalStateException(
          file + ": labels with includeSelectors are not supported by the Java rendering");
    }
    Map<String, Object> pairs = Yaml.map(labels.get("pairs"));
    boolean templates = Boolean.TRUE.equals(labels.get("includeTemplates"));
    for (Map<String, Object> object : objects) {
      addLabels(object, pairs);
      Object spec = object.get("spec");
      if (templates && Yaml.at(spec, "template") != null) {
        addLabels(Yaml.map(Yaml.at(spec, "template")), pairs);
      }
      if (templates) {
        for (Object claim : Yaml.list(Yaml.at(spec, "volumeClaimTemplates"))) {
          addLabels(Yaml.map(claim), pairs);
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static void addLabels(Map<String, Object> object, Map<String, Object> pairs) {
    Map<String, Object> metadata =
        (Map<String, Object>) object.computeIfAbsent("metadata", k -> new LinkedHashMap<>());
    Map<String, Object> labels =
        (Map<String, Object>) metadata.computeIfAbsent("labels", k -> new LinkedHashMap<>());
    labels.putAll(pairs);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
