package io.quarkbar.bench.scenario;

import io.quarkbar.bench.SuiteConfig;
import io.quarkbar.bench.client.Peer;
import io.quarkbar.bench.targets.Target;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Opens S sessions as fast as the target takes them (a bounded number of handshakes in flight) and
 * leaves them idle. Reports joins per second (TCP connect, WebSocket upgrade, HELLO, WELCOME; for
 * the raw relay the upgrade alone), the latency of one join, and the target's RSS and, for JVM
 * targets, live heap per session: the difference, divided by S, between before the first join and
 * after the last, each read after a full GC ({@code jcmd PID GC.run}, then {@code GC.heap_info});
 * and, in measured runs, the target's CPU while the sessions sit idle for a while after the joins.
 */
public final class SessionsScenario implements Scenario {

  private static final String CHANNEL = "bench.idle";

  private final SuiteConfig config;

  public SessionsScenario(SuiteConfig config) {
    this.config = config;
  }

  @Override
  public String name() {
    return "sessions";
  }

  @Override
  public String unit() {
    return "joins";
  }

  @Override
  public String description() {
    return "S idle sessions opened with "
        + config.joinConcurrency()
        + " handshakes in flight; ops are joins; memory per session is after a full GC";
  }

  @Override
  public List<Case> cases(Target target) {
    Serializer s =
        target.serializers().contains(Serializer.JSON)
            ? Serializer.JSON
            : target.serializers().get(0);
    return config.sessionCounts().stream().map(n -> new Case(s, "S=" + n, n)).toList();
  }

  @Override
  public int reps() {
    return config.quick() ? 1 : 2;
  }

  /**
   * Three: joins keep getting cheaper over the first runs of 10,000, on every JVM target, while the
   * JIT compiles the handshake path (2026-11-26, six runs in a row, CPU per join: quarkbar 98, 90,
   * 69, 49, 46, 44 µs; jawampa 101, 84, 64, 49, 52, 50; the raw relay 64, 56, 56, 33, 31, 31). With
   * one warm-up, the two measured runs measured the compiler.
   */
  @Override
  public int warmupRuns(int configured) {
    return config.quick() ? configured : Math.max(configured, 3);
  }

  /** Time for the router to finish what joins or closes left behind before the next reading. */
  private Duration settle() {
    return config.quick() ? Duration.ofMillis(200) : Duration.ofSeconds(1);
  }

  /** The quiet window after the joins of a measured run, in which the router's CPU is read. */
  private Duration idleWindow() {
    return config.quick() ? Duration.ofSeconds(1) : Duration.ofSeconds(10);
  }

  @Override
  public Sample run(Case c, Harness h, boolean warmup) throws Exception {
    // A warm-up opens as many sessions as a measured run: after one of 500, the first measured run
    // of every target (fox-wamp's too) was 25 to 40% slower than the second.
    int sessions = c.size();
    OptionalLong heapBefore = h.routerLiveHeapKiB();
    long rssBefore = h.routerRssKiB();
    Harness.Window w = h.window();
    Harness.Joined joined =
        h.joinAll(c.serializer(), Collections.nCopies(sessions, CHANNEL), config.joinConcurrency());
    Usage usage = w.end();
    try {
      long errors = joined.failed();
      int open = joined.peers().size();
      // Let the router finish what joining left behind (timers, buffers) before measuring.
      h.sleep(settle());
      Map<String, Double> extras = new LinkedHashMap<>();
      if (!warmup) {
        // What the open sessions cost while nobody says anything: the router's keep-alive pings
        // (router.websocket.ping-interval, to be set shorter than its 30 s to see them here) and
        // whatever else runs on its own. A session that the keep-alive closed counts as lost.
        Harness.Window quiet = h.window();
        h.sleep(idleWindow());
        Usage idle = quiet.end();
        extras.put("idleCpuPct", idle.routerCpuSeconds() * 100 / idle.seconds());
        extras.put("idleSysPct", idle.routerSysSeconds() * 100 / idle.seconds());
      }
      long lost = h.onLoop(() -> joined.peers().stream().filter(Peer::isClosed).count());
      OptionalLong heapAfter = h.routerLiveHeapKiB();
      long rssAfter = h.routerRssKiB();
      extras.put("sessions", (double) open);
      extras.put("rssPerSessionKiB", (rssAfter - rssBefore) / (double) open);
      if (heapBefore.isPresent() && heapAfter.isPresent()) {
        extras.put(
            "heapPerSessionKiB", (heapAfter.getAsLong() - heapBefore.getAsLong()) / (double) open);
      }
      long frames = h.target().routesWamp() ? 2L * open : 0;
      return h.sample(open, frames, errors + lost, joined.latency(), usage, extras);
    } finally {
      h.closeAll(joined.peers());
      // The router tears sessions down after their sockets close; the next run measures from quiet.
      h.sleep(settle());
    }
  }
}
