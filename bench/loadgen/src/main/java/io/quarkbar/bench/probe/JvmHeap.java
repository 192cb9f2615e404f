package io.quarkbar.bench.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Live heap of another HotSpot JVM: {@code jcmd PID GC.run} (a full collection), then the sum of
 * the {@code used} figures of {@code jcmd PID GC.heap_info}'s generation lines (Serial on JDK 25:
 * "DefNew" and "Tenured"; G1: "garbage-first heap"). Metaspace is not heap and is left out.
 */
public final class JvmHeap {

  /**
   * A generation's or a whole heap's line: "total NK, used NK". Their spaces (eden, from, to) say
   * "N% used" instead, and Metaspace has no "total".
   */
  private static final Pattern GENERATION = Pattern.compile("total \\d+K, used (\\d+)K");

  private final String jcmd;

  public JvmHeap(String jcmd) {
    this.jcmd = jcmd;
  }

  /** Heap in use right after a full GC, in KiB; empty when jcmd fails. */
  public OptionalLong liveKiB(long pid) {
    try {
      if (run(pid, "GC.run") == null) {
        return OptionalLong.empty();
      }
      String info = run(pid, "GC.heap_info");
      return info == null ? OptionalLong.empty() : parseUsedKiB(info);
    } catch (IOException e) {
      return OptionalLong.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalLong.empty();
    }
  }

  static OptionalLong parseUsedKiB(String heapInfo) {
    long used = 0;
    boolean found = false;
    for (String line : heapInfo.split("\n")) {
      Matcher m = GENERATION.matcher(line);
      if (m.find()) {
        used += Long.parseLong(m.group(1));
        found = true;
      }
    }
    return found ? OptionalLong.of(used) : OptionalLong.empty();
  }

  private String run(long pid, String command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("jcmd", ".txt");
    try {
      Process p =
          new ProcessBuilder(List.of(jcmd, Long.toString(pid), command))
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      return p.exitValue() == 0 ? Files.readString(out, StandardCharsets.UTF_8) : null;
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
