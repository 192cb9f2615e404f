package io.quarkbar.bench;

import java.time.Duration;
import java.util.List;

/**
 * Sizes and durations of a suite run: {@link #full()} for measurements, {@link #quickRun()} for the
 * smoke test, which checks that every scenario yields results without errors and asserts no speed.
 *
 * @param quick whether this is the smoke-test variant
 * @param reps measured runs per case (median and spread are over these)
 * @param warmup length of an unmeasured warm-up run
 * @param warmupRuns warm-up runs before each case's measured ones
 * @param freshWarmupRuns runs of {@code rpc} at full load a target gets when it (re)starts: a fresh
 *     JVM's JIT compiler shares the target's one core with the work
 * @param ramp load before each measured window starts, so it measures steady state
 * @param drain longest wait for answers in flight after the window
 * @param rpc measured window of {@code rpc}
 * @param rpcCallers caller sessions of {@code rpc}, each with its own callee
 * @param rpcWindow calls each caller keeps in flight (at most, in {@code rpc-paced})
 * @param pacedRate calls per second of {@code rpc-paced}, below what every target sustains
 * @param latency measured window of {@code rpc-latency}
 * @param fanout measured window of {@code fanout}
 * @param fanoutSizes subscriber counts of {@code fanout}
 * @param fanoutWindow events per subscriber the publisher lets be in flight
 * @param slow measured window of {@code fanout-slow}
 * @param slowHealthy healthy subscribers beside the one that stops reading
 * @param slowPayloadBytes event payload of {@code fanout-slow}, large so that a router that queues
 *     for the slow subscriber shows it in memory within the window
 * @param sessionCounts idle sessions opened by {@code sessions}
 * @param joinConcurrency handshakes in flight at once while opening sessions
 * @param slowCutWait how long {@code fanout-slow} reads again from the slow subscriber to see
 *     whether the router cut it
 */
public record SuiteConfig(
    boolean quick,
    int reps,
    Duration warmup,
    int warmupRuns,
    int freshWarmupRuns,
    Duration ramp,
    Duration drain,
    Duration rpc,
    int rpcCallers,
    int rpcWindow,
    int pacedRate,
    Duration latency,
    Duration fanout,
    List<Integer> fanoutSizes,
    int fanoutWindow,
    Duration slow,
    int slowHealthy,
    int slowPayloadBytes,
    List<Integer> sessionCounts,
    int joinConcurrency,
    Duration slowCutWait) {

  /** The whole suite in about ten minutes on two cores. */
  public static SuiteConfig full() {
    return new SuiteConfig(
        false,
        3,
        Duration.ofSeconds(1),
        1,
        4,
        Duration.ofMillis(500),
        Duration.ofSeconds(10),
        Duration.ofSeconds(1),
        8,
        16,
        10_000,
        Duration.ofSeconds(1),
        Duration.ofSeconds(1),
        List.of(10, 100, 1000),
        32,
        Duration.ofSeconds(5),
        100,
        4096,
        List.of(10_000),
        128,
        Duration.ofSeconds(3));
  }

  /** Every scenario, tiny, no warm-up: about a second per case. */
  public static SuiteConfig quickRun() {
    return new SuiteConfig(
        true,
        1,
        Duration.ofMillis(300),
        0,
        0,
        Duration.ofMillis(100),
        Duration.ofSeconds(10),
        Duration.ofMillis(500),
        4,
        8,
        2_000,
        Duration.ofMillis(500),
        Duration.ofMillis(500),
        List.of(10, 100),
        32,
        Duration.ofSeconds(1),
        20,
        1024,
        List.of(200),
        64,
        Duration.ofMillis(500));
  }

  /** The subscriber count at which other serializers than JSON are measured too. */
  public int fanoutMidSize() {
    return fanoutSizes.get(fanoutSizes.size() / 2);
  }

  /** This configuration with {@code reps} measured runs per case. */
  public SuiteConfig withReps(int reps) {
    return new SuiteConfig(
        quick,
        reps,
        warmup,
        warmupRuns,
        freshWarmupRuns,
        ramp,
        drain,
        rpc,
        rpcCallers,
        rpcWindow,
        pacedRate,
        latency,
        fanout,
        fanoutSizes,
        fanoutWindow,
        slow,
        slowHealthy,
        slowPayloadBytes,
        sessionCounts,
        joinConcurrency,
        slowCutWait);
  }
}
