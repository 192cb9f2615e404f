package io.quarkbar.infra;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ModifiersTree;
import com.sun.source.tree.ParameterizedTypeTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.lang.model.element.Modifier;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The configuration keys an application's {@code @ConfigMapping} interfaces declare, read from its
 * Java sources with the JDK's own parser (nothing is compiled or loaded). A key is a pattern:
 * {@code *} stands for a map key ({@code router.realms.*.anonymous-role}), {@code [*]} for a list
 * index. Names follow SmallRye Config: {@code @WithName}, {@code @WithParentName}, or the method
 * name in kebab case; {@code @WithDefault} gives the default.
 */
final class ConfigMappingKeys {

  /** One key and its {@code @WithDefault}, if any. */
  record Key(String pattern, Optional<String> defaultValue) {}

  private final Map<String, ClassTree> types = new HashMap<>();
  private final List<Key> keys = new ArrayList<>();

  private ConfigMappingKeys() {}

  /** The keys of every {@code @ConfigMapping} under {@code sourceRoot} (none when it is absent). */
  static List<Key> read(Path sourceRoot) {
    ConfigMappingKeys reader = new ConfigMappingKeys();
    List<ClassTree> mappings = new ArrayList<>();
    for (CompilationUnitTree unit : parse(sourceRoot)) {
      for (Tree type : unit.getTypeDecls()) {
        if (type instanceof ClassTree classTree) {
          reader.collect(classTree, mappings);
        }
      }
    }
    for (ClassTree mapping : mappings) {
      String prefix = annotationValue(mapping.getModifiers(), "ConfigMapping", "prefix").orElse("");
      reader.walk(mapping, prefix);
    }
    return List.copyOf(reader.keys);
  }

  /** Indexes every type by simple name, and notes the {@code @ConfigMapping} roots. */
  private void collect(ClassTree type, List<ClassTree> mappings) {
    types.put(type.getSimpleName().toString(), type);
    if (annotation(type.getModifiers(), "ConfigMapping").isPresent()) {
      mappings.add(type);
    }
    for (Tree member : type.getMembers()) {
      if (member instanceof ClassTree nested) {
        collect(nested, mappings);
      }
    }
  }

  private void walk(ClassTree group, String prefix) {
    for (Tree member : group.getMembers()) {
      if (member instanceof MethodTree method
          && method.getParameters().isEmpty()
          && method.getBody() == null
          && !method.getModifiers().getFlags().contains(Modifier.STATIC)) {
        ModifiersTree modifiers = method.getModifiers();
        String name =
            annotation(modifiers, "WithParentName").isPresent()
                ? ""
                : annotationValue(modifiers, "WithName", "value")
                    .orElseGet(() -> kebab(method.getName().toString()));
        String key = prefix.isEmpty() ? name : name.isEmpty() ? prefix : prefix + "." + name;
        addType(method.getReturnType(), key, annotationValue(modifiers, "WithDefault", "value"));
      }
    }
  }

  private void addType(Tree type, String key, Optional<String> defaultValue) {
    if (type instanceof ParameterizedTypeTree parameterized) {
      List<? extends Tree> arguments = parameterized.getTypeArguments();
      switch (simpleName(parameterized.getType())) {
        case "Optional" -> addType(arguments.getFirst(), key, defaultValue);
        case "Map" -> addType(arguments.getLast(), key + ".*", defaultValue);
        case "List", "Set", "Collection" -> {
          ClassTree element = group(arguments.getFirst());
          if (element != null) {
            walk(element, key + "[*]");
          } else {
            keys.add(new Key(key, defaultValue));
          }
        }
        default -> keys.add(new Key(key, defaultValue));
      }
      return;
    }
    ClassTree nested = group(type);
    if (nested != null) {
      walk(nested, key);
    } else {
      keys.add(new Key(key, defaultValue));
    }
  }

  /** The interface {@code type} names, if it is one of the parsed ones (a group of keys). */
  private ClassTree group(Tree type) {
    ClassTree declared = types.get(simpleName(type));
    return declared != null && declared.getKind() == Tree.Kind.INTERFACE ? declared : null;
  }

  private static String simpleName(Tree type) {
    return switch (type) {
      case IdentifierTree identifier -> identifier.getName().toString();
      case MemberSelectTree select -> select.getIdentifier().toString();
      case ParameterizedTypeTree parameterized -> simpleName(parameterized.getType());
      default -> type.toString();
    };
  }

  /** {@code maxMessageSize} is {@code max-message-size}, as SmallRye Config names it. */
  static String kebab(String camel) {
    StringBuilder kebab = new StringBuilder();
    for (char c : camel.toCharArray()) {
      if (Character.isUpperCase(c)) {
        kebab.append('-').append(Character.toLowerCase(c));
      } else {
        kebab.append(c);
      }
    }
    return kebab.toString();
  }

  private static Optional<AnnotationTree> annotation(ModifiersTree modifiers, String simpleName) {
    return modifiers.getAnnotations().stream()
        .filter(a -> simpleName(a.getAnnotationType()).equals(simpleName))
        .map(a -> (AnnotationTree) a)
        .findFirst();
  }

  /** A string-literal element of an annotation ({@code value} also when written without name). */
  private static Optional<String> annotationValue(
      ModifiersTree modifiers, String annotation, String element) {
    return annotation(modifiers, annotation)
        .flatMap(
            a -> {
              for (ExpressionTree argument : a.getArguments()) {
                ExpressionTree value = argument;
                if (argument instanceof AssignmentTree assignment) {
                  if (!assignment.getVariable().toString().equals(element)) {
                    continue;
                  }
                  value = assignment.getExpression();
                } else if (!element.equals("value")) {
                  continue;
                }
                if (value instanceof LiteralTree literal) {
                  return Optional.of(String.valueOf(literal.getValue()));
                }
              }
              return Optional.empty();
            });
  }

  private static Iterable<? extends CompilationUnitTree> parse(Path sourceRoot) {
    if (!Files.isDirectory(sourceRoot)) {
      return List.of();
    }
    List<Path> sources;
    try (Stream<Path> files = Files.walk(sourceRoot)) {
      sources = files.filter(f -> f.toString().endsWith(".java")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (sources.isEmpty()) {
      return List.of();
    }
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    StandardJavaFileManager files =
        compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8);
    JavacTask task =
        (JavacTask)
            compiler.getTask(
                null,
                files,
                diagnostic -> {},
                List.of("-proc:none"),
                null,
                files.getJavaFileObjectsFromPaths(sources));
    try {
      return task.parse();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
