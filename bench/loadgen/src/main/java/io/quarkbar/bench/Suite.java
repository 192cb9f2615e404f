package io.quarkbar.bench;

import io.quarkbar.bench.client.Connector;
import io.quarkbar.bench.probe.JvmHeap;
import io.quarkbar.bench.scenario.Case;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs scenarios against targets: each target is started once and runs every scenario, each case
 * gets an unmeasured warm-up run and then its measured runs.
 */
public final class Suite {

  private final SuiteConfig config;
  private final TargetEnv env;
  private final List<String> targets;
  private final Set<String> scenarioFilter;
  private final Set<Serializer> serializerFilter;
  private final PrintStream log;
  private final List<Path> recordings = new ArrayList<>();

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
        RpcScenario.paced(config),
        FanoutScenario.healthy(config),
        FanoutScenario.withSlowSubscriber(config),
        new SessionsScenario(config));
  }

  /** JFR recordings made (with {@link TargetEnv#profile()}), one per target start. */
  public List<Path> recordings() {
    return recordings;
  }

  public List<CaseResult> run() {
    List<CaseResult> results = new ArrayList<>();
    // One event loop: the load generator is pinned to one core, and one thread lets every peer
    // share counters without locks.
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
        Target target = Targets.create(name, env);
        Map<Scenario, List<Case>> plan = new LinkedHashMap<>();
        for (Scenario scenario : scenarios(config)) {
          if (scenarioFilter.isEmpty() || scenarioFilter.contains(scenario.name())) {
            List<Case> cases =
                scenario.cases(target).stream()
                    .filter(
                        c ->
                            serializerFilter.isEmpty() || serializerFilter.contains(c.serializer()))
                    .toList();
            if (!cases.isEmpty()) {
              plan.put(scenario, cases);
            }
          }
        }
        if (!plan.isEmpty()) {
          results.addAll(runTarget(vertx, loop, heap, target, plan));
        }
      }
    } finally {
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
   * Runs every planned case on one process of the target, so that each scenario finds it warm. A
   * process that died is started again, and the case that follows gets the longer warm-up a fresh
   * JVM needs: its JIT compiler shares the one core with the work.
   */
  private List<CaseResult> runTarget(
      Vertx vertx, Context loop, JvmHeap heap, Target target, Map<Scenario, List<Case>> plan) {
    List<CaseResult> results = new ArrayList<>();
    Connector connector = null;
    Harness harness = null;
    boolean fresh = false;
    try {
      for (Map.Entry<Scenario, List<Case>> entry : plan.entrySet()) {
        Scenario scenario = entry.getKey();
        for (Case c : entry.getValue()) {
          if (!target.isAlive()) {
            if (connector != null) {
              connector.close();
              target.close();
              target.flightRecording().ifPresent(recordings::add);
              log.printf("%s: the process died; starting it again%n", target.name());
            }
            try {
              target.start();
            } catch (Exception e) {
              log.printf("%s: could not start: %s%n", target.name(), e.getMessage());
              results.add(failed(target, scenario, c, "could not start: " + e.getMessage()));
              connector = null;
              continue;
            }
            connector = new Connector(vertx, loop, target);
            harness = new Harness(target, connector, vertx, loop, config, heap);
            fresh = true;
          }
          results.add(
              runCase(
                  harness,
                  target,
                  scenario,
                  c,
                  fresh ? config.freshWarmupRuns() : config.warmupRuns()));
          fresh = false;
        }
      }
    } finally {
      if (connector != null) {
        connector.close();
      }
      target.close();
      target.flightRecording().ifPresent(recordings::add);
    }
    return results;
  }

  private CaseResult runCase(
      Harness harness, Target target, Scenario scenario, Case c, int warmupRuns) {
    String label =
        String.format(
            Locale.ROOT,
            "%-9s %-12s %-7s %-14s",
            target.name(),
            scenario.name(),
            c.serializerName(),
            c.variant());
    long warmupErrors = 0;
    List<Sample> samples = new ArrayList<>();
    try {
      for (int i = 0; i < warmupRuns; i++) {
        warmupErrors += scenario.run(c, harness, true).errors();
      }
      for (int rep = 0; rep < scenario.reps(); rep++) {
        Sample s = scenario.run(c, harness, false);
        samples.add(s);
        log.printf(
            Locale.ROOT,
            "%s %12.0f %s/s  p50 %7.1f µs  p99 %8.1f µs  router %5.1f µs/op %4.0f%% cpu"
                + "  loadgen %4.0f%%  errors %d%s%n",
            label,
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
      return new CaseResult(
          target.name(),
          scenario.name(),
          scenario.unit(),
          c,
          samples,
          warmupErrors,
          Optional.empty());
    } catch (Exception e) {
      String why = e.getClass().getSimpleName() + ": " + e.getMessage();
      log.printf("%s FAILED %s (router log: %s)%n", label, why, target.log());
      return new CaseResult(
          target.name(),
          scenario.name(),
          scenario.unit(),
          c,
          samples,
          warmupErrors,
          Optional.of(why));
    }
  }

  private static CaseResult failed(Target target, Scenario scenario, Case c, String why) {
    return new CaseResult(
        target.name(), scenario.name(), scenario.unit(), c, List.of(), 0, Optional.of(why));
  }
}
