package io.quarkbar.wamp.client.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A program run as a child process (a router we did not write, or an Autobahn peer), its output
 * kept in a file: started, awaited until it prints a line, and stopped, every wait bounded.
 *
 * <p>Adapted from interop-tests/src/test/java/io/quarkbar/interop/PeerProcess.java: the same start,
 * {@code awaitLine} and stdin-closing {@code close}, plus {@link #finish} (a peer that was told to
 * leave by closing its stdin, and whose exit code is the verdict) and {@link #kill} (a router that
 * does not stop on SIGTERM).
 */
final class ChildProcess implements AutoCloseable {

  private final Process process;
  private final List<String> command;
  private final Path output;

  private ChildProcess(Process process, List<String> command, Path output) {
    this.process = process;
    this.command = command;
    this.output = output;
  }

  /** Starts {@code command} with {@code env} added to this JVM's environment; returns at once. */
  static ChildProcess start(List<String> command, Map<String, String> env, Path output)
      throws IOException {
    Files.createDirectories(output.getParent());
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().putAll(env);
    return new ChildProcess(builder.start(), command, output);
  }

  /** Waits until the program has printed a line that starts with {@code prefix}. */
  ChildProcess awaitLine(String prefix, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (output().lines().anyMatch(l -> l.startsWith(prefix))) {
        return this;
      }
      if (!process.isAlive()) {
        throw new AssertionError(
            String.format(
                "%s exited with %d before printing %s%ncommand: %s%n--- output ---%n%s",
                output.getFileName(),
                process.exitValue(),
                prefix,
                String.join(" ", command),
                output()));
      }
      Thread.sleep(20);
    }
    throw new AssertionError(
        String.format(
            "%s did not print %s within %s%n--- output ---%n%s",
            output.getFileName(), prefix, timeout, output()));
  }

  String output() throws IOException {
    return Files.readString(output, StandardCharsets.UTF_8);
  }

  /**
   * Closes the program's stdin, which tells a peer to finish and leave, and waits for it to exit;
   * fails, with the whole output, unless it exits 0 within {@code timeout}.
   *
   * @return the output
   */
  String finish(Duration timeout) throws IOException, InterruptedException {
    process.getOutputStream().close();
    boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!exited) {
      kill();
    }
    String text = output();
    if (!exited || process.exitValue() != 0) {
      throw new AssertionError(
          String.format(
              "%s %s%ncommand: %s%n--- output ---%n%s",
              output.getFileName(),
              exited ? "exited with " + process.exitValue() : "did not exit within " + timeout,
              String.join(" ", command),
              text));
    }
    return text;
  }

  /** Ends the program at once: for jawampa, whose router hangs on SIGTERM. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** Closes stdin, then SIGTERM, then SIGKILL, waiting a little for each. */
  @Override
  public void close() throws IOException, InterruptedException {
    process.getOutputStream().close();
    if (!process.waitFor(2, TimeUnit.SECONDS)) {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
