package io.quarkbar.testing.processes;

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
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A packaged Quarkus application ({@code target/quarkus-app/quarkus-run.jar}) running as a child
 * process of the test, on an HTTP port of its own, started on the JVM that runs the tests. It is
 * ready when {@code /q/health/ready} answers 200. Secrets go in its environment, never on its
 * command line (which any user of the machine can read); its output goes to a log file, appended
 * across restarts, whose tail a failing test shows.
 */
public final class AppProcess implements AutoCloseable {

  private final Builder spec;
  private final int port;
  private Process process;

  private AppProcess(Builder spec, int port) {
    this.spec = spec;
    this.port = port;
  }

  /** How to run the application packaged at {@code runJar}, named {@code name} in messages. */
  public static Builder builder(String name, Path runJar) {
    return new Builder(name, runJar);
  }

  /** How to start one application process. */
  public static final class Builder {
    private final String name;
    private final Path runJar;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Map<String, String> systemProperties = new LinkedHashMap<>();
    private final List<String> jvmOptions = new ArrayList<>();
    private Path log;
    private int port;
    private Duration readyTimeout = Duration.ofSeconds(60);
    private int openFilesLimit;

    private Builder(String name, Path runJar) {
      this.name = name;
      this.runJar = runJar;
      this.log = Path.of("target", "logs", name + ".log");
    }

    /** Environment variables added to the inherited ones: for secrets. */
    public Builder env(String key, String value) {
      env.put(key, value);
      return this;
    }

    /** {@code -Dkey=value} on the command line: never for secrets. */
    public Builder systemProperty(String key, String value) {
      systemProperties.put(key, value);
      return this;
    }

    /** A JVM option, e.g. {@code -Xmx256m}. */
    public Builder jvmOption(String option) {
      jvmOptions.add(option);
      return this;
    }

    /** The HTTP port ({@code quarkus.http.port}); 0, the default, takes a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Where the process's output goes; {@code target/logs/<name>.log} by default. */
    public Builder log(Path log) {
      this.log = log;
      return this;
    }

    /** How long it may take to become ready; 60 s by default. */
    public Builder readyTimeout(Duration timeout) {
      this.readyTimeout = timeout;
      return this;
    }

    /**
     * Runs the process under a lower open-files limit (soft and hard), through util-linux's {@code
     * prlimit}, which sets it and then becomes the process (same pid).
     */
    public Builder openFilesLimit(int limit) {
      this.openFilesLimit = limit;
      return this;
    }

    /** Starts the application and waits until it is ready. */
    public AppProcess start() {
      if (!Files.isRegularFile(runJar)) {
        throw new IllegalStateException(
            runJar + " does not exist: package " + name + " first (./mvnw package -DskipTests)");
      }
      AppProcess app = new AppProcess(this, port == 0 ? freePort() : port);
      app.launch();
      return app;
    }
  }

  /** The HTTP port. */
  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:<port><path>}. */
  public URI http(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** The process ID, while it runs. */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** The last {@code lines} lines of its log, for a failure message. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(spec.log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(" + spec.name + " log " + spec.log + " unreadable: " + e + ")";
    }
  }

  /** Whether its log has a line containing {@code text}. */
  public boolean logContains(String text) {
    try {
      return Files.readString(spec.log, StandardCharsets.UTF_8).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  /** Stops it as an operator would (SIGTERM: Quarkus shuts down gracefully). */
  public void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Kills it without warning (SIGKILL): no shutdown, no GOODBYE, connections just drop. */
  public void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops and starts it again on the same port, with the same settings. */
  public void restart() {
    stop();
    launch();
  }

  /** Starts it again after {@link #stop} or {@link #kill}. */
  public void startAgain() {
    if (isAlive()) {
      throw new IllegalStateException(spec.name + " is running");
    }
    launch();
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return spec.name + " on port " + port;
  }

  private void launch() {
    List<String> command = new ArrayList<>();
    if (spec.openFilesLimit > 0) {
      command.addAll(List.of("prlimit", "--nofile=" + spec.openFilesLimit, "--"));
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(spec.jvmOptions);
    command.add("-Dquarkus.http.port=" + port);
    spec.systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.add("-jar");
    command.add(spec.runJar.toAbsolutePath().toString());
    try {
      Files.createDirectories(spec.log.toAbsolutePath().getParent());
      Files.writeString(
          spec.log,
          "---- starting " + spec.name + " on port " + port + "\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.log.toFile()));
      builder.environment().putAll(spec.env);
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + spec.name, e);
    }
    try {
      awaitReady();
    } catch (RuntimeException | AssertionError e) {
      kill();
      throw e;
    }
  }

  private void awaitReady() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ready =
        HttpRequest.newBuilder(http("/q/health/ready")).timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + spec.readyTimeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(
            spec.name
                + " exited with code "
                + process.exitValue()
                + " before it was ready:\n"
                + logTail(60));
      }
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notListeningYet) {
        // Not up yet: poll again.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + spec.name, e);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + spec.name, e);
      }
    }
    throw new AssertionError(
        spec.name
            + " not ready within "
            + spec.readyTimeout
            + " on port "
            + port
            + ":\n"
            + logTail(60));
  }

  /** A TCP port nothing listens on right now. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
