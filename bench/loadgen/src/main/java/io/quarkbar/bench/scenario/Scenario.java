package io.quarkbar.bench.scenario;

import io.quarkbar.bench.targets.Target;
import java.nio.file.Path;
import java.util.List;

/**
 * One kind of load, measured on any {@link Target}. The suite asks it for the cases that apply to a
 * target (serializers, sizes), runs each once unmeasured to warm both JVMs, then {@link #reps}
 * times, and reports median and spread. A scenario through the platform's services later is one
 * more implementation: it joins peers through {@link Harness#connector()} like these do.
 */
public interface Scenario {

  /** Short name, e.g. {@code rpc}; one table in the results. */
  String name();

  /** What one operation is, plural, e.g. {@code calls}. */
  String unit();

  /** One sentence for the results: what runs and what counts as an error. */
  String description();

  /** The cases to measure on {@code target}; empty when the scenario does not apply to it. */
  List<Case> cases(Target target);

  /** Whether the scenario applies to the target of this name at all. */
  default boolean runsOn(String target) {
    return true;
  }

  /** How many measured runs each case gets. */
  int reps();

  /**
   * How many unmeasured warm-up runs each case gets, given the suite's {@code configured} count.
   */
  default int warmupRuns(int configured) {
    return configured;
  }

  /**
   * Runs {@code c} once against the started target and measures it. A warm-up run may be shorter or
   * smaller; its sample is thrown away.
   */
  Sample run(Case c, Harness harness, boolean warmup) throws Exception;

  /**
   * Stops whatever the scenario started of its own (processes): after its cases, and again at the
   * end of the suite, so it must be idempotent.
   */
  default void close() {}

  /** JFR recordings of processes the scenario started, to summarize after the suite. */
  default List<Path> recordings() {
    return List.of();
  }
}
