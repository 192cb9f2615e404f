package io.quarkbar.bench.report;

import io.quarkbar.bench.probe.Proc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The machine a suite ran on, as both result files record it. */
public final class Machine {

  private Machine() {}

  public static Map<String, Object> describe(Path javaHome) {
    Map<String, Object> m = new LinkedHashMap<>();
    String cpuinfo = read(Path.of("/proc/cpuinfo"));
    m.put("nproc", cpuinfo.lines().filter(l -> l.startsWith("processor")).count());
    m.put(
        "cpuModel",
        cpuinfo
            .lines()
            .filter(l -> l.startsWith("model name"))
            .findFirst()
            .map(l -> l.substring(l.indexOf(':') + 1).trim())
            .orElse("unknown"));
    m.put(
        "memTotalGiB",
        read(Path.of("/proc/meminfo"))
            .lines()
            .filter(l -> l.startsWith("MemTotal:"))
            .findFirst()
            .map(l -> Math.round(Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0))
            .orElse(0L));
    m.put("kernel", read(Path.of("/proc/sys/kernel/osrelease")).trim());
    m.put(
        "jdk",
        System.getProperty("java.vm.vendor")
            + " "
            + System.getProperty("java.runtime.version")
            + " ("
            + javaHome
            + ")");
    m.put("node", command(List.of("node", "--version")));
    m.put("loadAverageAtStart", Proc.loadAverage());
    return m;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "";
    }
  }

  private static String command(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "unknown";
      }
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return "not installed";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }
}
