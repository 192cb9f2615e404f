package io.quarkbar.bench.scenario;

import io.quarkbar.bench.SuiteConfig;
import io.quarkbar.bench.client.Connector;
import io.quarkbar.bench.client.Joins;
import io.quarkbar.bench.client.Peer;
import io.quarkbar.bench.probe.JvmHeap;
import io.quarkbar.bench.probe.Proc;
import io.quarkbar.bench.targets.Target;
import io.quarkbar.bench.targets.TargetEnv;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;

/**
 * What a scenario works with: the started target, a connector for peers, the load generator's
 * single event loop, and the probes that read CPU time and memory. The scenario's own thread
 * orchestrates (set-up, sleeping through the window, reading results); everything that touches
 * peers or their counters runs on the loop through {@link #onLoop}.
 */
public final class Harness {

  /** The longest any single set-up step or drain may take: every run ends in bounded time. */
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(120);

  private final Target target;
  private final Connector connector;
  private final Vertx vertx;
  private final Context loop;
  private final SuiteConfig config;
  private final JvmHeap heap;
  private final TargetEnv env;
  private final BitSet targetCores;
  private final BitSet loadgenCores;

  public Harness(
      Target target,
      Connector connector,
      Vertx vertx,
      Context loop,
      SuiteConfig config,
      JvmHeap heap,
      TargetEnv env) {
    this.target = target;
    this.connector = connector;
    this.vertx = vertx;
    this.loop = loop;
    this.config = config;
    this.heap = heap;
    this.env = env;
    this.targetCores = pinnedCores(target.pid());
    this.loadgenCores = pinnedCores(ProcessHandle.current().pid());
  }

  public Target target() {
    return target;
  }

  public Connector connector() {
    return connector;
  }

  public SuiteConfig config() {
    return config;
  }

  /** Where the targets come from and how they run; for processes a scenario starts itself. */
  public TargetEnv env() {
    return env;
  }

  /** Waits for {@code f}, at most {@link #STEP_TIMEOUT}. */
  public <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage()
          .toCompletableFuture()
          .get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } catch (TimeoutException e) {
      throw new TimeoutException("no answer from " + target.name() + " within " + STEP_TIMEOUT);
    }
  }

  /** Runs {@code work} on the event loop and returns its result. */
  public <T> T onLoop(Callable<T> work) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    loop.runOnContext(
        v -> {
          try {
            result.complete(work.call());
          } catch (Throwable t) {
            result.completeExceptionally(t);
          }
        });
    try {
      return result.get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  public void onLoop(Runnable work) throws Exception {
    onLoop(
        () -> {
          work.run();
          return null;
        });
  }

  /** Polls {@code done} on the loop until it holds or {@code timeout} passes; returns it. */
  public boolean awaitOnLoop(BooleanSupplier done, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (onLoop(done::getAsBoolean)) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
  }

  /** Runs {@code work} on the event loop every {@code period}; returns the timer's ID. */
  public long periodic(Duration period, Runnable work) throws Exception {
    return onLoop(() -> vertx.setPeriodic(period.toMillis(), id -> work.run()));
  }

  /** Stops a timer of {@link #periodic}; a negative ID is no timer. */
  public void cancelPeriodic(long id) throws Exception {
    if (id >= 0) {
      onLoop(() -> vertx.cancelTimer(id));
    }
  }

  public void sleep(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }

  /**
   * Opens one peer per channel, at most {@code concurrency} handshakes at a time. Failed joins are
   * counted, not thrown, unless all fail.
   */
  public Joined joinAll(Serializer serializer, List<String> channels, int concurrency)
      throws Exception {
    int n = channels.size();
    Histogram latency = histogram();
    Joins.Round round =
        await(
            Joins.open(
                loop, n, i -> connector.join(serializer, channels.get(i)), concurrency, latency));
    List<Peer> joined = new ArrayList<>(n - round.failed());
    for (Peer p : round.peers()) {
      if (p != null) {
        joined.add(p);
      }
    }
    if (joined.isEmpty() && n > 0) {
      throw new IllegalStateException(
          "no peer could join " + target.name() + ": " + round.firstFailure());
    }
    return new Joined(joined, round.failed(), onLoop(latency::copy));
  }

  /**
   * Peers that joined, how many joins failed, and how long the successful ones took from connect to
   * WELCOME (to the upgrade, on the relay).
   */
  public record Joined(List<Peer> peers, int failed, Histogram latency) {}

  /** Waits for every future, at most {@link #STEP_TIMEOUT} in all; returns how many failed. */
  public int awaitAll(List<Future<Void>> futures) throws Exception {
    int failed = 0;
    for (Future<Void> f : futures) {
      try {
        await(f);
      } catch (TimeoutException e) {
        throw e;
      } catch (Exception e) {
        failed++;
      }
    }
    return failed;
  }

  /** Closes every peer and waits for the closes, so that the next run starts from quiet. */
  public void closeAll(List<Peer> peers) {
    List<Future<Void>> closes = new ArrayList<>();
    for (Peer p : peers) {
      closes.add(p.close());
    }
    try {
      await(Future.join(closes));
    } catch (Exception ignored) {
      // A peer that does not close cleanly is no longer measured; its socket dies with the run.
    }
  }

  /** Starts a measured window: CPU times now. */
  public Window window() {
    return new Window();
  }

  /** The target's live heap after a full GC, in KiB; empty for non-JVM targets. */
  public OptionalLong routerLiveHeapKiB() {
    return target.isJvm() ? heap.liveKiB(target.pid()) : OptionalLong.empty();
  }

  public long routerRssKiB() {
    return Proc.rssKiB(target.pid());
  }

  /** A sample from a window's usage and a latency histogram (null: no latency measured). */
  public Sample sample(
      long ops,
      long frames,
      long errors,
      Histogram latency,
      Usage usage,
      Map<String, Double> extras) {
    boolean hasLatency = latency != null && latency.getTotalCount() > 0;
    return new Sample(
        ops,
        usage.seconds(),
        frames,
        errors,
        hasLatency ? latency.getValueAtPercentile(50) / 1000.0 : Double.NaN,
        hasLatency ? latency.getValueAtPercentile(99) / 1000.0 : Double.NaN,
        hasLatency ? latency.getValueAtPercentile(99.9) / 1000.0 : Double.NaN,
        usage.routerCpuSeconds(),
        usage.routerSysSeconds(),
        usage.loadgenCpuSeconds(),
        usage.otherLoadPct(),
        extras);
  }

  /** The highest latency a histogram tracks; longer ones are recorded as this. */
  public static final long MAX_LATENCY_NANOS = TimeUnit.MINUTES.toNanos(1);

  /** A latency histogram in nanoseconds, 3 significant digits, up to a minute. */
  public static Histogram histogram() {
    return new Histogram(MAX_LATENCY_NANOS, 3);
  }

  /** CPU times at the start of a window; {@link #end()} gives what was used since. */
  public final class Window {
    private final long t0 = System.nanoTime();
    private final double[] router0 = Proc.cpuTimes(target.pid());
    private final double self0 = Proc.cpuSeconds(ProcessHandle.current().pid());
    private final double[] cores0 = Proc.coreBusySeconds();

    public Usage end() {
      double seconds = (System.nanoTime() - t0) / 1e9;
      double[] router1 = Proc.cpuTimes(target.pid());
      double sys = router1[1] - router0[1];
      double router = router1[0] - router0[0] + sys;
      double self = Proc.cpuSeconds(ProcessHandle.current().pid()) - self0;
      double[] cores1 = Proc.coreBusySeconds();
      double other = Double.NaN;
      if (targetCores != null) {
        double busy = 0;
        for (int c = targetCores.nextSetBit(0); c >= 0; c = targetCores.nextSetBit(c + 1)) {
          busy += cores1[c] - cores0[c];
        }
        double ours = router;
        if (loadgenCores != null && loadgenCores.intersects(targetCores)) {
          ours += self;
        }
        other = Math.max(0, busy - ours) * 100 / seconds;
      }
      return new Usage(seconds, router, sys, self, other);
    }
  }

  /** The CPUs {@code pid} may run on, or null when that is every CPU (not pinned). */
  private static BitSet pinnedCores(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("Cpus_allowed_list:")) {
          BitSet cores = new BitSet();
          for (String range : line.substring(line.indexOf(':') + 1).trim().split(",")) {
            String[] ends = range.split("-");
            int from = Integer.parseInt(ends[0].trim());
            int to = ends.length > 1 ? Integer.parseInt(ends[1].trim()) : from;
            cores.set(from, to + 1);
          }
          return cores.cardinality() < Proc.coreBusySeconds().length ? cores : null;
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }
}
