package io.quarkbar.bench.scale;

import io.quarkbar.bench.probe.JvmHeap;
import io.quarkbar.bench.probe.Proc;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Many idle sessions on several router nodes on this one machine: starts {@code --nodes} packaged
 * routers and {@code --workers} {@link SessionsWorker} processes (each session round-robin over the
 * nodes), opens {@code --sessions} sessions in all, then reports joins per second, the routers'
 * live heap and RSS per session, and their CPU while the sessions sit idle for {@code --idle}
 * (which, with the default ping interval of 30 s and a window of 40 s, holds one keep-alive ping
 * per session). Writes {@code bench/target/results/scale.md}.
 *
 * <p>The nodes form one cluster over a private {@code nats-server} (unless {@code --cluster
 * false}): at load, the report times a presence event seen on another node ({@link PresenceProbe}).
 * Calls do not cross nodes yet (docs/cluster.md), so a cross-node call is not measured.
 *
 * <pre>
 * --root DIR            the checkout (router-service/target/quarkus-app must be built)
 * --classpath CP        the load generator's classpath, for the workers
 * --nodes N             router processes (default 6)
 * --sessions N          sessions in all (default 100000)
 * --workers N           load-generator processes (default 6; each may open 20,000 files here)
 * --in-flight N         handshakes in flight per worker (default 32)
 * --source-addresses B  true: worker w connects from 127.0.0.(2+w); false (default): all from the
 *                       system's choice. Binding a source address makes the kernel search for a
 *                       free port on every connect, over all the ports that address uses: 723
 *                       joins/s at 60,000 sessions with, 1,760 without (2026-11-30). Six nodes
 *                       leave room: each destination port has its own 28,000 ephemeral ports.
 * --warmup N            sessions each worker opens and closes before the measured joins, so that
 *                       twelve JVMs compiling their handshake paths are not what is measured
 *                       (default 3000; 0: none)
 * --idle DURATION       the idle window, e.g. 40s (default)
 * --router-option OPT   one more JVM option for every node, e.g. -Drouter.websocket.ping-interval=0
 * --cluster B           true (default): the nodes are one cluster over a nats-server this run
 *                       starts (nats-server on the PATH, or $NATS_SERVER); false: independent
 * </pre>
 */
public final class ScaleMain {

  private static final Pattern JOINED =
      Pattern.compile("joined (\\d+) (\\d+) (\\d+) (\\d+) (\\d+)(?: (.*))?");

  private Path root;
  private String classpath;
  private int nodes = 6;
  private int sessions = 100_000;
  private int workers = 6;
  private int inFlight = 32;
  private int warmup = 3_000;
  private boolean sourceAddresses;
  private Duration idle = Duration.ofSeconds(40);
  private final List<String> routerOptions = new ArrayList<>();
  private boolean cluster = true;
  private RouterNodes routers;

  private final List<Worker> workerProcesses = new ArrayList<>();

  private record Worker(Process process, BufferedReader out, PrintWriter in) {}

  private record Joined(
      long ok, long failed, long millis, long p50Us, long p99Us, String failure) {}

  public static void main(String[] args) throws Exception {
    ScaleMain bench = new ScaleMain();
    bench.parse(args);
    // Six routers of up to 2 GiB each must not outlive an interrupted run (Ctrl-C).
    Thread cleanup = new Thread(bench::stopAll, "scale-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    boolean ok;
    try {
      ok = bench.run();
    } finally {
      bench.stopAll();
      Runtime.getRuntime().removeShutdownHook(cleanup);
    }
    System.exit(ok ? 0 : 1);
  }

  private void parse(String[] args) {
    for (int i = 0; i < args.length; i += 2) {
      String value = args[i + 1];
      switch (args[i]) {
        case "--root" -> root = Path.of(value);
        case "--classpath" -> classpath = value;
        case "--nodes" -> nodes = Integer.parseInt(value);
        case "--sessions" -> sessions = Integer.parseInt(value);
        case "--workers" -> workers = Integer.parseInt(value);
        case "--in-flight" -> inFlight = Integer.parseInt(value);
        case "--warmup" -> warmup = Integer.parseInt(value);
        case "--source-addresses" -> sourceAddresses = Boolean.parseBoolean(value);
        case "--idle" -> idle = Duration.parse("PT" + value.toUpperCase(Locale.ROOT));
        case "--router-option" -> routerOptions.add(value);
        case "--cluster" -> cluster = Boolean.parseBoolean(value);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (root == null || classpath == null) {
      throw new IllegalArgumentException("--root and --classpath are needed (bench/scale.sh)");
    }
  }

  /** The run; false when a session failed to join or was lost. */
  private boolean run() throws Exception {
    Path work = root.resolve("bench/target/scale");
    Files.createDirectories(work);
    JvmHeap heap = new JvmHeap(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());

    routers =
        RouterNodes.start(
            root,
            work,
            nodes,
            cluster,
            "scale",
            List.of("-XX:+UseSerialGC", "-Xms256m", "-Xmx2g"),
            routerOptions);
    log("%d router nodes ready on ports %s", nodes, routers.ports());
    String urls =
        String.join(",", routers.ports().stream().map(p -> "ws://127.0.0.1:" + p + "/ws").toList());
    for (int w = 0; w < workers; w++) {
      int share = sessions / workers + (w < sessions % workers ? 1 : 0);
      // 127.0.0.2 onwards: each worker a source address of its own, with its own ephemeral ports.
      startWorker(w, urls, share, sourceAddresses ? "127.0.0." + (2 + w) : "-", work);
    }
    log("warming up: %d sessions opened and closed per worker", warmup);
    for (Worker w : workerProcesses) {
      String line = w.out().readLine();
      if (line == null || !line.startsWith("warm ")) {
        throw new IllegalStateException("a worker's warm-up ended with: " + line);
      }
    }
    if (warmup > 0) {
      // The routers end the warm-up's sessions after their sockets close.
      Thread.sleep(3_000);
    }
    long heapBefore = sum(i -> heap.liveKiB(pid(i)));
    long rssBefore = sum(i -> OptionalLong.of(Proc.rssKiB(pid(i))));
    Instant start = Instant.now();
    for (Worker w : workerProcesses) {
      w.in().println("go");
      w.in().flush();
    }
    List<Joined> joined = new ArrayList<>();
    for (Worker w : workerProcesses) {
      joined.add(awaitJoined(w));
    }
    double joinSeconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
    long ok = joined.stream().mapToLong(Joined::ok).sum();
    long failed = joined.stream().mapToLong(Joined::failed).sum();
    long slowestMillis = joined.stream().mapToLong(Joined::millis).max().orElse(0);
    log("%d sessions joined (%d failed) in %.1f s", ok, failed, joinSeconds);

    Thread.sleep(2_000);
    String presence = "not measured: --cluster false";
    String crossCall = "not measured: --cluster false";
    if (cluster && nodes > 1) {
      long[][] delays = PresenceProbe.measure(routers.wsUrl(1), routers.wsUrl(0), 20);
      presence = PresenceProbe.describe(delays);
      log("presence across nodes: %s", presence);
      crossCall =
          PresenceProbe.describeCall(
              PresenceProbe.measureCall(routers.wsUrl(1), routers.wsUrl(0), 20));
      log("call across nodes: %s", crossCall);
    }
    long heapAfter = sum(i -> heap.liveKiB(pid(i)));
    long rssAfter = sum(i -> OptionalLong.of(Proc.rssKiB(pid(i))));

    // The JIT compilers and collectors of six JVMs are still busy after the joins: wait until the
    // routers are quiet (or a minute passed) before the idle window.
    long settleStart = System.nanoTime();
    double settledPct;
    do {
      double before = sum(i -> OptionalLong.of((long) (Proc.cpuSeconds(pid(i)) * 1000)));
      Thread.sleep(2_000);
      double after = sum(i -> OptionalLong.of((long) (Proc.cpuSeconds(pid(i)) * 1000)));
      settledPct = (after - before) / 20.0;
    } while (settledPct > 3 && System.nanoTime() - settleStart < TimeUnit.SECONDS.toNanos(60));
    double settleSeconds = (System.nanoTime() - settleStart) / 1e9;
    log("routers settled after %.0f s (%.1f%% of a core)", settleSeconds, settledPct);
    log("idle for %d s", idle.toSeconds());
    double[] cpuBefore = new double[nodes];
    double[] sysBefore = new double[nodes];
    for (int i = 0; i < nodes; i++) {
      double[] t = Proc.cpuTimes(pid(i));
      cpuBefore[i] = t[0] + t[1];
      sysBefore[i] = t[1];
    }
    long idleStart = System.nanoTime();
    Thread.sleep(idle.toMillis());
    double idleSeconds = (System.nanoTime() - idleStart) / 1e9;
    double idleCpu = 0;
    double idleSys = 0;
    for (int i = 0; i < nodes; i++) {
      double[] t = Proc.cpuTimes(pid(i));
      idleCpu += t[0] + t[1] - cpuBefore[i];
      idleSys += t[1] - sysBefore[i];
    }
    long stillOpen = 0;
    for (Worker w : workerProcesses) {
      w.in().println("count");
      w.in().flush();
      String line = w.out().readLine();
      stillOpen += line != null && line.startsWith("open ") ? Long.parseLong(line.substring(5)) : 0;
    }

    Map<String, String> rows = new LinkedHashMap<>();
    rows.put(
        "router nodes",
        nodes + (cluster ? " (one cluster over a nats-server of this run)" : " (independent)"));
    rows.put(
        "load-generator processes",
        workers
            + (sourceAddresses ? ", from 127.0.0.2 to 127.0.0." + (1 + workers) : "")
            + ", each after a warm-up of "
            + warmup
            + " sessions opened and closed");
    rows.put(
        "sessions joined",
        String.format(Locale.ROOT, "%,d of %,d (%d failed)", ok, sessions, failed));
    rows.put(
        "joins/s",
        String.format(
            Locale.ROOT,
            "%,.0f (all sessions in %.1f s; the slowest worker's own %.1f s)",
            ok / joinSeconds,
            joinSeconds,
            slowestMillis / 1000.0));
    rows.put(
        "join latency (median of the workers' p50 / worst p99)",
        String.format(
            Locale.ROOT,
            "%.1f ms / %.1f ms",
            joined.stream()
                    .mapToLong(Joined::p50Us)
                    .sorted()
                    .skip(joined.size() / 2)
                    .findFirst()
                    .orElse(0)
                / 1000.0,
            joined.stream().mapToLong(Joined::p99Us).max().orElse(0) / 1000.0));
    rows.put(
        "live heap per session",
        String.format(
            Locale.ROOT, "%.1f KiB", (heapAfter - heapBefore) / (double) Math.max(1, ok)));
    rows.put(
        "RSS per session",
        String.format(Locale.ROOT, "%.1f KiB", (rssAfter - rssBefore) / (double) Math.max(1, ok)));
    rows.put("routers' RSS in all", String.format(Locale.ROOT, "%,d MiB", rssAfter / 1024));
    rows.put(
        "idle CPU, all nodes",
        String.format(
            Locale.ROOT,
            "%.1f%% of one core (system %.1f%%) over %.0f s, after %.0f s for the routers to"
                + " settle",
            idleCpu * 100 / idleSeconds,
            idleSys * 100 / idleSeconds,
            idleSeconds,
            settleSeconds));
    rows.put(
        "sessions still open after the idle window", String.format(Locale.ROOT, "%,d", stillOpen));
    rows.put("cross-node call round trip", crossCall);
    rows.put("presence event on another node (on_join)", presence);
    if (!routerOptions.isEmpty()) {
      rows.put("router options", String.join(" ", routerOptions));
    }
    joined.stream()
        .map(Joined::failure)
        .filter(f -> f != null && !f.isBlank())
        .findFirst()
        .ifPresent(f -> rows.put("first failure", f));

    MeasureTable.write(
        root.resolve("bench/target/results/scale.md"),
        "Sessions at scale (bench/scale.sh)",
        "",
        rows);
    return failed == 0 && stillOpen == ok;
  }

  private void startWorker(int w, String urls, int share, String source, Path work)
      throws IOException {
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx1g",
            "-cp",
            classpath,
            SessionsWorker.class.getName(),
            urls,
            Integer.toString(share),
            source,
            Integer.toString(inFlight),
            Integer.toString(warmup));
    Process p =
        new ProcessBuilder(cmd)
            .redirectError(work.resolve("worker-" + w + ".err").toFile())
            .start();
    workerProcesses.add(
        new Worker(
            p,
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)),
            new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8)));
  }

  private static Joined awaitJoined(Worker w) throws IOException {
    String line = w.out().readLine();
    if (line == null) {
      throw new IllegalStateException("a worker ended before reporting; see bench/target/scale");
    }
    Matcher m = JOINED.matcher(line);
    if (!m.matches()) {
      throw new IllegalStateException("a worker said: " + line);
    }
    return new Joined(
        Long.parseLong(m.group(1)),
        Long.parseLong(m.group(2)),
        Long.parseLong(m.group(3)),
        Long.parseLong(m.group(4)),
        Long.parseLong(m.group(5)),
        m.group(6));
  }

  private long pid(int node) {
    return routers.pid(node);
  }

  private interface NodeReading {
    OptionalLong read(int node);
  }

  private long sum(NodeReading reading) {
    long total = 0;
    for (int i = 0; i < nodes; i++) {
      total += reading.read(i).orElse(0);
    }
    return total;
  }

  private synchronized void stopAll() {
    for (Worker w : workerProcesses) {
      w.in().println("stop");
      w.in().flush();
    }
    for (Worker w : workerProcesses) {
      RouterNodes.waitOrKill(w.process());
    }
    if (routers != null) {
      routers.close();
    }
  }

  private static void log(String format, Object... args) {
    System.out.printf(Locale.ROOT, "[scale] " + format + "%n", args);
  }
}
