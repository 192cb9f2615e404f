package io.quarkbar.testing.nats;

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
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private {@code nats-server} with JetStream for one test: a free client port and monitoring
 * port, a store directory of its own, its output in a log file. Tests never use the machine's
 * shared server on 4222, which other work relies on.
 *
 * <p>The failures a cluster must survive are here as calls: {@link #stop()} (SIGTERM, a clean
 * shutdown), {@link #kill()} (SIGKILL), {@link #freeze()} and {@link #thaw()} (SIGSTOP and
 * SIGCONT), and {@link #startAgain()} on the same ports and store, so that JetStream's data
 * survives as it would on a real restart.
 *
 * <p>The binary: {@code $NATS_SERVER}, else {@code nats-server} on the PATH ({@code apt-get install
 * nats-server}: 2.9.10 on Debian 12, the version our machines run).
 */
public final class NatsServer implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  private final String binary;
  private final Path storeDir;
  private final Path log;
  private final int port;
  private final int monitorPort;
  private final List<String> options;
  private Process process;

  private NatsServer(String binary, Path workDir, List<String> options) throws IOException {
    this.binary = binary;
    this.options = List.copyOf(options);
    Files.createDirectories(workDir);
    this.storeDir = Files.createTempDirectory(workDir, "nats-store-");
    this.log = storeDir.resolveSibling(storeDir.getFileName() + ".log");
    int p;
    int m;
    do {
      p = freePort();
      m = freePort();
    } while (p == m || p == 4222 || m == 4222);
    this.port = p;
    this.monitorPort = m;
  }

  /**
   * Starts a server whose store directory and log go under {@code workDir} (e.g. {@code
   * target/nats}), and returns once it answers its health check.
   */
  public static NatsServer start(Path workDir) {
    return start(workDir, List.of());
  }

  /**
   * Like {@link #start(Path)}, with more command-line options for the server, e.g. {@code --user u
   * --pass p} or {@code --max_payload 4096}.
   */
  public static NatsServer start(Path workDir, List<String> options) {
    try {
      NatsServer server = new NatsServer(binary(), workDir, options);
      // A test JVM that dies (a killed fork) must not leave servers behind.
      Runtime.getRuntime().addShutdownHook(new Thread(server::close, "nats-server-cleanup"));
      server.launch();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start nats-server", e);
    }
  }

  /** The URL clients connect to, e.g. {@code nats://127.0.0.1:41234}. */
  public String url() {
    return "nats://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** SIGTERM, and waits for the server to end (SIGKILL after 10 s); thaws a frozen one first. */
  public void stop() {
    if (isAlive()) {
      thaw();
      process.destroy();
      await(Duration.ofSeconds(10));
    }
  }

  /** SIGKILL: the server ends at once, without closing anything. */
  public void kill() {
    if (isAlive()) {
      process.destroyForcibly();
      await(Duration.ofSeconds(10));
    }
  }

  /** SIGSTOP: the process stays, its sockets open, but it answers nothing. */
  public void freeze() {
    signal("STOP");
  }

  /** SIGCONT after {@link #freeze()}. */
  public void thaw() {
    signal("CONT");
  }

  /** Starts the server again on the same ports and store directory, after a stop or kill. */
  public void startAgain() {
    if (isAlive()) {
      throw new IllegalStateException("nats-server is still running (pid " + pid() + ")");
    }
    launch();
  }

  /**
   * Starts the server again on the same ports with an empty store, as a server without persistent
   * storage (a container recreated) comes back: JetStream's streams and buckets are gone.
   */
  public void startAfresh() {
    if (isAlive()) {
      throw new IllegalStateException("nats-server is still running (pid " + pid() + ")");
    }
    try (var files = Files.walk(storeDir)) {
      files
          .sorted(java.util.Comparator.reverseOrder())
          .filter(f -> !f.equals(storeDir))
          .forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot empty " + storeDir, e);
    }
    launch();
  }

  /** The last {@code lines} lines of the server's output, for failure messages. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      thaw();
      kill();
    }
  }

  @Override
  public String toString() {
    return "nats-server on " + url() + " (store " + storeDir + ")";
  }

  private void launch() {
    List<String> command = new ArrayList<>();
    command.add(binary);
    command.addAll(List.of("-a", "127.0.0.1", "-p", Integer.toString(port)));
    command.addAll(List.of("-m", Integer.toString(monitorPort)));
    command.addAll(List.of("-js", "-sd", storeDir.toString()));
    command.addAll(List.of("--server_name", "test-" + port));
    command.addAll(options);
    try {
      Files.writeString(
          log,
          "---- starting " + String.join(" ", command) + "\n",
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot run " + binary + " (apt-get install nats-server, or set NATS_SERVER)", e);
    }
    awaitHealthy();
  }

  /**
   * How many messages the server has received from its clients so far ({@code in_msgs} of its
   * {@code /varz}): what a test reads to see which traffic went through NATS.
   */
  public long messagesIn() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest varz =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + monitorPort + "/varz"))
            .timeout(Duration.ofSeconds(2))
            .build();
    try {
      String body = http.send(varz, HttpResponse.BodyHandlers.ofString()).body();
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("\"in_msgs\"\\s*:\\s*(\\d+)").matcher(body);
      if (!m.find()) {
        throw new IllegalStateException("no in_msgs in nats-server's /varz: " + body);
      }
      return Long.parseLong(m.group(1));
    } catch (IOException e) {
      throw new UncheckedIOException("nats-server's /varz does not answer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading nats-server's /varz", e);
    }
  }

  /** Waits until the monitoring port says the server, JetStream included, is ready. */
  private void awaitHealthy() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest health =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + monitorPort + "/healthz"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "nats-server exited with code " + process.exitValue() + ":\n" + logTail(30));
      }
      try {
        if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for nats-server", e);
      }
      sleep(100);
    }
    kill();
    throw new IllegalStateException(
        "nats-server not healthy within " + READY_TIMEOUT + ":\n" + logTail(30));
  }

  private void await(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void signal(String signal) {
    if (!isAlive()) {
      return;
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String binary() {
    String configured = System.getenv("NATS_SERVER");
    return configured != null && !configured.isBlank() ? configured : "nats-server";
  }

  /**
   * A port free now, from below the kernel's ephemeral range (32768 and up on Linux): a stopped
   * server must find its port again at {@link #startAgain()}, and an ephemeral port may meanwhile
   * be taken by any outgoing connection, the nodes' own reconnects included.
   */
  private static int freePort() {
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = java.util.concurrent.ThreadLocalRandom.current().nextInt(20_000, 32_000);
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new UncheckedIOException(new IOException("no free port between 20000 and 32000"));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
