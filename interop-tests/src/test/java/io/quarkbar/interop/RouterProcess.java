package io.quarkbar.interop;

import io.quarkbar.testing.processes.AppProcess;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The packaged router-service running as a child process ({@link AppProcess}) on a free port (and,
 * with {@link Builder#tls()}, a second one for HTTPS), with a YAML config file, environment
 * variables and system properties of the test's choosing.
 */
final class RouterProcess implements AutoCloseable {

  /** How long the HTTPS listener may take to accept connections once the router is ready. */
  private static final Duration TLS_TIMEOUT = Duration.ofSeconds(10);

  private final AppProcess app;
  private final int sslPort;

  private RouterProcess(AppProcess app, int sslPort) {
    this.app = app;
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
      int port = AppProcess.freePort();
      int sslPort = 0;
      while (tls && (sslPort == 0 || sslPort == port)) {
        sslPort = AppProcess.freePort();
      }
      AppProcess.Builder router =
          AppProcess.builder("router-service", runJar)
              .port(port)
              .systemProperty("quarkus.config.locations", configFile.toAbsolutePath().toString())
              .log(log);
      if (tls) {
        router.systemProperty("quarkus.http.ssl-port", String.valueOf(sslPort));
      }
      systemProperties.forEach(router::systemProperty);
      env.forEach(router::env);
      RouterProcess started = new RouterProcess(router.start(), sslPort);
      try {
        started.awaitTls();
      } catch (Exception | AssertionError e) {
        started.close();
        throw e;
      }
      return started;
    }
  }

  int port() {
    return app.port();
  }

  /** The HTTPS port of a router started with {@link Builder#tls()}, else 0. */
  int sslPort() {
    return sslPort;
  }

  String webSocketUrl() {
    return "ws://127.0.0.1:" + app.port() + "/ws";
  }

  /** The {@code wss://} endpoint of a router started with {@link Builder#tls()}. */
  String secureWebSocketUrl() {
    if (sslPort == 0) {
      throw new IllegalStateException("this router was started without TLS");
    }
    return "wss://127.0.0.1:" + sslPort + "/ws";
  }

  /**
   * Waits until this router, a node of a cluster, says in its readiness that it is connected to
   * NATS (a node takes sessions before that, but its first subscriptions are refused).
   */
  void awaitClusterConnected(Duration timeout) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.URI ready =
        java.net.URI.create(webSocketUrl().replace("ws://", "http://")).resolve("/q/health/ready");
    java.util.regex.Pattern connected =
        java.util.regex.Pattern.compile("\"connected\"\\s*:\\s*true");
    long deadline = System.nanoTime() + timeout.toNanos();
    String body = "";
    while (System.nanoTime() < deadline) {
      body =
          http.send(
                  java.net.http.HttpRequest.newBuilder(ready).build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString())
              .body();
      if (connected.matcher(body).find()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not connected to NATS within " + timeout + ": " + body);
  }

  long pid() {
    return app.pid();
  }

  /** SIGKILL: the router dies without a word to anyone. */
  void kill() {
    app.kill();
  }

  /**
   * Starts the router again after {@link #kill}, with the same settings (and cluster node name).
   */
  void startAgain() {
    app.startAgain();
  }

  /** The HTTP status of the router's readiness ({@code /q/health/ready}): 200 or 503. */
  int readinessStatus() throws Exception {
    java.net.URI ready =
        java.net.URI.create(webSocketUrl().replace("ws://", "http://")).resolve("/q/health/ready");
    return java.net.http.HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(ready).build(),
            java.net.http.HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  String logTail(int lines) {
    return app.logTail(lines);
  }

  /** Waits for the HTTPS listener of a router started with {@link Builder#tls()}. */
  private void awaitTls() throws InterruptedException {
    long deadline = System.nanoTime() + TLS_TIMEOUT.toNanos();
    while (sslPort != 0 && !accepts(sslPort)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "router ready but not listening on its HTTPS port "
                + sslPort
                + " within "
                + TLS_TIMEOUT
                + ":\n"
                + logTail(80));
      }
      Thread.sleep(100);
    }
  }

  @Override
  public void close() {
    app.close();
  }

  /** Whether something accepts TCP connections on {@code port}: the HTTPS listener, once up. */
  private static boolean accepts(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }
}
