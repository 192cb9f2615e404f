package io.quarkbar.bench.scenario;

import java.util.Map;

/**
 * What one measured run yields. Rates divide by {@code seconds}, the measured window, which leaves
 * out set-up, ramp-up and draining; errors count over the whole run.
 *
 * @param ops operations completed in the window (calls, delivered events, joins)
 * @param seconds length of the window
 * @param frames WebSocket frames the target received and sent in the window
 * @param errors ERROR replies, unexpected messages, lost connections, calls never answered
 * @param p50Us median latency in µs, NaN where the scenario measures none
 * @param p99Us 99th percentile latency in µs
 * @param p999Us 99.9th percentile latency in µs
 * @param routerCpuSeconds the target process' utime + stime in the window
 * @param routerSysSeconds its stime alone: kernel time, mostly socket reads and writes
 * @param loadgenCpuSeconds the load generator's utime + stime in the window
 * @param otherLoadPct CPU that processes other than the target and the load generator took on the
 *     target's cores in the window, in % of one core; NaN when the target is not pinned
 * @param extras scenario-specific figures (lost events, memory)
 */
public record Sample(
    long ops,
    double seconds,
    long frames,
    long errors,
    double p50Us,
    double p99Us,
    double p999Us,
    double routerCpuSeconds,
    double routerSysSeconds,
    double loadgenCpuSeconds,
    double otherLoadPct,
    Map<String, Double> extras) {

  /** CPU use from which a process counts as the bottleneck, in % of one core. */
  public static final double SATURATED_PCT = 90;

  public double opsPerSecond() {
    return ops / seconds;
  }

  public double framesPerSecond() {
    return frames / seconds;
  }

  /** Router CPU per operation in µs. */
  public double routerCpuUsPerOp() {
    return ops == 0 ? Double.NaN : routerCpuSeconds * 1e6 / ops;
  }

  /**
   * Frames per second of the target's CPU time: what it would move with a whole core to itself.
   * Unlike {@link #framesPerSecond()} it does not depend on whether the load generator (one core,
   * like the target) kept up, which it cannot always do against the raw relay.
   */
  public double framesPerRouterCpuSecond() {
    return routerCpuSeconds == 0 ? Double.NaN : frames / routerCpuSeconds;
  }

  /** Operations per second of the target's CPU time. */
  public double opsPerRouterCpuSecond() {
    return routerCpuSeconds == 0 ? Double.NaN : ops / routerCpuSeconds;
  }

  /**
   * Which side used 90% of its core or more: {@code target}, {@code loadgen}, {@code both}, or
   * {@code neither} (bound by latency, not CPU).
   */
  public String saturated() {
    boolean router = routerCpuPct() >= SATURATED_PCT;
    boolean loadgen = loadgenCpuPct() >= SATURATED_PCT;
    return router && loadgen ? "both" : router ? "target" : loadgen ? "loadgen" : "neither";
  }

  /** The kernel's share of the router's CPU time, in %. */
  public double routerSysPct() {
    return routerCpuSeconds == 0 ? Double.NaN : routerSysSeconds * 100 / routerCpuSeconds;
  }

  /** Router CPU in % of one core. */
  public double routerCpuPct() {
    return routerCpuSeconds * 100 / seconds;
  }

  public double loadgenCpuPct() {
    return loadgenCpuSeconds * 100 / seconds;
  }
}
