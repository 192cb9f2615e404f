package io.quarkbar.bench.scenario;

import io.netty.buffer.ByteBuf;
import io.quarkbar.bench.SuiteConfig;
import io.quarkbar.bench.client.Peer;
import io.quarkbar.bench.client.Template;
import io.quarkbar.bench.client.Wire;
import io.quarkbar.bench.probe.Proc;
import io.quarkbar.bench.targets.Target;
import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The {@code rpc} load (C callers with W calls in flight each) against one callee session that is
 * either the load generator's own pre-encoded callee or a Quarkus application served by the WAMP
 * client extension (bench/extension-callee), in a procedure that returns a {@code Uni} (event loop)
 * or a plain one (worker thread). Every call carries {@link RpcScenario#ARGS} and every callee
 * answers with them as one argument (an extension procedure's result is one positional argument;
 * the pre-encoded callee answers alike), so the three rows of a serializer move the same frames and
 * differ only in the callee.
 *
 * <p>The extension's JVM runs on the load generator's core(s), where the pre-encoded callee runs
 * too (inside the load generator); its CPU time per call, from {@code /proc/PID/stat} over the
 * measured window like the router's, is the extra {@code calleeUsPerCall}. The pre-encoded callee's
 * share is inside {@code loadgenUsPerCall}: the load generator's CPU per call with it, against
 * without it in the extension rows.
 */
public final class ExtensionRpcScenario implements Scenario {

  /** The end of the variant whose callee is the load generator's pre-encoded one. */
  public static final String PRE_ENCODED = "pre-encoded callee";

  /** The end of the variant whose callee is the extension's procedure returning a {@code Uni}. */
  public static final String EXTENSION_UNI = "extension Uni";

  /** The end of the variant whose callee is the extension's blocking procedure. */
  public static final String EXTENSION_BLOCKING = "extension blocking";

  private static final Duration SETTLE_STEP = Duration.ofMillis(150);
  private static final Duration SETTLE_MAX = Duration.ofSeconds(5);
  private static final double SETTLED_CPU = 0.15;

  private static final int FRAMES_PER_CALL = 4;

  private final SuiteConfig config;
  private final int callers;
  private final int window;
  private final List<Path> recordings = new ArrayList<>();
  private Path app;
  private ExtensionCallee callee;
  private int started;

  public ExtensionRpcScenario(SuiteConfig config) {
    this.config = config;
    this.callers = config.rpcCallers();
    this.window = config.rpcWindow();
  }

  @Override
  public String name() {
    return "rpc-extension";
  }

  @Override
  public String unit() {
    return "calls";
  }

  @Override
  public String description() {
    return callers
        + " callers with "
        + window
        + " calls in flight each, all to one callee session, which is the load generator's"
        + " pre-encoded callee or bench/extension-callee, a Quarkus application served by the WAMP"
        + " client extension (procedure returning Uni: event loop; plain procedure: worker"
        + " thread), in a JVM of its own on the load generator's core(s); every callee answers with"
        + " the call's arguments as one list. calleeUsPerCall is the extension JVM's CPU per call"
        + " (/proc/PID/stat over the window); the pre-encoded callee's is inside loadgenUsPerCall;"
        + " quarkbar only";
  }

  @Override
  public boolean runsOn(String target) {
    return target.equals("quarkbar");
  }

  @Override
  public List<Case> cases(Target target) {
    if (!runsOn(target.name())) {
      return List.of();
    }
    String load = "C=" + callers + " W=" + window + " ";
    return target.serializers().stream()
        .flatMap(
            s ->
                Stream.of(PRE_ENCODED, EXTENSION_UNI, EXTENSION_BLOCKING)
                    .map(kind -> new Case(s, load + kind, callers)))
        .toList();
  }

  @Override
  public int reps() {
    return config.reps();
  }

  /**
   * A callee JVM that just started gets {@link SuiteConfig#freshWarmupRuns()} unmeasured runs of
   * each of its procedures before the first case's own warm-up, as a target that just started gets
   * runs of {@code rpc}: its JIT compiler shares the load generator's core with the load, and in
   * the first runs of a cold callee its CPU per call was 3 to 6 times that of the later ones.
   */
  private void warmUpFresh(Case c, Harness h) throws Exception {
    String load = c.variant().substring(0, c.variant().length() - kind(c).length());
    for (String kind : List.of(EXTENSION_UNI, EXTENSION_BLOCKING)) {
      Case warm = new Case(c.serializer(), load + kind, c.size());
      for (int i = 0; i < config.freshWarmupRuns(); i++) {
        run(warm, h, true);
      }
    }
  }

  private static String kind(Case c) {
    for (String kind : List.of(PRE_ENCODED, EXTENSION_UNI, EXTENSION_BLOCKING)) {
      if (c.variant().endsWith(kind)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("not a case of rpc-extension: " + c);
  }

  @Override
  public Sample run(Case c, Harness h, boolean warmup) throws Exception {
    Serializer s = c.serializer();
    String kind = kind(c);
    boolean preEncoded = kind.equals(PRE_ENCODED);
    String procedure =
        switch (kind) {
          case PRE_ENCODED -> "bench.echo.preencoded";
          case EXTENSION_UNI -> "bench.echo.uni";
          default -> "bench.echo.blocking";
        };
    long routerPid = h.target().pid();
    if (callee != null && !callee.serves(routerPid, s)) {
      callee.close();
      callee = null;
    }
    if (!preEncoded && callee == null) {
      if (app == null) {
        app = ExtensionCallee.copyBuild(h.env());
      }
      callee = ExtensionCallee.start(h.env(), app, h.target().url(), routerPid, s, ++started);
      callee.recording().ifPresent(recordings::add);
      warmUpFresh(c, h);
    }
    ExtensionCallee active = preEncoded ? null : callee;
    if (active != null) {
      settle(active);
    }

    RpcScenario.State state = new RpcScenario.State();
    List<Peer> peers = new ArrayList<>();
    try {
      Peer preEncodedCallee = null;
      if (preEncoded) {
        preEncodedCallee = h.await(h.connector().join(s, procedure));
        peers.add(preEncodedCallee);
        h.await(h.connector().register(preEncodedCallee, procedure));
      }
      Template yield =
          Template.of(s, id -> new Yield(id, Map.of(), List.of(RpcScenario.ARGS), Map.of()));
      Template call =
          Template.of(s, id -> new Call(id, Map.of(), procedure, RpcScenario.ARGS, Map.of()));
      List<RpcScenario.Caller> callerList = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        Peer caller = h.await(h.connector().join(s, procedure));
        peers.add(caller);
        callerList.add(new RpcScenario.Caller(caller, call, window, state));
      }
      Peer answering = preEncodedCallee;
      h.onLoop(
          () -> {
            for (Peer p : peers) {
              p.onLost(() -> state.errors++);
            }
            if (answering != null) {
              answering.onMessage(m -> answer(answering, yield, m, state));
            }
            for (RpcScenario.Caller caller : callerList) {
              caller.start(true);
            }
          });

      h.sleep(config.ramp());
      h.onLoop(state::resetWindow);
      double callee0 = active == null ? Double.NaN : Proc.cpuSeconds(active.pid());
      Harness.Window w = h.window();
      h.sleep(warmup ? config.warmup() : config.rpc());
      long calls = h.onLoop(() -> state.completed);
      var latency = h.onLoop(state.latency::copy);
      Usage usage = w.end();
      double callee1 = active == null ? Double.NaN : Proc.cpuSeconds(active.pid());

      h.onLoop(() -> state.stopping = true);
      h.awaitOnLoop(() -> state.outstanding == 0, config.drain());
      long unanswered = h.onLoop(() -> state.outstanding);
      long errors = h.onLoop(() -> state.errors) + unanswered;
      if (active != null && !active.serves(routerPid, s)) {
        throw new IllegalStateException(
            "the extension callee died during the run; see " + active.log());
      }
      Map<String, Double> extras = new LinkedHashMap<>();
      extras.put("unanswered", (double) unanswered);
      double calleeSeconds = callee1 - callee0;
      extras.put("calleeUsPerCall", calls == 0 ? Double.NaN : calleeSeconds * 1e6 / calls);
      extras.put("calleeCpuPct", calleeSeconds * 100 / usage.seconds());
      extras.put(
          "loadgenUsPerCall", calls == 0 ? Double.NaN : usage.loadgenCpuSeconds() * 1e6 / calls);
      return h.sample(calls, calls * FRAMES_PER_CALL, errors, latency, usage, extras);
    } finally {
      h.closeAll(peers);
    }
  }

  private static void answer(Peer callee, Template yield, ByteBuf m, RpcScenario.State state) {
    Serializer s = callee.serializer();
    if (Wire.intAt(s, m, 0) == Invocation.CODE) {
      callee.send(yield, Wire.intAt(s, m, 1));
    } else {
      state.errors++;
    }
  }

  /**
   * Waits until the callee is idle (less than {@link #SETTLED_CPU} of a core over {@link
   * #SETTLE_STEP}), at most {@link #SETTLE_MAX}: JIT compilation or GC left over from the previous
   * run would otherwise share the load generator's core with this one. The suite does the same for
   * the targets.
   */
  private static void settle(ExtensionCallee callee) throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE_MAX.toNanos();
    double before = Proc.cpuSeconds(callee.pid());
    while (System.nanoTime() < deadline) {
      Thread.sleep(SETTLE_STEP.toMillis());
      double now = Proc.cpuSeconds(callee.pid());
      if (now - before < SETTLED_CPU * SETTLE_STEP.toMillis() / 1000.0) {
        return;
      }
      before = now;
    }
  }

  @Override
  public void close() {
    if (callee != null) {
      callee.close();
      callee = null;
    }
  }

  @Override
  public List<Path> recordings() {
    return recordings;
  }
}
