package io.quarkbar.infra;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one application reads, as its sources say: the keys of its configuration files in the {@code
 * prod} profile and the environment variables their values name ({@code ${QUARKBAR_DB_URL:...}}),
 * the keys of its {@code @ConfigMapping} interfaces with their defaults, and what follows for its
 * HTTP port and health endpoints. Deployments are checked against this, so a renamed key or
 * variable in a service shows up here first.
 *
 * <p>An environment variable reaches a key as SmallRye Config maps them: {@code
 * router.websocket.allowed-origins} is {@code ROUTER_WEBSOCKET_ALLOWED_ORIGINS}. A library's key
 * that the application neither sets nor maps is unknown here; set it in the application's
 * configuration file first.
 */
final class AppConfig {

  /** Variables that something other than the application's own configuration reads. */
  static final Map<String, String> PLATFORM_VARIABLES =
      Map.of(
          "QUARKUS_CONFIG_LOCATIONS", "Quarkus' quarkus.config.locations: more configuration files",
          "JAVA_TOOL_OPTIONS", "the JVM's options");

  private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Z_][A-Z0-9_]*");
  private static final Pattern WILDCARD = Pattern.compile("\\[\\*]|\\*");

  private final String name;
  private final Path module;
  private final Map<String, String> properties;
  private final List<ConfigMappingKeys.Key> mappingKeys;

  private AppConfig(
      String name, Path module, Map<String, String> properties, List<ConfigMappingKeys.Key> keys) {
    this.name = name;
    this.module = module;
    this.properties = properties;
    this.mappingKeys = keys;
  }

  /**
   * Reads the module {@code name} of the repository: {@code src/main/resources/application.*}, then
   * {@code extraFiles} (what the deployment adds with {@code quarkus.config.locations}), and the
   * {@code @ConfigMapping} interfaces under {@code src/main/java}.
   */
  static AppConfig read(Path repository, String name, List<Path> extraFiles) {
    Path module = repository.resolve(name);
    Path resources = module.resolve("src/main/resources");
    Map<String, String> properties = new LinkedHashMap<>();
    for (String file : List.of("application.properties", "application.yaml", "application.yml")) {
      if (Files.exists(resources.resolve(file))) {
        properties.putAll(readProdProfile(resources.resolve(file)));
      }
    }
    for (Path extra : extraFiles) {
      properties.putAll(readProdProfile(extra));
    }
    return new AppConfig(
        name, module, properties, ConfigMappingKeys.read(module.resolve("src/main/java")));
  }

  String name() {
    return name;
  }

  /** The environment variables the configuration names, with a default or without. */
  Set<String> referencedVariables() {
    Set<String> variables = new TreeSet<>();
    properties.values().forEach(v -> collectVariables(v, variables, false));
    return variables;
  }

  /** The environment variables the configuration names without a default: start-up needs them. */
  Set<String> requiredVariables() {
    Set<String> variables = new TreeSet<>();
    properties.values().forEach(v -> collectVariables(v, variables, true));
    return variables;
  }

  /** Whether setting {@code variable} changes anything for the application. */
  boolean reads(String variable) {
    if (PLATFORM_VARIABLES.containsKey(variable) || referencedVariables().contains(variable)) {
      return true;
    }
    if (properties.keySet().stream().anyMatch(key -> envName(key).equals(variable))) {
      return true;
    }
    return mappingKeys.stream()
        .anyMatch(key -> envPattern(key.pattern()).matcher(variable).matches());
  }

  /**
   * The value of {@code key} when the application runs with {@code environment}: the environment
   * variable of the key, else the configuration file's value with its {@code ${...}} expanded
   * against the environment, else the mapping's default. Empty when a required variable is missing
   * or the key has no value.
   */
  Optional<String> resolve(String key, Map<String, String> environment) {
    String fromEnvironment = environment.get(envName(key));
    if (fromEnvironment != null) {
      return Optional.of(fromEnvironment);
    }
    String value = properties.get(key);
    if (value != null) {
      return expand(value, environment);
    }
    return mappingKeys.stream()
        .filter(k -> k.pattern().equals(key))
        .findFirst()
        .flatMap(ConfigMappingKeys.Key::defaultValue);
  }

  /** The HTTP port: {@code quarkus.http.port}, 8080 (Quarkus' default) when not configured. */
  int httpPort(Map<String, String> environment) {
    return Integer.parseInt(resolve("quarkus.http.port", environment).orElse("8080"));
  }

  /**
   * The path of a SmallRye Health endpoint ({@code live}, {@code ready}, {@code started}): {@code
   * /q/health/live} unless the application moves the non-application root or the health paths.
   */
  String healthPath(String check, Map<String, String> environment) {
    String root = resolve("quarkus.http.root-path", environment).orElse("/");
    String nonApplication =
        resolve("quarkus.http.non-application-root-path", environment).orElse("q");
    String base = nonApplication.startsWith("/") ? nonApplication : join(root, nonApplication);
    String health =
        join(base, resolve("quarkus.smallrye-health.root-path", environment).orElse("health"));
    String pathKey =
        switch (check) {
          case "live" -> "quarkus.smallrye-health.liveness-path";
          case "ready" -> "quarkus.smallrye-health.readiness-path";
          case "started" -> "quarkus.smallrye-health.startup-path";
          default -> throw new IllegalArgumentException(check);
        };
    return join(health, resolve(pathKey, environment).orElse(check));
  }

  /** Whether the module has SmallRye Health, which serves the health endpoints at all. */
  boolean hasHealthExtension() {
    try {
      return Files.readString(module.resolve("pom.xml"))
          .contains("<artifactId>quarkus-smallrye-health</artifactId>");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code router.websocket.allowed-origins} as an environment variable. */
  static String envName(String key) {
    StringBuilder env = new StringBuilder();
    for (char c : key.toCharArray()) {
      env.append(Character.isLetterOrDigit(c) ? Character.toUpperCase(c) : '_');
    }
    return env.toString();
  }

  /** The variables of a key pattern: a map key ({@code *}) or list index ({@code [*]}) is any. */
  private static Pattern envPattern(String keyPattern) {
    StringBuilder regex = new StringBuilder();
    Matcher wildcard = WILDCARD.matcher(keyPattern);
    int last = 0;
    while (wildcard.find()) {
      regex.append(Pattern.quote(envName(keyPattern.substring(last, wildcard.start()))));
      regex.append(wildcard.group().equals("*") ? "[A-Z0-9_]+" : "_[0-9]+_");
      last = wildcard.end();
    }
    regex.append(Pattern.quote(envName(keyPattern.substring(last))));
    return Pattern.compile(regex.toString());
  }

  private Optional<String> expand(String value, Map<String, String> environment) {
    return Expressions.expand(
        value,
        reference -> {
          if (environment.containsKey(reference)) {
            return Optional.of(environment.get(reference));
          }
          return properties.containsKey(reference)
              ? resolve(reference, environment)
              : Optional.empty();
        });
  }

  private static void collectVariables(String value, Set<String> into, boolean requiredOnly) {
    for (Expressions.Reference reference : Expressions.references(value)) {
      if (VARIABLE_NAME.matcher(reference.name()).matches()
          && !(requiredOnly && reference.defaultText().isPresent())) {
        into.add(reference.name());
      }
      if (!requiredOnly) {
        reference.defaultText().ifPresent(d -> collectVariables(d, into, false));
      }
    }
  }

  private static String join(String base, String path) {
    if (path.startsWith("/")) {
      return path;
    }
    return (base.endsWith("/") ? base : base + "/") + path;
  }

  /** The keys of a properties or YAML file that apply in the prod profile, flattened. */
  private static Map<String, String> readProdProfile(Path file) {
    Map<String, String> all = new LinkedHashMap<>();
    if (file.toString().endsWith(".properties")) {
      Properties properties = new Properties();
      try (Reader reader = Files.newBufferedReader(file)) {
        properties.load(reader);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      properties.stringPropertyNames().forEach(k -> all.put(k, properties.getProperty(k)));
    } else {
      flatten("", Yaml.load(file), all);
    }
    Map<String, String> plain = new LinkedHashMap<>();
    Map<String, String> prod = new LinkedHashMap<>();
    all.forEach(
        (key, value) -> {
          if (!key.startsWith("%")) {
            plain.put(key, value);
          } else {
            int dot = key.indexOf('.');
            if (List.of(key.substring(1, dot).split(",")).contains("prod")) {
              prod.put(key.substring(dot + 1), value);
            }
          }
        });
    plain.putAll(prod);
    return plain;
  }

  private static void flatten(String prefix, Object node, Map<String, String> into) {
    if (node instanceof Map<?, ?> map) {
      map.forEach(
          (k, v) -> {
            String segment = k.toString();
            if (segment.contains(".") && !segment.startsWith("%")) {
              segment = '"' + segment + '"';
            }
            flatten(prefix.isEmpty() ? segment : prefix + "." + segment, v, into);
          });
    } else if (node instanceof List<?> list) {
      List<String> scalars = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        Object element = list.get(i);
        flatten(prefix + "[" + i + "]", element, into);
        if (!(element instanceof Map<?, ?>) && !(element instanceof List<?>)) {
          scalars.add(String.valueOf(element));
        }
      }
      if (scalars.size() == list.size()) {
        into.put(prefix, String.join(",", scalars));
      }
    } else if (node != null) {
      into.put(prefix, node.toString());
    }
  }

  /** SmallRye Config's property expressions: {@code ${NAME}} and {@code ${NAME:default}}. */
  static final class Expressions {

    /** One {@code ${...}}: the name it looks up, and its default text, if it has one. */
    record Reference(String name, Optional<String> defaultText) {}

    private Expressions() {}

    /** The expressions of a value, outermost only (a default's own are in its text). */
    static List<Reference> references(String value) {
      List<Reference> references = new ArrayList<>();
      int i = 0;
      while ((i = value.indexOf("${", i)) >= 0) {
        int end = closing(value, i);
        references.add(parse(value.substring(i + 2, end)));
        i = end + 1;
      }
      return references;
    }

    /**
     * {@code value} with every expression replaced; empty when one has neither value nor default.
     */
    static Optional<String> expand(String value, Function<String, Optional<String>> lookup) {
      StringBuilder out = new StringBuilder();
      int i = 0;
      while (true) {
        int start = value.indexOf("${", i);
        if (start < 0) {
          return Optional.of(out.append(value, i, value.length()).toString());
        }
        out.append(value, i, start);
        int end = closing(value, start);
        Reference reference = parse(value.substring(start + 2, end));
        Optional<String> resolved =
            lookup
                .apply(reference.name())
                .or(() -> reference.defaultText().flatMap(d -> expand(d, lookup)));
        if (resolved.isEmpty()) {
          return Optional.empty();
        }
        out.append(resolved.get());
        i = end + 1;
      }
    }

    private static Reference parse(String inside) {
      int colon = inside.indexOf(':');
      return colon < 0
          ? new Reference(inside, Optional.empty())
          : new Reference(inside.substring(0, colon), Optional.of(inside.substring(colon + 1)));
    }

    /** The index of the {@code }} that closes the expression opening at {@code start}. */
    private static int closing(String value, int start) {
      int depth = 0;
      for (int i = start; i < value.length(); i++) {
        if (value.startsWith("${", i)) {
          depth++;
          i++;
        } else if (value.charAt(i) == '}' && --depth == 0) {
          return i;
        }
      }
      throw new IllegalArgumentException("unclosed ${ in configuration value: " + value);
    }
  }
}
