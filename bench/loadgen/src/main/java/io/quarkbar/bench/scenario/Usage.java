package io.quarkbar.bench.scenario;

/**
 * CPU used during a measured window.
 *
 * @param seconds wall-clock length of the window
 * @param routerCpuSeconds the target's utime + stime
 * @param routerSysSeconds the target's stime alone: time in the kernel, mostly socket I/O
 * @param loadgenCpuSeconds the load generator's utime + stime
 * @param otherLoadPct what other processes took on the target's cores, % of one core (NaN: the
 *     target runs unpinned, so no core is its own)
 */
public record Usage(
    double seconds,
    double routerCpuSeconds,
    double routerSysSeconds,
    double loadgenCpuSeconds,
    double otherLoadPct) {}
