package io.quarkbar.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * infra/postgres/init-databases.sh as the checks read it: the databases its {@code create_database
 * NAME PASSWORD_VARIABLE} lines create, each with a user of the same name whose password is in that
 * environment variable.
 */
record InitScript(Path file, Map<String, String> passwordVariables) {

  private static final Pattern CREATE =
      Pattern.compile("(?m)^create_database\\s+([a-z_][a-z0-9_]*)\\s+([A-Z_][A-Z0-9_]*)\\s*$");

  static InitScript read(Path file) {
    Map<String, String> databases = new LinkedHashMap<>();
    try {
      Matcher matcher = CREATE.matcher(Files.readString(file));
      while (matcher.find()) {
        databases.put(matcher.group(1), matcher.group(2));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new InitScript(file, databases);
  }
}
