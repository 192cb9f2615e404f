package io.quarkbar.router.config;

import io.smallrye.config.ConfigValue;
import io.smallrye.config.SmallRyeConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds secrets written literally into a configuration file, where they end up in a repository or
 * an image. A secret should come from the environment: as an {@code ${ENV_VAR}} reference in the
 * file, or as an environment variable that sets the key itself.
 */
public final class LiteralSecrets {

  private static final Pattern SECRET_KEY =
      Pattern.compile(
          "router\\.realms\\..+\\.auth\\.(ticket|wampcra)\\.principals\\..+\\.(ticket|secret)"
              + "|router\\.cluster\\.nats-(password|token)");

  private LiteralSecrets() {}

  /**
   * The keys of secrets whose values are written in a file rather than taken from the environment.
   */
  public static List<String> find(SmallRyeConfig config) {
    List<String> literal = new ArrayList<>();
    for (String name : config.getPropertyNames()) {
      if (!SECRET_KEY.matcher(name).matches()) {
        continue;
      }
      ConfigValue value = config.getConfigValue(name);
      String raw = value.getRawValue();
      String source = value.getSourceName() == null ? "" : value.getSourceName();
      boolean fromEnvironment =
          source.startsWith("EnvConfigSource") || (raw != null && raw.contains("${"));
      if (!fromEnvironment) {
        literal.add(name);
      }
    }
    return literal;
  }
}
