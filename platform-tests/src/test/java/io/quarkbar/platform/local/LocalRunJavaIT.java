package io.quarkbar.platform.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quarkbar.testing.processes.AppProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which Java {@code ./quarkbar.sh} runs the platform with, on a machine whose {@code JAVA_HOME} and
 * {@code PATH} name only a Java 17 (with which router-service exits with status 1 and prints
 * nothing): it finds a Java 21 or newer elsewhere, or says plainly what is missing, before it
 * builds or starts anything.
 */
class LocalRunJavaIT {

  private static final Path JVMS = Path.of("/usr/lib/jvm");
  private static final Pattern RELEASE_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"([^\"]+)\"");

  private final Path work = Path.of("target", "local-run-java").toAbsolutePath();
  private Path java17;

  @BeforeEach
  void aJava17() throws IOException {
    LocalRunIT.deleteRecursively(work);
    Files.createDirectories(work);
    // A real one where there is one; otherwise one that answers as Java 17 does.
    java17 = jdks(JVMS).stream().filter(j -> major(j) < 21).findFirst().orElse(null);
    if (java17 == null) {
      java17 = work.resolve("fake-jdk-17");
      Files.createDirectories(java17.resolve("bin"));
      Files.writeString(java17.resolve("release"), "JAVA_VERSION=\"17.0.2\"\n");
      Path java = java17.resolve("bin/java");
      Files.writeString(
          java,
          "#!/bin/sh\n"
              + "echo \"    java.home = "
              + java17
              + "\" >&2\n"
              + "echo '    java.specification.version = 17' >&2\n"
              + "echo 'openjdk version \"17.0.2\"' >&2\n"
              + "exit 1\n");
      Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void withOnlyJava17InJavaHomeAndOnThePathItUsesTheNewestJava21OrNewerUnderUsrLibJvm()
      throws Exception {
    Optional<Path> newest =
        jdks(JVMS).stream()
            .filter(j -> major(j) >= 21)
            .max(Comparator.comparingInt(LocalRunJavaIT::major));
    assumeTrue(newest.isPresent(), "no Java 21 or newer under /usr/lib/jvm on this machine");

    Result r = script(Map.of(), "check");

    assertThat(r.output())
        .contains(
            "quarkbar.sh: Java " + major(newest.get()) + " from " + newest.get(),
            "JAVA_HOME (" + java17 + ") is Java 17: not used");
    assertThat(r.status()).as(r.output()).isZero();
  }

  @Test
  void aDirectoryOfJdksCanBeNamedAndTheNewestThereIsUsed() throws Exception {
    Path jdks = work.resolve("jdks");
    Files.createDirectories(jdks);
    Path running = Path.of(System.getProperty("java.home")).toRealPath();
    Files.createSymbolicLink(jdks.resolve("running"), running);
    Files.createSymbolicLink(jdks.resolve("old"), java17.toRealPath());

    Result r = script(Map.of("QUARKBAR_JDK_DIRS", jdks.toString()), "check");

    assertThat(r.output())
        .contains("quarkbar.sh: Java " + Runtime.version().feature() + " from " + running);
    assertThat(r.status()).as(r.output()).isZero();
  }

  @Test
  void withoutAnyJava21ItSaysPlainlyWhatIsMissingAndStartsNothing() throws Exception {
    Path empty = work.resolve("no-jdks");
    Files.createDirectories(empty);

    Result r = script(Map.of("QUARKBAR_JDK_DIRS", empty.toString()), "run");

    assertThat(r.status()).as(r.output()).isEqualTo(1);
    assertThat(r.output())
        .contains(
            "Quarkbar needs Java 21 or newer (a JDK, to build it), and there is none here.",
            "JAVA_HOME=" + java17 + ": Java 17",
            "no Java in " + empty,
            "java on the PATH (" + java17.resolve("bin/java") + "): Java 17",
            "Install a JDK 21 or newer")
        .doesNotContain("building")
        .doesNotContain("starting router-service");
  }

  /** Runs the script with only {@link #java17} as JAVA_HOME and first on the PATH. */
  private Result script(Map<String, String> extraEnv, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add("./quarkbar.sh");
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(LocalRunIT.ROOT.toFile()).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("QUARKBAR_") || k.equals("JAVA_HOME"));
    env.put("JAVA_HOME", java17.toString());
    env.put("PATH", java17.resolve("bin") + ":/usr/bin:/bin");
    env.put("QUARKBAR_STATE_DIR", work.resolve("state").toString());
    // Ports nothing uses, so that `check` has nothing else to say.
    for (String name : List.of("ROUTER", "AUTH", "FORUM", "WEB", "POSTGRES", "POSTGRES_HEALTH")) {
      env.put("QUARKBAR_" + name + "_PORT", String.valueOf(AppProcess.freePort()));
    }
    env.putAll(extraEnv);
    Process p = builder.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("quarkbar.sh did not end:\n" + output);
    }
    return new Result(p.exitValue(), output);
  }

  private record Result(int status, String output) {}

  /** The Java homes directly under {@code dir}, each once (links resolved). */
  private static List<Path> jdks(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> children = Files.list(dir)) {
      return children
          .filter(p -> Files.isExecutable(p.resolve("bin/java")) && major(p) > 0)
          .map(LocalRunJavaIT::real)
          .distinct()
          .sorted()
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static Path real(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p;
    }
  }

  /** The major version in a Java home's {@code release} file; 0 without one. */
  private static int major(Path home) {
    try {
      Matcher m = RELEASE_VERSION.matcher(Files.readString(home.resolve("release")));
      if (!m.find()) {
        return 0;
      }
      String v = m.group(1).startsWith("1.") ? m.group(1).substring(2) : m.group(1);
      return Integer.parseInt(v.replaceFirst("[^0-9].*$", ""));
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }
}
