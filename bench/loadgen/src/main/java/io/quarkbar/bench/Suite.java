package io.quarkbar.bench;

import io.quarkbar.bench.client.Connector;
import io.quarkbar.bench.probe.JvmHeap;
import io.quarkbar.bench.probe.Proc;
import io.quarkbar.bench.scenario.Case;
import io.quarkbar.bench.scenario.ExtensionRpcScenario;
import io.quarkbar.bench.scenario.FanoutScenario;
import io.quarkbar.bench.scenario.Harness;
import io.quarkbar.bench.scenario.RpcScenario;
import io.quarkbar.bench.scenario.Sample;
import io.quarkbar.bench.scenario.Scenario;
import io.quarkbar.bench.scenario.SessionsScenario;
import io.quarkbar.bench.targets.Target;
import io.quarkbar.bench.targets.TargetEnv;
import io.quarkbar.bench.targets.Targets;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs scenarios against targets, interleaved so that every ratio compares runs made minutes, not
 * quarters of an hour, apart: all targets stay up (idle ones cost their core nothing), and each
 * case runs on every target in turn, one measured run at a time, in alternating order (A B C, C B
 * A, …). On a shared virtual machine throughput drifts by tens of percent within minutes; run
 * target after target, that drift went straight into the ratios.
 */
public final class Suite {

  private static final Duration SETTLE_STEP = Duration.ofMillis(150);
  private static final Duration SETTLE_MAX = Duration.ofSeconds(5);
  private static final double SETTLED_CPU = 0.15;

  private final SuiteConfig config;
  private final TargetEnv env;
  private final List<String> targets;
  private final Set<String> scenarioFilter;
  private final Set<Serializer> serializerFilter;
  private final PrintStream log;
  private final List<Path> recordings = new ArrayList<>();
  private final List<Running> running = new ArrayList<>();

  public Suite(
      SuiteConfig config,
      TargetEnv env,
      List<String> targets,
      Set<String> scenarioFilter,
      Set<Serializer> serializerFilter,
      PrintStream log) {
    this.config = config;
    this.env = env;
    this.targets = targets;
    this.scenarioFilter = scenarioFilter;
    this.serializerFilter = serializerFilter;
    this.log = log;
  }

  /** Every scenario, in the order they run. */
  public static List<Scenario> scenarios(SuiteConfig config) {
    return List.of(
        RpcScenario.latency(config),
        RpcScenario.throughput(config),
        RpcScenario.rawSocket(config),
        RpcScenario.paced(config),
        new ExtensionRpcScenario(config),
        FanoutScenario.healthy(config),
        FanoutScenario.withSlowSubscriber(config),
        new SessionsScenario(config));
  }

  /**
   * JFR recordings made (with {@link TargetEnv#profile()}), one per target start and one per start
   * of a process a scenario runs (rpc-extension's callee).
   */
  public List<Path> recordings() {
    return recordings;
  }

  public List<CaseResult> run() {
    List<CaseResult> results = new ArrayList<>();
    // One event loop: the load generator is pinned to one core, and one thread lets every peer
    // share counters without locks.
    List<Scenario> scenarios = scenarios(config);
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(1)
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
    try {
      Context loop = vertx.getOrCreateContext();
      JvmHeap heap = new JvmHeap(env.jcmd());
      for (String name : targets) {
        running.add(new Running(Targets.create(name, env), vertx, loop, heap));
      }
      for (Scenario scenario : scenarios) {
        if (!scenarioFilter.isEmpty() && !scenarioFilter.contains(scenario.name())) {
          continue;
        }
        Map<Case, List<Running>> byCase = new LinkedHashMap<>();
        for (Running r : running) {
          for (Case c : scenario.cases(r.target)) {
            if (serializerFilter.isEmpty() || serializerFilter.contains(c.serializer())) {
              byCase.computeIfAbsent(c, k -> new ArrayList<>()).add(r);
            }
          }
        }
        try {
          byCase.forEach((c, participants) -> results.addAll(runCase(scenario, c, participants)));
        } finally {
          // What it started of its own (rpc-extension's callee) does not stay for the next one.
          scenario.close();
        }
      }
    } finally {
      for (Scenario scenario : scenarios) {
        scenario.close();
        recordings.addAll(scenario.recordings());
      }
      running.forEach(Running::close);
      running.clear();
      vertx
          .close()
          .toCompletionStage()
          .toCompletableFuture()
          .orTimeout(30, TimeUnit.SECONDS)
          .exceptionally(e -> null)
          .join();
    }
    return results;
  }

  /**
   * Runs one case on every participating target: their warm-ups, then the measured runs, one per
   * target in turn. A target that has not run yet, or whose process died, is started first and gets
   * {@link #warmUpFresh} before the case's own warm-up.
   */
  private List<CaseResult> runCase(Scenario scenario, Case c, List<Running> participants) {
    Map<Running, List<Sample>> samples = new LinkedHashMap<>();
    Map<Running, Long> warmupErrors = new HashMap<>();
    Map<Running, String> failures = new HashMap<>();
    for (Running r : participants) {
      samples.put(r, new ArrayList<>());
      Optional<String> notStarted = r.ensureStarted();
      if (notStarted.isPresent()) {
        failures.put(r, notStarted.get());
        continue;
      }
      long errors = 0;
      try {
        if (r.fresh) {
          r.fresh = false;
          errors += warmUpFresh(r);
        }
        for (int i = 0; i < scenario.warmupRuns(config.warmupRuns()); i++) {
          errors += scenario.run(c, r.harness, true).errors();
        }
      } catch (Exception e) {
        failures.put(r, fail(r, scenario, c, e));
      }
      warmupErrors.put(r, errors);
    }
    for (int rep = 0; rep < scenario.reps(); rep++) {
      List<Running> order = rep % 2 == 0 ? participants : participants.reversed();
      for (Running r : order) {
        if (failures.containsKey(r)) {
          continue;
        }
        settle();
        try {
          Sample s = scenario.run(c, r.harness, false);
          samples.get(r).add(s);
          logSample(r.target, scenario, c, s);
        } catch (Exception e) {
          failures.put(r, fail(r, scenario, c, e));
        }
      }
    }
    List<CaseResult> results = new ArrayList<>();
    for (Running r : participants) {
      results.add(
          new CaseResult(
              r.target.name(),
              scenario.name(),
              scenario.unit(),
              c,
              samples.get(r),
              warmupErrors.getOrDefault(r, 0L),
              Optional.ofNullable(failures.get(r))));
    }
    return results;
  }

  /**
   * A just-started target's first warm-up: calls at full load, whatever case comes first (the first
   * is the one-call-at-a-time latency case), so that its JIT compiler sees the busy paths busy
   * before anything is measured.
   */
  private long warmUpFresh(Running r) throws Exception {
    Scenario calls = RpcScenario.throughput(config);
    Case json =
        calls.cases(r.target).stream()
            .filter(c -> c.serializer() == Serializer.JSON)
            .findFirst()
            .orElse(calls.cases(r.target).getFirst());
    long errors = 0;
    for (int i = 0; i < config.freshWarmupRuns(); i++) {
      errors += calls.run(json, r.harness, true).errors();
    }
    return errors;
  }

  /**
   * Waits until the targets are idle (together less than {@link #SETTLED_CPU} of a core over {@link
   * #SETTLE_STEP}), at most {@link #SETTLE_MAX}: JIT compilation or GC left over from one target's
   * run would otherwise take the core from the next target's measured run.
   */
  private void settle() {
    long deadline = System.nanoTime() + SETTLE_MAX.toNanos();
    double before = targetCpuSeconds();
    while (System.nanoTime() < deadline) {
      try {
        Thread.sleep(SETTLE_STEP.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      double now = targetCpuSeconds();
      if (now - before < SETTLED_CPU * SETTLE_STEP.toMillis() / 1000.0) {
        return;
      }
      before = now;
    }
  }

  private double targetCpuSeconds() {
    double sum = 0;
    for (Running r : running) {
      if (r.target.isAlive()) {
        try {
          sum += Proc.cpuSeconds(r.target.pid());
        } catch (RuntimeException e) {
          // Ended between the check and the read: it uses no CPU any more.
        }
      }
    }
    return sum;
  }

  private String fail(Running r, Scenario scenario, Case c, Exception e) {
    String why = e.getClass().getSimpleName() + ": " + e.getMessage();
    log.printf(
        "%s FAILED %s (router log: %s)%n", label(r.target, scenario, c), why, r.target.log());
    return why;
  }

  private void logSample(Target target, Scenario scenario, Case c, Sample s) {
    log.printf(
        Locale.ROOT,
        "%s %12.0f %s/s  p50 %7.1f µs  p99 %8.1f µs  router %5.1f µs/op %4.0f%% cpu"
            + "  loadgen %4.0f%%  errors %d%s%n",
        label(target, scenario, c),
        s.opsPerSecond(),
        scenario.unit(),
        s.p50Us(),
        s.p99Us(),
        s.routerCpuUsPerOp(),
        s.routerCpuPct(),
        s.loadgenCpuPct(),
        s.errors(),
        s.extras().isEmpty() ? "" : "  " + s.extras());
  }

  private static String label(Target target, Scenario scenario, Case c) {
    return String.format(
        Locale.ROOT,
        "%-9s %-12s %-7s %-14s",
        target.name(),
        scenario.name(),
        c.serializerName(),
        c.variant());
  }

  /** One target's process and the load generator's connector and harness for it. */
  private final class Running {

    final Target target;
    private final Vertx vertx;
    private final Context loop;
    private final JvmHeap heap;
    Connector connector;
    Harness harness;

    /** Started since its last case: the next case warms it up longer. */
    boolean fresh;

    Running(Target target, Vertx vertx, Context loop, JvmHeap heap) {
      this.target = target;
      this.vertx = vertx;
      this.loop = loop;
      this.heap = heap;
    }

    /** Starts the process if it is not running; empty when it runs, else why it does not. */
    Optional<String> ensureStarted() {
      if (target.isAlive()) {
        return Optional.empty();
      }
      if (connector != null) {
        close();
        log.printf("%s: the process died; starting it again%n", target.name());
      }
      try {
        target.start();
      } catch (Exception e) {
        log.printf("%s: could not start: %s%n", target.name(), e.getMessage());
        return Optional.of("could not start: " + e.getMessage());
      }
      connector = new Connector(vertx, loop, target);
      harness = new Harness(target, connector, vertx, loop, config, heap, env);
      fresh = true;
      return Optional.empty();
    }

    void close() {
      if (connector != null) {
        connector.close();
        connector = null;
      }
      target.close();
      target.flightRecording().ifPresent(recordings::add);
    }
  }
}
