package io.quarkbar.testing.postgres;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import org.jboss.logging.Logger;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Gives a {@code @QuarkusTest} a real PostgreSQL database, from the first of:
 *
 * <ol>
 *   <li>the server named by {@code QUARKBAR_TEST_POSTGRES_URL} (for example {@code
 *       jdbc:postgresql://127.0.0.1:5432}, as {@code .ci/run} sets it), with {@code
 *       QUARKBAR_TEST_POSTGRES_USER} and {@code QUARKBAR_TEST_POSTGRES_PASSWORD}; the database is
 *       created there if missing;
 *   <li>a PostgreSQL container (Testcontainers) when a Docker engine answers;
 *   <li>an embedded PostgreSQL (zonky's binaries from Maven Central), started for the test run.
 * </ol>
 *
 * With the init arg {@code clean=true}, the database's {@code public} schema starts empty (for
 * applications that do not clean it themselves, as a packaged service's Flyway does not). It logs
 * which one it took. (Not Quarkus Dev Services: they decide at build time, before test resources
 * run, so a service's tests turn them off.) Use it with {@code @QuarkusTestResource(value =
 * PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "auth_test"))}.
 * Nothing here depends on a PostgreSQL version.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

  /** The environment variable naming a PostgreSQL server for the tests. */
  public static final String URL_VARIABLE = "QUARKBAR_TEST_POSTGRES_URL";

  private static final Logger LOG = Logger.getLogger(PostgresTestResource.class);

  private String database = "quarkbar_test";
  private boolean clean;
  private EmbeddedPostgres embedded;
  private PostgreSQLContainer container;

  @Override
  public void init(Map<String, String> initArgs) {
    String name = initArgs.get("database");
    if (name != null) {
      if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
        throw new IllegalArgumentException(
            "database name '" + name + "': use lowercase letters, digits and _ only");
      }
      database = name;
    }
    clean = Boolean.parseBoolean(initArgs.get("clean"));
  }

  @Override
  public Map<String, String> start() {
    String server = System.getenv(URL_VARIABLE);
    if (server != null && !server.isBlank()) {
      String user = env("QUARKBAR_TEST_POSTGRES_USER", "postgres");
      String password = env("QUARKBAR_TEST_POSTGRES_PASSWORD", "");
      String base = server.replaceAll("/+$", "");
      createIfMissing(base + "/postgres", user, password);
      cleanIfAsked(base + "/" + database, user, password);
      LOG.infof(
          "tests use database %s on the PostgreSQL server at %s (%s)",
          database, base, URL_VARIABLE);
      return datasource(base + "/" + database, user, password);
    }
    if (dockerAnswers()) {
      container = new PostgreSQLContainer("postgres:16-alpine").withDatabaseName(database);
      container.start();
      LOG.infof(
          "%s is not set and a Docker engine answers: tests use database %s in container %s",
          URL_VARIABLE, database, container.getContainerName());
      return datasource(container.getJdbcUrl(), container.getUsername(), container.getPassword());
    }
    try {
      embedded = EmbeddedPostgres.start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "no PostgreSQL for the tests: set "
              + URL_VARIABLE
              + " to a server, or run Docker, or let the embedded PostgreSQL start (it failed: "
              + e.getMessage()
              + ")",
          e);
    }
    String base = "jdbc:postgresql://localhost:" + embedded.getPort();
    createIfMissing(base + "/postgres", "postgres", "");
    cleanIfAsked(base + "/" + database, "postgres", "");
    LOG.infof(
        "%s is not set and no Docker engine answers: tests use an embedded PostgreSQL at %s",
        URL_VARIABLE, base);
    return datasource(base + "/" + database, "postgres", "");
  }

  @Override
  public void stop() {
    if (container != null) {
      container.stop();
      container = null;
    }
    if (embedded != null) {
      try {
        embedded.close();
      } catch (IOException e) {
        LOG.warn("the embedded PostgreSQL did not stop cleanly", e);
      }
      embedded = null;
    }
  }

  private static Map<String, String> datasource(String url, String user, String password) {
    return Map.of(
        "quarkus.datasource.jdbc.url", url,
        "quarkus.datasource.username", user,
        "quarkus.datasource.password", password);
  }

  private void createIfMissing(String maintenanceUrl, String user, String password) {
    try (Connection c = DriverManager.getConnection(maintenanceUrl, user, password)) {
      var check = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?");
      check.setString(1, database);
      if (!check.executeQuery().next()) {
        // The name was checked in init(): it is safe to write into the statement.
        c.createStatement().execute("CREATE DATABASE " + database);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot create database " + database + " at " + maintenanceUrl + ": " + e.getMessage(),
          e);
    }
  }

  private void cleanIfAsked(String url, String user, String password) {
    if (!clean) {
      return;
    }
    try (Connection c = DriverManager.getConnection(url, user, password)) {
      c.createStatement().execute("DROP SCHEMA IF EXISTS public CASCADE");
      c.createStatement().execute("CREATE SCHEMA public");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot clean database " + url + ": " + e.getMessage(), e);
    }
  }

  /** Whether a Docker engine answers on its socket: the docker CLI alone is not enough. */
  private static boolean dockerAnswers() {
    String host = System.getenv("DOCKER_HOST");
    if (host != null && !host.isBlank() && !host.startsWith("unix://")) {
      return true; // a remote engine: let Testcontainers try it
    }
    Path socket =
        Path.of(
            host != null && host.startsWith("unix://")
                ? host.substring(7)
                : "/var/run/docker.sock");
    if (!Files.exists(socket)) {
      return false;
    }
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      return channel.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      return false;
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null ? fallback : value;
  }
}
