package io.quarkbar.bench.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What Linux' {@code /proc} says about a process and the CPUs: CPU time (utime + stime, in clock
 * ticks of {@link #CLK_TCK} per second), resident memory, and per-core busy time, which shows how
 * much other processes used a core during a run.
 */
public final class Proc {

  /** USER_HZ, 100 on every Linux ABI in use; {@code getconf CLK_TCK} says the same. */
  public static final int CLK_TCK = 100;

  private Proc() {}

  /** utime + stime of all threads of {@code pid}, in seconds. */
  public static double cpuSeconds(long pid) {
    double[] t = cpuTimes(pid);
    return t[0] + t[1];
  }

  /** {utime, stime} of all threads of {@code pid}, in seconds: time in user space and kernel. */
  public static double[] cpuTimes(long pid) {
    String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
    // The command name (field 2) may hold spaces; count the fields after its closing parenthesis.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    return new double[] {
      Long.parseLong(f[11]) / (double) CLK_TCK, Long.parseLong(f[12]) / (double) CLK_TCK
    };
  }

  /** VmRSS of {@code pid} in KiB, or -1 when the process is gone. */
  public static long rssKiB(long pid) {
    Path status = Path.of("/proc", Long.toString(pid), "status");
    if (!Files.exists(status)) {
      return -1;
    }
    for (String line : read(status).split("\n")) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  /** Busy seconds (everything but idle and iowait) of each CPU since boot, indexed by CPU. */
  public static double[] coreBusySeconds() {
    List<String> cpus =
        read(Path.of("/proc/stat"))
            .lines()
            .filter(l -> l.startsWith("cpu") && Character.isDigit(l.charAt(3)))
            .toList();
    double[] busy = new double[cpus.size()];
    for (String line : cpus) {
      String[] f = line.trim().split("\\s+");
      int cpu = Integer.parseInt(f[0].substring(3));
      long total = 0;
      // user nice system idle iowait irq softirq steal; guest time is already inside user.
      for (int i = 1; i <= 8 && i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      if (cpu < busy.length) {
        busy[cpu] = (total - idle) / (double) CLK_TCK;
      }
    }
    return busy;
  }

  /** The 1-minute load average. */
  public static double loadAverage() {
    return Double.parseDouble(read(Path.of("/proc/loadavg")).split(" ")[0]);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
