package io.quarkbar.bench.targets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A target that is a child process listening on a free loopback port, pinned with {@code taskset}
 * when the environment says so. It is ready once its log shows {@link #readyLine} and the port
 * accepts connections, or once {@link #isReady()} says so.
 */
abstract class ProcessTarget implements Target {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  protected final TargetEnv env;
  private final String name;
  private Process process;
  private int port;
  private Path log;
  private int starts;

  ProcessTarget(TargetEnv env, String name) {
    this.env = env;
    this.name = name;
  }

  /** The command line for a process listening on {@code port}. */
  protected abstract List<String> command(int port) throws IOException;

  /** A line the process logs once it listens; null to rely on {@link #isReady()} alone. */
  protected abstract String readyLine();

  /** Whether a SIGTERM ends the process reliably; false sends SIGKILL at once. */
  protected boolean stopsOnSigterm() {
    return true;
  }

  protected boolean isReady() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  protected int port() {
    return port;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void start() throws Exception {
    if (process != null) {
      throw new IllegalStateException(name + " is running already");
    }
    port = freePort();
    Files.createDirectories(env.workDir().resolve("logs"));
    log = env.workDir().resolve("logs").resolve(name + "-" + (++starts) + ".log");
    List<String> cmd = new ArrayList<>();
    env.routerCpus().ifPresent(cpus -> cmd.addAll(List.of("taskset", "-c", cpus)));
    cmd.addAll(command(port));
    Files.writeString(log, String.join(" ", cmd) + "\n", StandardCharsets.UTF_8);
    process =
        new ProcessBuilder(cmd)
            .directory(env.workDir().toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    try {
      awaitReady();
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    String line = readyLine();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with code " + process.exitValue() + " before it was ready; see " + log);
      }
      boolean logged = line == null || Files.readString(log).contains(line);
      if (logged && isReady()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(name + " not ready within " + READY_TIMEOUT + "; see " + log);
  }

  @Override
  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  @Override
  public URI url() {
    return URI.create("ws://127.0.0.1:" + port + "/ws");
  }

  @Override
  public long pid() {
    // With taskset in front, taskset execs the command: the PID is the router's.
    return process.pid();
  }

  @Override
  public Path log() {
    return log;
  }

  @Override
  public void close() {
    if (process == null) {
      return;
    }
    try {
      if (stopsOnSigterm()) {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } else {
        process.destroyForcibly();
      }
      process.waitFor(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      process = null;
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A JVM command line: {@code java}, the environment's JVM options, then {@code rest}. */
  protected List<String> jvm(List<String> extraOptions, List<String> rest) {
    List<String> cmd = new ArrayList<>();
    cmd.add(env.java());
    cmd.addAll(env.jvmOptions());
    cmd.addAll(extraOptions);
    cmd.addAll(rest);
    return cmd;
  }
}
