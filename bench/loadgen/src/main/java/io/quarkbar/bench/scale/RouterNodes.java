package io.quarkbar.bench.scale;

import io.quarkbar.bench.probe.Readiness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Packaged routers on this machine for a benchmark, optionally one cluster over a {@code
 * nats-server} of their own (never the machine's shared one): started, waited for, stopped.
 */
final class RouterNodes implements AutoCloseable {

  private static final java.util.regex.Pattern CONNECTED =
      java.util.regex.Pattern.compile("\"connected\"\\s*:\\s*true");

  private final List<Process> processes = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  private Process nats;
  private int natsPort;
  private Thread cleanup;

  /**
   * Starts {@code count} routers from {@code root}'s router-service/target/quarkus-app with realm1
   * open, logs in {@code work}; {@code cluster}: as one cluster named {@code clusterName}. Returns
   * once every node is ready.
   */
  static RouterNodes start(
      Path root,
      Path work,
      int count,
      boolean cluster,
      String clusterName,
      List<String> jvmOptions,
      List<String> routerOptions)
      throws Exception {
    RouterNodes nodes = new RouterNodes();
    // Routers of up to 2 GiB each must not outlive an interrupted run (Ctrl-C), even one
    // interrupted while they start.
    Thread cleanup = new Thread(nodes::close, "router-nodes-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    nodes.cleanup = cleanup;
    try {
      if (cluster) {
        nodes.startNats(work);
      }
      for (int i = 0; i < count; i++) {
        nodes.startNode(i, root, work, cluster, clusterName, jvmOptions, routerOptions);
      }
      for (int i = 0; i < count; i++) {
        nodes.awaitReady(i, cluster);
      }
      return nodes;
    } catch (Exception e) {
      nodes.close();
      throw e;
    }
  }

  int size() {
    return processes.size();
  }

  List<Integer> ports() {
    return ports;
  }

  URI wsUrl(int node) {
    return URI.create("ws://127.0.0.1:" + ports.get(node) + "/ws");
  }

  long pid(int node) {
    return processes.get(node).pid();
  }

  /** The nats-server's process ID, when the nodes are a cluster. */
  OptionalLong natsPid() {
    return nats == null ? OptionalLong.empty() : OptionalLong.of(nats.pid());
  }

  private void startNats(Path work) throws Exception {
    natsPort = freePort();
    // Each run starts from an empty store: what an earlier run left would be read back first.
    Path store = work.resolve("nats-store");
    if (Files.exists(store)) {
      try (var files = Files.walk(store)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    String binary = System.getenv().getOrDefault("NATS_SERVER", "nats-server");
    nats =
        new ProcessBuilder(
                binary,
                "-a",
                "127.0.0.1",
                "-p",
                Integer.toString(natsPort),
                // JetStream holds the cluster's registrations.
                "-js",
                "-sd",
                store.toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("nats-server.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try (Socket probe = new Socket("127.0.0.1", natsPort)) {
        return;
      } catch (IOException notYet) {
        if (!nats.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "nats-server did not start; see " + work.resolve("nats-server.log"));
        }
        Thread.sleep(100);
      }
    }
  }

  private void startNode(
      int i,
      Path root,
      Path work,
      boolean cluster,
      String clusterName,
      List<String> jvmOptions,
      List<String> routerOptions)
      throws IOException {
    int port = freePort();
    ports.add(port);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-Dquarkus.http.port=" + port);
    // Every session comes from one of a few loopback addresses.
    cmd.add("-Drouter.limits.max-sessions-per-address=100000");
    cmd.add("-Dquarkus.config.locations=" + root.resolve("router-service/config/realm1-open.yaml"));
    if (cluster) {
      cmd.add("-Drouter.cluster.nats-url=nats://127.0.0.1:" + natsPort);
      cmd.add("-Drouter.cluster.name=" + clusterName);
      cmd.add("-Drouter.cluster.node=n" + i);
    }
    cmd.addAll(routerOptions);
    Path app = root.resolve("router-service/target/quarkus-app");
    cmd.addAll(List.of("-jar", app.resolve("quarkus-run.jar").toString()));
    Path log = work.resolve("node-" + i + ".log");
    processes.add(
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start());
  }

  /** Ready, and for a cluster's node, connected to NATS (its readiness says so). */
  private void awaitReady(int i, boolean cluster) throws Exception {
    Readiness.await(
        processes.get(i),
        ports.get(i),
        body -> !cluster || CONNECTED.matcher(body).find(),
        Duration.ofSeconds(120),
        "router node " + i,
        "its log");
  }

  /** Stops the routers (SIGTERM, then SIGKILL after 30 s), then the nats-server. */
  @Override
  public synchronized void close() {
    if (cleanup != null && Thread.currentThread() != cleanup) {
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or about to: it closes them too
      }
    }
    processes.forEach(Process::destroy);
    processes.forEach(RouterNodes::waitOrKill);
    if (nats != null) {
      nats.destroy();
      waitOrKill(nats);
    }
  }

  static void waitOrKill(Process p) {
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
