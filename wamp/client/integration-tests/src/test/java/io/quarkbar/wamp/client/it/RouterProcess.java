package io.quarkbar.wamp.client.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
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
 * The packaged router-service running as a child process on a free port, with a YAML config file
 * and environment variables of the test's choosing.
 *
 * <p>Copied from interop-tests/src/test/java/io/quarkbar/interop/RouterProcess.java (this module
 * does not depend on interop-tests' test classes), without its TLS port; {@link #freePort} and
 * {@link #javaExecutable} are shared with the other child processes here.
 */
final class RouterProcess implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final Path log;
  private final int port;

  private RouterProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts {@code runJar} with {@code configFile} and {@code env} added to this JVM's environment
   * (the secrets the config file references as {@code ${VAR}}: a process's environment is not on
   * its command line, which any user of the machine can read), and waits until it is ready.
   */
  static RouterProcess start(Path runJar, Path configFile, Map<String, String> env, Path log)
      throws Exception {
    if (!Files.isRegularFile(runJar)) {
      throw new IllegalStateException(
          runJar
              + " does not exist: package router-service first"
              + " (./mvnw package -pl router-service -am -DskipTests)");
    }
    int port = freePort();
    Files.createDirectories(log.getParent());
    List<String> command = new ArrayList<>();
    command.add(javaExecutable());
    command.add("-Dquarkus.http.port=" + port);
    command.add("-Dquarkus.config.locations=" + configFile.toAbsolutePath());
    command.add("-jar");
    command.add(runJar.toAbsolutePath().toString());
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(new LinkedHashMap<>(env));
    RouterProcess router = new RouterProcess(builder.start(), log, port);
    try {
      router.awaitReady();
    } catch (Exception | AssertionError e) {
      router.close();
      throw e;
    }
    return router;
  }

  /** The JVM running these tests, so the router runs on the same Java as the build. */
  static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  String webSocketUrl() {
    return "ws://127.0.0.1:" + port + "/ws";
  }

  Path log() {
    return log;
  }

  String logTail(int lines) {
    return tail(log, lines);
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(" + file + " unreadable: " + e + ")";
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
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notListeningYet) {
        // The HTTP server is not up yet; keep polling.
      }
      Thread.sleep(100);
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

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
