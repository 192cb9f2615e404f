package io.quarkbar.bench.client;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * Opens many sessions with a bounded number of handshakes in flight: as fast as the router takes
 * them, never all at once (a router refuses, and a kernel drops, what arrives faster than it is
 * accepted). Used by the suite's harness and by {@code bench/scale.sh}'s workers.
 */
public final class Joins {

  private Joins() {}

  /**
   * How a round of joins went. {@code peers} has one slot per join, null where it failed; {@code
   * latency} holds the successful ones, from connect to WELCOME (to the upgrade, on the relay), in
   * nanoseconds. Read it once the round's future completed.
   */
  public record Round(Peer[] peers, int failed, Throwable firstFailure, Histogram latency) {}

  /**
   * Runs {@code join.apply(i)} for i from 0 to {@code n} - 1 on {@code context}, at most {@code
   * inFlight} at a time. Failed joins are counted, not thrown.
   *
   * @param latency where join times go (nanoseconds, clamped to its highest trackable value)
   */
  public static Future<Round> open(
      Context context, int n, IntFunction<Future<Peer>> join, int inFlight, Histogram latency) {
    Peer[] peers = new Peer[n];
    Promise<Round> done = Promise.promise();
    var state =
        new Object() {
          int next;
          int pending;
          int failed;
          Throwable firstFailure;

          void launch() {
            while (pending < inFlight && next < n) {
              int i = next++;
              pending++;
              long started = System.nanoTime();
              join.apply(i)
                  .onComplete(
                      ar -> {
                        pending--;
                        if (ar.succeeded()) {
                          latency.recordValue(
                              Math.min(
                                  System.nanoTime() - started, latency.getHighestTrackableValue()));
                          peers[i] = ar.result();
                        } else {
                          failed++;
                          if (firstFailure == null) {
                            firstFailure = ar.cause();
                          }
                        }
                        if (next == n && pending == 0) {
                          finish();
                        } else {
                          launch();
                        }
                      });
            }
            if (n == 0) {
              finish();
            }
          }

          void finish() {
            done.tryComplete(new Round(peers, failed, firstFailure, latency));
          }
        };
    context.runOnContext(v -> state.launch());
    return done.future();
  }
}
