package io.quarkbar.bench.inprocess;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Compares the WAMP work per call ({@link WampWorkProbe}) of two builds of the protocol and router
 * libraries in one JVM, runs of the two taking turns. On a shared machine whose speed changes from
 * one second to the next, two benchmark runs one after the other differ by more than most changes
 * do; interleaved in one process, both builds see the same machine.
 *
 * <p>Each build gets a class loader of its own with its {@code wamp/protocol} and {@code
 * wamp/router} classes (from {@code target/classes}, so build them first: {@code ./mvnw -q compile
 * -pl wamp/protocol,wamp/router}) and this probe; the third-party libraries are shared.
 *
 * <pre>
 * java -cp 'bench/loadgen/target/bench-loadgen.jar:bench/loadgen/target/deps/*' \
 *   io.quarkbar.bench.inprocess.CompareBuilds OLD_CHECKOUT NEW_CHECKOUT [json|msgpack|cbor] [RUNS]
 * </pre>
 *
 * It prints each run and, per build, the fastest and the median run in µs per call.
 */
public final class CompareBuilds {

  private static final int CALLS = 100_000;
  private static final int ROUNDS = 3;

  private CompareBuilds() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println(
          "usage: CompareBuilds OLD_CHECKOUT NEW_CHECKOUT [json|msgpack|cbor] [RUNS]");
      System.exit(2);
    }
    String serializer = args.length > 2 ? args[2].toUpperCase() : "JSON";
    int runs = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    compare(List.of(Path.of(args[0]), Path.of(args[1])), serializer, runs, System.out);
  }

  static void compare(List<Path> checkouts, String serializer, int runs, PrintStream out)
      throws Exception {
    URL probe = WampWorkProbe.class.getProtectionDomain().getCodeSource().getLocation();
    ClassLoader shared =
        new URLClassLoader(thirdParty(probe), ClassLoader.getPlatformClassLoader());
    int n = checkouts.size();
    Method[] measure = new Method[n];
    Object[] serializers = new Object[n];
    for (int i = 0; i < n; i++) {
      Path root = checkouts.get(i).toAbsolutePath();
      URL[] own = {
        probe, classes(root, "wamp/router"), classes(root, "wamp/protocol"),
      };
      ClassLoader loader = new URLClassLoader(own, shared);
      Class<?> serializerClass =
          loader.loadClass("io.quarkbar.wamp.protocol.serialization.Serializer");
      serializers[i] = serializerClass.getMethod("valueOf", String.class).invoke(null, serializer);
      measure[i] =
          loader
              .loadClass(WampWorkProbe.class.getName())
              .getMethod("nanosPerCall", serializerClass, int.class, int.class);
    }
    double[][] nanos = new double[n][runs];
    for (int run = 0; run < runs; run++) {
      StringBuilder line = new StringBuilder(serializer + " run " + (run + 1) + ":");
      for (int k = 0; k < n; k++) {
        // Alternating order, so that neither build always runs right after the other.
        int i = (run % 2 == 0) ? k : n - 1 - k;
        nanos[i][run] = (double) measure[i].invoke(null, serializers[i], CALLS, ROUNDS);
      }
      for (int i = 0; i < n; i++) {
        line.append(String.format("  %s %.2f µs", checkouts.get(i), nanos[i][run] / 1000));
      }
      out.println(line);
    }
    for (int i = 0; i < n; i++) {
      double[] sorted = nanos[i].clone();
      Arrays.sort(sorted);
      out.printf(
          "%s %s: fastest %.2f µs, median %.2f µs per call%n",
          serializer, checkouts.get(i), sorted[0] / 1000, sorted[runs / 2] / 1000);
    }
  }

  private static URL classes(Path root, String module) throws IOException {
    Path dir = root.resolve(module).resolve("target/classes");
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(dir + " does not exist: compile " + module + " first");
    }
    return dir.toUri().toURL();
  }

  /**
   * This JVM's class path (the launcher has expanded {@code deps/*} into its jars) without our own
   * libraries, which each build brings, and without this module ({@code probe}).
   */
  private static URL[] thirdParty(URL probe) throws IOException {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.isEmpty()) {
        continue;
      }
      Path path = Path.of(entry).toAbsolutePath();
      URL url = path.toUri().toURL();
      if (!path.getFileName().toString().startsWith("wamp-") && !url.equals(probe)) {
        urls.add(url);
      }
    }
    return urls.toArray(URL[]::new);
  }
}
