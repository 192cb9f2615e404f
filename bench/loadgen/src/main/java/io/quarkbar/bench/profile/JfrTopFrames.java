package io.quarkbar.bench.profile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * What {@code jfr print --events jdk.ExecutionSample} shows, summarized: the methods most often on
 * top of the stack (self time) and most often anywhere on it (total time), in % of all samples.
 * Threads in native code (socket reads and writes, the selector) are not execution samples; their
 * {@code jdk.NativeMethodSample} events are summarized apart. Usage: {@code JfrTopFrames
 * RECORDING.jfr [TOP]}.
 */
public final class JfrTopFrames {

  private JfrTopFrames() {}

  public static void main(String[] args) throws IOException {
    int top = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    System.out.print(summarize(Path.of(args[0]), top));
  }

  public static String summarize(Path recording, int top) throws IOException {
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> total = new HashMap<>();
    Map<String, Integer> threads = new HashMap<>();
    Map<String, Integer> nativeTop = new HashMap<>();
    int samples = 0;
    int nativeSamples = 0;
    try (RecordingFile file = new RecordingFile(recording)) {
      while (file.hasMoreEvents()) {
        RecordedEvent e = file.readEvent();
        String type = e.getEventType().getName();
        if (type.equals("jdk.NativeMethodSample")
            && e.getStackTrace() != null
            && !e.getStackTrace().getFrames().isEmpty()) {
          String frame = name(e.getStackTrace().getFrames().get(0));
          // A thread waiting in the selector is idle, not busy in native code.
          if (!frame.endsWith("EPoll.wait")) {
            nativeSamples++;
            nativeTop.merge(frame, 1, Integer::sum);
          }
          continue;
        }
        if (!type.equals("jdk.ExecutionSample")) {
          continue;
        }
        RecordedStackTrace stack = e.getStackTrace();
        if (stack == null || stack.getFrames().isEmpty()) {
          continue;
        }
        samples++;
        List<RecordedFrame> frames = stack.getFrames();
        self.merge(name(frames.get(0)), 1, Integer::sum);
        Set<String> seen = new HashSet<>();
        for (RecordedFrame f : frames) {
          String n = name(f);
          if (seen.add(n)) {
            total.merge(n, 1, Integer::sum);
          }
        }
        String thread =
            e.getThread("sampledThread") == null
                ? "?"
                : e.getThread("sampledThread").getJavaName().replaceAll("[0-9]+", "N");
        threads.merge(thread, 1, Integer::sum);
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%d execution samples in %s%n", samples, recording));
    table(out, "threads", threads, samples, top);
    table(out, "self (top frame)", self, samples, top);
    table(out, "total (anywhere on the stack)", total, samples, top);
    out.append(
        String.format(
            Locale.ROOT,
            "%n%d native-method samples outside the selector wait (jdk.NativeMethodSample)%n",
            nativeSamples));
    table(out, "native top frame", nativeTop, nativeSamples, top);
    return out.toString();
  }

  private static void table(
      StringBuilder out, String title, Map<String, Integer> counts, int samples, int top) {
    out.append(String.format(Locale.ROOT, "%n%s%n", title));
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(top)
        .forEach(
            e ->
                out.append(
                    String.format(
                        Locale.ROOT,
                        "%6.2f%%  %s%n",
                        e.getValue() * 100.0 / Math.max(1, samples),
                        e.getKey())));
  }

  private static String name(RecordedFrame f) {
    RecordedMethod m = f.getMethod();
    return m == null ? "?" : m.getType().getName() + "." + m.getName();
  }
}
