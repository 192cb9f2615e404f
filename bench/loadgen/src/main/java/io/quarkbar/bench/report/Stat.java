package io.quarkbar.bench.report;

import io.quarkbar.bench.scenario.Sample;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Median and range of one figure over a case's runs; NaN when no run has it. */
public record Stat(double median, double min, double max) {

  public static Stat of(List<Sample> samples, ToDoubleFunction<Sample> figure) {
    double[] v = samples.stream().mapToDouble(figure).filter(d -> !Double.isNaN(d)).toArray();
    if (v.length == 0) {
      return new Stat(Double.NaN, Double.NaN, Double.NaN);
    }
    Arrays.sort(v);
    double median =
        v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    return new Stat(median, v[0], v[v.length - 1]);
  }

  /** Half the range, in % of the median: the "±" of the results. */
  public double spreadPct() {
    return median == 0 || Double.isNaN(median) ? Double.NaN : (max - min) / 2 / median * 100;
  }
}
