package io.quarkbar.interop;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A peer program run as a child process with an environment of the test's choosing (the
 * credentials), its output kept in a file. {@link #run} waits for a program that prints PASS/FAIL
 * lines and exits; {@link #start} leaves a serving one (auth_provider.py) running until {@link
 * #close}.
 */
final class PeerProcess implements AutoCloseable {

  /** The programs stop themselves after 20 s; this only catches one that hangs on start-up. */
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final List<String> command;
  private final Path output;

  private PeerProcess(Process process, List<String> command, Path output) {
    this.process = process;
    this.command = command;
    this.output = output;
  }

  /**
   * Runs {@code command} to its end and fails the test, with the whole output, unless it exits 0.
   *
   * @param env added to this JVM's environment
   * @param unset removed from it (e.g. NODE_EXTRA_CA_CERTS, for a client that must not trust)
   * @return the output
   */
  static String run(
      List<String> command, Map<String, String> env, Collection<String> unset, Path output)
      throws IOException, InterruptedException {
    PeerProcess peer = start(command, env, unset, output);
    boolean finished = peer.process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (!finished) {
      peer.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    int exitCode = finished ? peer.process.exitValue() : -1;
    String text = peer.output();
    if (exitCode != 0) {
      fail(
          "%s %s\ncommand: %s\n--- output ---\n%s",
          output.getFileName(),
          finished ? "exited with " + exitCode : "hung for " + TIMEOUT,
          String.join(" ", command),
          text);
    }
    return text;
  }

  /** Starts {@code command} and returns at once; its stdin stays open until {@link #close}. */
  static PeerProcess start(
      List<String> command, Map<String, String> env, Collection<String> unset, Path output)
      throws IOException {
    Files.createDirectories(output.getParent());
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().keySet().removeAll(unset);
    builder.environment().putAll(env);
    return new PeerProcess(builder.start(), command, output);
  }

  /** Waits until the program has printed {@code line} on a line of its own. */
  void awaitLine(String line, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (output().lines().anyMatch(line::equals)) {
        return;
      }
      if (!process.isAlive()) {
        fail(
            "%s exited with %d before printing %s\ncommand: %s\n--- output ---\n%s",
            output.getFileName(), process.exitValue(), line, String.join(" ", command), output());
      }
      Thread.sleep(50);
    }
    fail(
        "%s did not print %s within %s\n--- output ---\n%s",
        output.getFileName(), line, timeout, output());
  }

  String output() throws IOException {
    return Files.readString(output, StandardCharsets.UTF_8);
  }

  /** Closes the program's stdin, which tells it to leave, and ends it if it does not. */
  @Override
  public void close() throws IOException, InterruptedException {
    process.getOutputStream().close();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }
}
