package io.quarkbar.bench;

import io.quarkbar.bench.scenario.Case;
import io.quarkbar.bench.scenario.Sample;
import java.util.List;
import java.util.Optional;

/**
 * All runs of one case on one target.
 *
 * @param target the target's name
 * @param scenario the scenario's name
 * @param unit what one operation is, plural
 * @param c the case
 * @param samples the measured runs
 * @param warmupErrors errors of the unmeasured warm-up run
 * @param failure why the case could not be measured, if it could not
 */
public record CaseResult(
    String target,
    String scenario,
    String unit,
    Case c,
    List<Sample> samples,
    long warmupErrors,
    Optional<String> failure) {

  /** Errors over all measured runs, plus one for a failure. */
  public long errors() {
    return samples.stream().mapToLong(Sample::errors).sum() + (failure.isPresent() ? 1 : 0);
  }

  /** Sum of an extra over all runs (e.g. lost events). */
  public double extraSum(String key) {
    return samples.stream().mapToDouble(s -> s.extras().getOrDefault(key, 0.0)).sum();
  }
}
