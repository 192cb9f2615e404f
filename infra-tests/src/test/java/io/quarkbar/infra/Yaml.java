package io.quarkbar.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads YAML files (compose, Kustomize, Quarkus configuration) into plain maps and lists, and walks
 * them. A file that is not valid YAML fails the test that reads it, with the parser's line and
 * column.
 */
final class Yaml {

  private Yaml() {}

  /** The documents of a file, {@code ---} separated; empty documents left out. */
  static List<Object> loadAll(Path file) {
    List<Object> documents = new ArrayList<>();
    for (Object document : parser().loadAll(read(file))) {
      if (document != null) {
        documents.add(document);
      }
    }
    return documents;
  }

  /** A file of one document. */
  static Object load(Path file) {
    return parser().load(read(file));
  }

  /** A file of one document, which must be a mapping. */
  static Map<String, Object> loadMap(Path file) {
    return map(load(file));
  }

  /** Text of YAML documents (kubectl's output). */
  static List<Object> loadAll(String text) {
    List<Object> documents = new ArrayList<>();
    parser().loadAll(text).forEach(documents::add);
    documents.removeIf(Objects::isNull);
    return documents;
  }

  /** {@code node} as a mapping; absent ({@code null}) is empty. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object node) {
    return node == null ? Map.of() : (Map<String, Object>) node;
  }

  /** {@code node} as a sequence; absent is empty. */
  @SuppressWarnings("unchecked")
  static List<Object> list(Object node) {
    return node == null ? List.of() : (List<Object>) node;
  }

  /**
   * The node at {@code path} (mapping keys) below {@code node}; {@code null} where one is absent.
   */
  static Object at(Object node, String... path) {
    Object current = node;
    for (String key : path) {
      if (!(current instanceof Map<?, ?> map)) {
        return null;
      }
      current = map.get(key);
    }
    return current;
  }

  /** The scalar at {@code path} as text; {@code null} when absent. */
  static String text(Object node, String... path) {
    Object value = at(node, path);
    return value == null ? null : value.toString();
  }

  private static org.yaml.snakeyaml.Yaml parser() {
    // Safe types only; YAML 1.1, as kubectl reads it (0555 is octal).
    return new org.yaml.snakeyaml.Yaml(new SafeConstructor(new LoaderOptions()));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
