package io.quarkbar.router.guests;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One guest while the router runs: its current process, its state, and how to start and stop that
 * process. Its output goes to the log category {@code io.quarkbar.guests.<name>}, a record per
 * line: standard output at INFO, standard error at WARN (where programs write their complaints).
 *
 * <p>Threads: the supervisor's thread changes everything but {@link #stop}, which the shutdown runs
 * once the supervisor's thread has ended; {@link #ended()}, which may wait, runs on a pool thread
 * after each exit; {@link #state()} is read by the health check.
 */
final class Guest {

  private static final Logger LOG = Logger.getLogger(GuestSupervisor.class);

  /** How long a process has to go after SIGKILL (the kernel's work: immediate in practice). */
  private static final Duration KILL_WAIT = Duration.ofSeconds(5);

  /** How long the last lines of a stopped guest may take to reach the log. */
  private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(2);

  final GuestSpec spec;
  private final Logger output;
  private volatile GuestState state = GuestState.WAITING;
  private volatile Process process;
  private volatile List<Thread> pumps = List.of();
  private Instant startedAt;

  /** Exits in a row, for the backoff; reset after a long enough run. */
  int failures;

  /** Whether the current process was stopped for not becoming ready in time. */
  boolean timedOut;

  Guest(GuestSpec spec) {
    this.spec = spec;
    this.output = Logger.getLogger("io.quarkbar.guests." + spec.name());
  }

  String name() {
    return spec.name();
  }

  GuestState state() {
    return state;
  }

  void state(GuestState state) {
    this.state = state;
  }

  /** The current process; null before the first start. */
  Process process() {
    return process;
  }

  /** How long the current process has run (or ran). */
  Duration uptime() {
    return Duration.between(startedAt, Instant.now());
  }

  /**
   * Starts a new process, logs its pid, and pumps its output into the log.
   *
   * @throws IOException when the program cannot be run at all
   */
  Process start() throws IOException {
    ProcessBuilder builder = new ProcessBuilder(spec.command());
    spec.directory().ifPresent(d -> builder.directory(d.toFile()));
    builder.environment().putAll(spec.env());
    // Standard input stays a pipe that the router holds open: it reaches end-of-file when the
    // router exits, however it exits, for a guest that must not outlive it (docs/guests.md).
    Process started = builder.start();
    process = started;
    startedAt = Instant.now();
    timedOut = false;
    LOG.infof(
        "guest %s started (pid %d): %s", name(), started.pid(), String.join(" ", spec.command()));
    String thread = "guest-" + spec.name();
    pumps =
        List.of(
            OutputPump.start(thread + "-out", started.getInputStream(), line -> output.info(line)),
            OutputPump.start(thread + "-err", started.getErrorStream(), line -> output.warn(line)));
    return started;
  }

  /** Sends SIGTERM, without waiting: for a guest that did not become ready in time. */
  void terminate() {
    Process p = process;
    if (p != null) {
      // Through its handle: Process.destroy() would also close the pipes, and the guest's last
      // lines, written as it shuts down, would be lost.
      p.toHandle().destroy();
    }
  }

  /**
   * Sends SIGKILL to {@code p} and everything it started, if it is still there. Takes the process,
   * not the guest's current one: a kill decided for one run must not reach the next.
   */
  void kill(Process p) {
    if (p == null || !p.isAlive()) {
      return;
    }
    // Its children first, found while it still has them: once it is gone they are orphans.
    List<ProcessHandle> family = new ArrayList<>(p.descendants().toList());
    p.toHandle().destroyForcibly();
    family.forEach(ProcessHandle::destroyForcibly);
  }

  /**
   * Stops the process as the router shuts down: SIGTERM, then SIGKILL after the stop timeout, and
   * waits until its last lines are logged. Blocks for at most the stop timeout and a few seconds.
   */
  void stop() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      if (state != GuestState.FAILED && state != GuestState.DISABLED) {
        state = GuestState.STOPPED;
      }
      return;
    }
    LOG.infof("stopping guest %s (pid %d): SIGTERM", name(), p.pid());
    terminate();
    if (!waitFor(p, spec.stopTimeout())) {
      LOG.warnf(
          "guest %s did not stop within %s of SIGTERM: SIGKILL",
          name(), GuestSupervisor.human(spec.stopTimeout()));
      kill(p);
      if (!waitFor(p, KILL_WAIT)) {
        LOG.errorf("guest %s (pid %d) is still there after SIGKILL", name(), p.pid());
        return;
      }
    }
    state = GuestState.STOPPED;
    ended();
    LOG.infof("guest %s stopped (status %d)", name(), p.exitValue());
  }

  /**
   * Releases what the ended process held in the router: waits, briefly, until its output is in the
   * log, and closes its standard input.
   */
  void ended() {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // Already closed: nothing held.
    }
    long deadline = System.nanoTime() + OUTPUT_DRAIN.toNanos();
    for (Thread pump : pumps) {
      try {
        pump.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static boolean waitFor(Process p, Duration timeout) {
    try {
      return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.isAlive();
    }
  }
}
