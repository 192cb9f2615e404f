package io.quarkbar.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged router-service running as a child process on a free port (and, with {@link
 * Builder#tls()}, a second one for HTTPS), with a YAML config file, environment variables and
 * system properties of the test's choosing.
 */
final class RouterProcess implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final Path log;
  private final int port;
  private final int sslPort;

  private RouterProcess(Process process, Path log, int port, int sslPort) {
    this.process = process;
    this.log = log;
    this.port = port;
    this.sslPort = sslPort;
  }

  static RouterProcess start(Path runJar, Path realmFile, Path log) throws Exception {
    return builder(runJar, realmFile, log).start();
  }

  /**
   * A router with more than a config file: environment variables (secrets that the config file
   * references as {@code ${VAR}}), extra system properties, a TLS port.
   */
  static Builder builder(Path runJar, Path configFile, Path log) {
    return new Builder(runJar, configFile, log);
  }

  /** How to start one router process. */
  static final class Builder {

    private final Path runJar;
    private final Path configFile;
    private final Path log;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Map<String, String> systemProperties = new LinkedHashMap<>();
    private boolean tls;

    private Builder(Path runJar, Path configFile, Path log) {
      this.runJar = runJar;
      this.configFile = configFile;
      this.log = log;
    }

    /**
     * Adds environment variables to the router's (which inherits this JVM's). For secrets: the
     * environment of a process is not on its command line, which any user of the machine can read.
     */
    Builder env(Map<String, String> variables) {
      env.putAll(variables);
      return this;
    }

    /** Adds {@code -Dkey=value} to the router's command line; nothing secret goes there. */
    Builder systemProperty(String key, String value) {
      systemProperties.put(key, value);
      return this;
    }

    /**
     * Also serves HTTPS (and so {@code wss://}) on a free port of its own, {@code
     * quarkus.http.ssl-port}; the config file must name a key store (the Quarkus TLS registry).
     * Plain HTTP stays on, for the readiness check.
     */
    Builder tls() {
      tls = true;
      return this;
    }

    RouterProcess start() throws Exception {
      if (!Files.isRegularFile(runJar)) {
        throw new IllegalStateException(
            runJar
                + " does not exist: package router-service first"
                + " (./mvnw package -pl router-service -am -DskipTests)");
      }
      int port = freePort();
      int sslPort = 0;
      while (tls && (sslPort == 0 || sslPort == port)) {
        sslPort = freePort();
      }
      Files.createDirectories(log.getParent());
      List<String> command = new ArrayList<>();
      command.add(javaExecutable());
      command.add("-Dquarkus.http.port=" + port);
      if (tls) {
        command.add("-Dquarkus.http.ssl-port=" + sslPort);
      }
      command.add("-Dquarkus.config.locations=" + configFile.toAbsolutePath());
      systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
      command.add("-jar");
      command.add(runJar.toAbsolutePath().toString());
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().putAll(env);
      RouterProcess router = new RouterProcess(builder.start(), log, port, sslPort);
      try {
        router.awaitReady();
      } catch (Exception | AssertionError e) {
        router.close();
        throw e;
      }
      return router;
    }
  }

  /** The JVM running these tests, so the router runs on the same Java as the build. */
  static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  int port() {
    return port;
  }

  /** The HTTPS port of a router started with {@link Builder#tls()}, else 0. */
  int sslPort() {
    return sslPort;
  }

  String webSocketUrl() {
    return "ws://127.0.0.1:" + port + "/ws";
  }

  /** The {@code wss://} endpoint of a router started with {@link Builder#tls()}. */
  String secureWebSocketUrl() {
    if (sslPort == 0) {
      throw new IllegalStateException("this router was started without TLS");
    }
    return "wss://127.0.0.1:" + sslPort + "/ws";
  }

  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(router log " + log + " unreadable: " + e + ")";
    }
  }

  private void awaitReady() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "router exited with code "
                + process.exitValue()
                + " before it was ready:\n"
                + logTail(80));
      }
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200
            && (sslPort == 0 || accepts(sslPort))) {
          return;
        }
      } catch (IOException notListeningYet) {
        // The HTTP server is not up yet; keep polling.
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "router not ready within " + READY_TIMEOUT + " on port " + port + ":\n" + logTail(80));
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Whether something accepts TCP connections on {@code port}: the HTTPS listener, once up. */
  private static boolean accepts(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
