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
 * secretGenerator} ({@code literals}, {@code files}, {@code envs}), and {@code labels}. Generated
 * objects keep their plain names; kubectl adds a hash of their content to the name and to every
 * reference, which {@link #withoutHashSuffixes} takes off again to compare the two. A field this
 * renderer does not know fails the rendering rather than being ignored: keep the base to these
 * features, or teach them here.
 */
final class Kustomize {

  private static final Set<String> SUPPORTED =
      Set.of("apiVersion", "kind", "resources", "configMapGenerator", "secretGenerator", "labels");

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
    for (Object generator : Yaml.list(kustomization.get("configMapGenerator"))) {
      objects.add(generated("ConfigMap", Yaml.map(generator), directory));
      generatedNames.add(Yaml.text(generator, "name"));
    }
    for (Object generator : Yaml.list(kustomization.get("secretGenerator"))) {
      objects.add(generated("Secret", Yaml.map(generator), directory));
      generatedNames.add(Yaml.text(generator, "name"));
    }
    for (Object labels : Yaml.list(kustomization.get("labels"))) {
      applyLabels(Yaml.map(labels), objects, file);
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
