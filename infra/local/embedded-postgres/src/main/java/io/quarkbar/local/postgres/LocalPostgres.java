package io.quarkbar.local.postgres;

import com.sun.net.httpserver.HttpServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL for the local run, as a process router-service supervises (a guest of {@code
 * infra/local/platform.yaml}): zonky's PostgreSQL binaries, unpacked from Maven Central's jars,
 * with its data in a directory that survives restarts; the platform's databases created when
 * missing; {@code GET /health} answering 200 while PostgreSQL accepts connections.
 *
 * <p>It listens on localhost only, user {@code postgres} without a password (trust): a database for
 * one developer's machine, not a server. SIGTERM stops PostgreSQL cleanly (a shutdown hook, zonky's
 * own). With {@code --stop-on-stdin-eof} it also stops when its standard input ends, which is when
 * the router that started it has gone, even killed: no PostgreSQL is left holding the data
 * directory.
 *
 * <p>Usage: {@code java -jar quarkbar-embedded-postgres.jar --data DIR [--port 5433] --health-port
 * N [--database NAME]... [--stop-on-stdin-eof]}.
 */
public final class LocalPostgres {

  private static final Logger LOG = LoggerFactory.getLogger(LocalPostgres.class);
  private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
  private static final int HEALTH_TIMEOUT_SECONDS = 2;

  /** The command line, checked. */
  record Options(
      Path data, int port, int healthPort, List<String> databases, boolean stopOnStdinEof) {

    static Options parse(String[] args) {
      Path data = null;
      int port = 5433;
      int healthPort = -1;
      List<String> databases = new ArrayList<>();
      boolean stopOnStdinEof = false;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--data" -> data = Path.of(value(args, ++i, arg));
          case "--port" -> port = port(value(args, ++i, arg), arg);
          case "--health-port" -> healthPort = port(value(args, ++i, arg), arg);
          case "--database" -> {
            String name = value(args, ++i, arg);
            if (!DATABASE_NAME.matcher(name).matches()) {
              throw new IllegalArgumentException(
                  "--database " + name + ": use lowercase letters, digits and _ only");
            }
            databases.add(name);
          }
          case "--stop-on-stdin-eof" -> stopOnStdinEof = true;
          default -> throw new IllegalArgumentException("unknown option " + arg);
        }
      }
      if (data == null) {
        throw new IllegalArgumentException("--data DIR is required");
      }
      if (healthPort < 0) {
        throw new IllegalArgumentException("--health-port N is required");
      }
      return new Options(data, port, healthPort, List.copyOf(databases), stopOnStdinEof);
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[i];
    }

    private static int port(String value, String option) {
      try {
        int port = Integer.parseInt(value);
        if (port > 0 && port <= 65535) {
          return port;
        }
      } catch (NumberFormatException e) {
        // Reported below.
      }
      throw new IllegalArgumentException(option + " " + value + ": not a port (1 to 65535)");
    }
  }

  private LocalPostgres() {}

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(
          "usage: java -jar quarkbar-embedded-postgres.jar --data DIR [--port 5433]"
              + " --health-port N [--database NAME]... [--stop-on-stdin-eof]");
      System.exit(2);
      return;
    }
    for (int port : new int[] {options.port(), options.healthPort()}) {
      if (!free(port)) {
        System.err.println(
            "port "
                + port
                + " on localhost is in use: by another PostgreSQL or program, or by one left from an"
                + " earlier run (see postmaster.pid in "
                + options.data().toAbsolutePath()
                + "); choose other ports");
        System.exit(1);
      }
    }
    Files.createDirectories(options.data());
    boolean first = !Files.exists(options.data().resolve("postgresql.conf"));
    LOG.info(
        "starting PostgreSQL on localhost:{} with its data in {}{}",
        options.port(),
        options.data().toAbsolutePath(),
        first ? " (new: initdb first)" : "");
    EmbeddedPostgres postgres =
        EmbeddedPostgres.builder()
            .setDataDirectory(options.data())
            .setCleanDataDirectory(false)
            .setPort(options.port())
            // Trust authentication: never on anything but the loopback interface.
            .setServerConfig("listen_addresses", "localhost")
            // zonky turns it off for fast tests; a developer's forum should survive a crash.
            .setServerConfig("synchronous_commit", "on")
            .setPGStartupWait(STARTUP_WAIT)
            .start();
    // zonky's own hook stops PostgreSQL on SIGTERM (pg_ctl stop -m fast); that is all there is to
    // do, as the health server's threads are daemons.
    for (String database : options.databases()) {
      createIfMissing(postgres, database);
    }
    serveHealth(postgres, options.healthPort());
    LOG.info(
        "PostgreSQL is ready: jdbc:postgresql://localhost:{}/ with databases {} (user postgres, no"
            + " password); health at http://127.0.0.1:{}/health",
        options.port(),
        options.databases(),
        options.healthPort());
    if (options.stopOnStdinEof()) {
      stopAtEndOfInput();
    }
    // The work is done by PostgreSQL and the health server; this waits for SIGTERM.
    Thread.currentThread().join();
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void createIfMissing(EmbeddedPostgres postgres, String database)
      throws SQLException {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        PreparedStatement exists =
            c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, database);
      if (exists.executeQuery().next()) {
        return;
      }
      try (Statement create = c.createStatement()) {
        // The name was checked against DATABASE_NAME: safe to write into the statement.
        create.execute("CREATE DATABASE " + database);
      }
      LOG.info("created database {}", database);
    }
  }

  /** {@code GET /health}: 200 when PostgreSQL answers a query, 503 otherwise. */
  private static void serveHealth(EmbeddedPostgres postgres, int port) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.setExecutor(
        Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("health").factory()));
    server.createContext(
        "/health",
        exchange -> {
          boolean up = answers(postgres);
          byte[] body = (up ? "UP\n" : "DOWN\n").getBytes(StandardCharsets.US_ASCII);
          exchange.sendResponseHeaders(up ? 200 : 503, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  private static boolean answers(EmbeddedPostgres postgres) {
    try (Connection c =
            postgres
                .getPostgresDatabase(
                    Map.of("connectTimeout", String.valueOf(HEALTH_TIMEOUT_SECONDS)))
                .getConnection();
        Statement s = c.createStatement()) {
      s.setQueryTimeout(HEALTH_TIMEOUT_SECONDS);
      return s.executeQuery("SELECT 1").next();
    } catch (SQLException e) {
      return false;
    }
  }

  /** Exits (stopping PostgreSQL through the shutdown hooks) once standard input ends. */
  private static void stopAtEndOfInput() {
    Thread.ofPlatform()
        .daemon()
        .name("stdin-watch")
        .start(
            () -> {
              try (InputStream in = System.in) {
                while (in.read() >= 0) {
                  // Whatever comes in is ignored; only its end matters.
                }
              } catch (IOException e) {
                // Gone as well.
              }
              LOG.info(
                  "standard input has ended (the process that started this one is gone):"
                      + " stopping PostgreSQL");
              System.exit(0);
            });
  }
}
