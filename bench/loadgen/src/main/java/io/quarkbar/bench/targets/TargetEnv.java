package io.quarkbar.bench.targets;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the targets come from and how they run.
 *
 * @param repoRoot the Quarkbar checkout: router-service/ and bench/ are found below it
 * @param workDir scratch space for copied builds, logs and recordings
 * @param javaHome JDK that runs the JVM targets (and has {@code jcmd})
 * @param loadgenClasspath classpath holding {@code RawRelayMain}
 * @param routerCpus CPU list for {@code taskset -c} of every target, or empty to leave them
 *     unpinned
 * @param jvmOptions options for every JVM target (heap, GC)
 * @param eventLoops event loops of the Vert.x targets (quarkbar, raw relay), or empty for their own
 *     default: one per CPU they may run on
 * @param profile whether to record quarkbar with JFR
 */
public record TargetEnv(
    Path repoRoot,
    Path workDir,
    Path javaHome,
    String loadgenClasspath,
    Optional<String> routerCpus,
    List<String> jvmOptions,
    Optional<Integer> eventLoops,
    boolean profile) {

  /** Same GC and heap for every JVM router, so that heap per session compares like with like. */
  public static final List<String> DEFAULT_JVM_OPTIONS =
      List.of("-XX:+UseSerialGC", "-Xms256m", "-Xmx2g");

  public Path benchDir() {
    return repoRoot.resolve("bench");
  }

  public String java() {
    return javaHome.resolve("bin").resolve("java").toString();
  }

  public String jcmd() {
    return javaHome.resolve("bin").resolve("jcmd").toString();
  }
}
