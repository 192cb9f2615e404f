package io.quarkbar.bench.scenario;

import io.quarkbar.bench.probe.Readiness;
import io.quarkbar.bench.targets.TargetEnv;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The callee of {@code rpc-extension}: bench/extension-callee, a Quarkus application whose
 * procedures are served by the WAMP client extension, in a JVM of its own joined to the router
 * under test. It runs on the load generator's core(s) ({@code taskset} with the load generator's
 * own CPU list, when the load generator is pinned): the load generator's pre-encoded callee, which
 * it is compared with, runs there too, inside the load generator, and the router keeps its core to
 * itself. It is ready once its {@code /q/health/ready} is UP, which the extension reports once both
 * procedures are registered.
 */
final class ExtensionCallee implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  private final Process process;
  private final Path log;
  private final Path recording;
  private final long routerPid;
  private final Serializer serializer;

  private ExtensionCallee(
      Process process, Path log, Path recording, long routerPid, Serializer serializer) {
    this.process = process;
    this.log = log;
    this.recording = recording;
    this.routerPid = routerPid;
    this.serializer = serializer;
  }

  /**
   * A copy of bench/extension-callee/target/quarkus-app in the work directory: the checkout's build
   * may change under a running JVM, as router-service's may (see QuarkbarTarget).
   */
  static Path copyBuild(TargetEnv env) throws IOException {
    Path source = env.benchDir().resolve("extension-callee/target/quarkus-app");
    if (!Files.isRegularFile(source.resolve("quarkus-run.jar"))) {
      throw new IllegalStateException(
          source
              + " holds no quarkus-run.jar: package bench/extension-callee first (bench/run.sh"
              + " does)");
    }
    Path target = env.workDir().resolve("extension-callee-app");
    if (Files.exists(target)) {
      try (Stream<Path> files = Files.walk(target)) {
        for (Path p : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
          Files.delete(p);
        }
      }
    }
    try (Stream<Path> files = Files.walk(source)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path to = target.resolve(source.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return target;
  }

  /**
   * Starts the callee from {@code app} (a {@link #copyBuild}), joined to the router at {@code
   * router} (process {@code routerPid}) with {@code serializer}, and waits until it is ready.
   */
  static ExtensionCallee start(
      TargetEnv env, Path app, URI router, long routerPid, Serializer serializer, int n)
      throws Exception {
    int httpPort = freePort();
    String ser = serializer.name().toLowerCase(Locale.ROOT);
    Files.createDirectories(env.workDir().resolve("logs"));
    Path log = env.workDir().resolve("logs").resolve("extension-callee-" + n + "-" + ser + ".log");
    Path recording =
        env.profile() ? env.workDir().resolve("extension-callee-" + n + "-" + ser + ".jfr") : null;
    List<String> cmd = new ArrayList<>();
    loadgenCpus().ifPresent(cpus -> cmd.addAll(List.of("taskset", "-c", cpus)));
    cmd.add(env.java());
    cmd.addAll(env.jvmOptions());
    if (recording != null) {
      cmd.add("-XX:StartFlightRecording=settings=profile,filename=" + recording);
    }
    cmd.add("-Dquarkus.http.host=127.0.0.1");
    cmd.add("-Dquarkus.http.port=" + httpPort);
    cmd.add("-Dquarkbar.wamp.url=" + router);
    cmd.add("-Dquarkbar.wamp.realm=realm1");
    cmd.add("-Dquarkbar.wamp.serializer=" + ser);
    cmd.add("-jar");
    cmd.add(app.resolve("quarkus-run.jar").toString());
    Files.writeString(log, String.join(" ", cmd) + "\n", StandardCharsets.UTF_8);
    Process process =
        new ProcessBuilder(cmd)
            .directory(env.workDir().toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    ExtensionCallee callee = new ExtensionCallee(process, log, recording, routerPid, serializer);
    try {
      callee.awaitReady(httpPort);
    } catch (Exception | Error e) {
      callee.close();
      throw e;
    }
    return callee;
  }

  /**
   * The load generator's own CPU list when it is pinned to fewer CPUs than the machine has (run.sh
   * pins it to core 1), else empty: then the callee is not pinned either.
   */
  static Optional<String> loadgenCpus() {
    try {
      long cpus =
          Files.readString(Path.of("/proc/cpuinfo"))
              .lines()
              .filter(l -> l.startsWith("processor"))
              .count();
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Cpus_allowed_list:")) {
          String list = line.substring(line.indexOf(':') + 1).trim();
          long allowed = 0;
          for (String range : list.split(",")) {
            String[] ends = range.split("-");
            int from = Integer.parseInt(ends[0].trim());
            int to = ends.length > 1 ? Integer.parseInt(ends[1].trim()) : from;
            allowed += to - from + 1;
          }
          return allowed < cpus ? Optional.of(list) : Optional.empty();
        }
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private void awaitReady(int httpPort) throws Exception {
    Readiness.await(
        process, httpPort, body -> true, READY_TIMEOUT, "the extension callee", log.toString());
  }

  /** Whether it runs, joined to the router of process {@code pid} with {@code s}. */
  boolean serves(long pid, Serializer s) {
    return process.isAlive() && routerPid == pid && serializer == s;
  }

  long pid() {
    // With taskset in front, taskset execs the JVM: the PID is the callee's.
    return process.pid();
  }

  Path log() {
    return log;
  }

  Optional<Path> recording() {
    return Optional.ofNullable(recording);
  }

  /** SIGTERM (the extension says GOODBYE), SIGKILL if it has not ended within 20 seconds. */
  @Override
  public void close() {
    try {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
