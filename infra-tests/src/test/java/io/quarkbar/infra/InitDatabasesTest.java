package io.quarkbar.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * infra/postgres/init-databases.sh run for real, with psql, as the postgres image runs it: each
 * service gets a user with the password of its variable, a database that user owns and can create
 * tables in, and no way into the other service's database. It runs against the server of {@code
 * QUARKBAR_TEST_POSTGRES_URL} under names of its own ({@code infra_test_<random>_auth}): users are
 * server-wide, and that server may hold the real {@code auth} and {@code forum}. Everything it
 * creates is dropped afterwards.
 */
class InitDatabasesTest {

  private static final Pattern SCRAM =
      Pattern.compile("SCRAM-SHA-256\\$([0-9]+):([^$]+)\\$([^:]+):(.+)");

  @TempDir Path directory;

  @Test
  void theScriptIsValidBash() throws Exception {
    Process bash =
        new ProcessBuilder("bash", "-n", Repository.INIT_SCRIPT.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(bash.exitValue()).as("bash -n %s: %s", Repository.INIT_SCRIPT, output).isZero();
  }

  @Test
  void eachServiceGetsItsOwnUserAndDatabase() throws Exception {
    String server = System.getenv("QUARKBAR_TEST_POSTGRES_URL");
    assumeTrue(server != null, "QUARKBAR_TEST_POSTGRES_URL is not set: no server to run it on");
    assumeTrue(onPath("psql"), "psql is not on the PATH");
    String admin =
        Optional.ofNullable(System.getenv("QUARKBAR_TEST_POSTGRES_USER")).orElse("postgres");
    String adminPassword =
        Optional.ofNullable(System.getenv("QUARKBAR_TEST_POSTGRES_PASSWORD")).orElse("");

    String prefix = "infra_test_" + HexFormat.of().formatHex(randomBytes(4)) + "_";
    Map<String, String> databases = new LinkedHashMap<>(); // database -> its password
    Map<String, String> environment = new LinkedHashMap<>();
    Repository.initScript()
        .passwordVariables()
        .forEach(
            (database, variable) -> {
              String password = HexFormat.of().formatHex(randomBytes(24));
              databases.put(prefix + database, password);
              environment.put(variable, password);
            });
    assertThat(databases).as("databases the init script creates").hasSizeGreaterThan(1);

    try {
      String output = runScript(prefix, server, admin, adminPassword, environment);
      try (Connection connection =
          DriverManager.getConnection(server + "/postgres", admin, adminPassword)) {
        for (var database : databases.entrySet()) {
          String name = database.getKey();
          assertThat(owner(connection, name))
              .as("owner of database %s; script said:%n%s", name, output)
              .isEqualTo(name);
          String verifier = passwordVerifier(connection, name);
          assertThat(verifies(verifier, name, database.getValue()))
              .as(
                  "the password of user %s is the one of its variable (verifier %s)",
                  name, verifier)
              .isTrue();
        }
      }
      List<String> names = List.copyOf(databases.keySet());
      for (String name : names) {
        try (Connection own =
                DriverManager.getConnection(server + "/" + name, name, databases.get(name));
            Statement statement = own.createStatement()) {
          statement.execute("CREATE TABLE migration_check (id bigint PRIMARY KEY)");
        }
        String other = names.get((names.indexOf(name) + 1) % names.size());
        assertThatThrownBy(
                () ->
                    DriverManager.getConnection(server + "/" + other, name, databases.get(name))
                        .close())
            .as("user %s connecting to database %s", name, other)
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("permission denied for database");
      }
    } finally {
      try (Connection connection =
              DriverManager.getConnection(server + "/postgres", admin, adminPassword);
          Statement statement = connection.createStatement()) {
        for (String name : databases.keySet()) {
          statement.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
          statement.execute("DROP ROLE IF EXISTS \"" + name + "\"");
        }
      }
    }
  }

  /** Runs a copy of the script whose databases carry {@code prefix}; returns what it printed. */
  private String runScript(
      String prefix,
      String server,
      String admin,
      String adminPassword,
      Map<String, String> environment)
      throws Exception {
    String script =
        Repository.read(Repository.INIT_SCRIPT)
            .replaceAll("(?m)^create_database\\s+", "create_database " + prefix);
    Path copy = directory.resolve("init-databases.sh");
    Files.writeString(copy, script);
    URI uri = URI.create(server.substring("jdbc:".length()));
    ProcessBuilder builder = new ProcessBuilder("bash", copy.toString()).redirectErrorStream(true);
    builder.environment().putAll(environment);
    builder.environment().put("PGHOST", uri.getHost());
    builder.environment().put("PGPORT", String.valueOf(uri.getPort() < 0 ? 5432 : uri.getPort()));
    builder.environment().put("PGPASSWORD", adminPassword);
    builder.environment().put("POSTGRES_USER", admin);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the init script finished").isTrue();
    assertThat(process.exitValue())
        .as("exit code of the init script, which said:%n%s", output)
        .isZero();
    return output;
  }

  private static String owner(Connection connection, String database) throws SQLException {
    return single(
        connection, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ?", database);
  }

  private static String passwordVerifier(Connection connection, String role) throws SQLException {
    return single(
        connection, "SELECT rolpassword FROM pg_authid WHERE rolname = ? AND rolcanlogin", role);
  }

  private static String single(Connection connection, String sql, String parameter)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, parameter);
      try (ResultSet result = statement.executeQuery()) {
        return result.next() ? result.getString(1) : null;
      }
    }
  }

  /**
   * Whether PostgreSQL's stored verifier (SCRAM-SHA-256, or the older md5) is of {@code password}.
   */
  private static boolean verifies(String verifier, String role, String password) throws Exception {
    if (verifier == null) {
      return false;
    }
    if (verifier.startsWith("md5")) {
      byte[] md5 =
          MessageDigest.getInstance("MD5")
              .digest((password + role).getBytes(StandardCharsets.UTF_8));
      return verifier.equals("md5" + HexFormat.of().formatHex(md5));
    }
    Matcher scram = SCRAM.matcher(verifier);
    if (!scram.matches()) {
      return false;
    }
    byte[] salted =
        SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
            .generateSecret(
                new PBEKeySpec(
                    password.toCharArray(),
                    Base64.getDecoder().decode(scram.group(2)),
                    Integer.parseInt(scram.group(1)),
                    256))
            .getEncoded();
    Mac hmac = Mac.getInstance("HmacSHA256");
    hmac.init(new SecretKeySpec(salted, "HmacSHA256"));
    byte[] clientKey = hmac.doFinal("Client Key".getBytes(StandardCharsets.UTF_8));
    byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
    return MessageDigest.isEqual(storedKey, Base64.getDecoder().decode(scram.group(3)));
  }

  private static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }

  private static boolean onPath(String command) {
    return java.util.stream.Stream.of(
            System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }
}
