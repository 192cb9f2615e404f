package io.quarkbar.bench.scale;

import io.quarkbar.bench.client.Connector;
import io.quarkbar.bench.client.Joins;
import io.quarkbar.bench.client.Peer;
import io.quarkbar.bench.targets.UrlTarget;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One load-generator process of {@link ScaleMain}: opens {@code sessions} idle WAMP sessions (JSON)
 * spread round-robin over the routers at {@code urls}, from one loopback source address, with a
 * bounded number of handshakes in flight, then holds them until told to stop. A process may open at
 * most 20,000 files here, so 100,000 sessions need several of these.
 *
 * <p>Arguments: {@code URL[,URL...] SESSIONS SOURCE_ADDRESS|- IN_FLIGHT [WARMUP]}. It first opens
 * and closes WARMUP sessions (none by default), then waits for its parent's go. It talks to its
 * parent on standard streams, one line each:
 *
 * <pre>
 * out: warm FAILED      (after the warm-up)       in: go
 * out: joined OK FAILED MILLIS P50_US P99_US [first failure]
 * in:  count        out: open N       (sessions still open)
 * in:  stop (or end of input): closes everything and exits
 * </pre>
 */
public final class SessionsWorker {

  private SessionsWorker() {}

  public static void main(String[] args) throws Exception {
    List<URI> urls = Arrays.stream(args[0].split(",")).map(URI::create).toList();
    int sessions = Integer.parseInt(args[1]);
    String source = args[2].equals("-") ? null : args[2];
    int inFlight = Integer.parseInt(args[3]);
    int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 0;

    Vertx vertx = Vertx.vertx();
    Context context = vertx.getOrCreateContext();
    List<Connector> connectors = new ArrayList<>();
    for (URI url : urls) {
      connectors.add(new Connector(vertx, context, new UrlTarget(url), source));
    }
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    // Each JVM here compiles its handshake path while it runs it: measured cold, 100,000 joins
    // over twelve JVMs on two cores mostly measured the JIT compilers.
    Joins.Round warm = join(connectors, context, warmup, inFlight);
    closeAll(warm.peers());
    System.out.println("warm " + warm.failed());
    System.out.flush();
    if (!"go".equals(in.readLine())) {
      connectors.forEach(Connector::close);
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return;
    }
    long start = System.nanoTime();
    Joins.Round round = join(connectors, context, sessions, inFlight);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    Peer[] peers = round.peers();
    System.out.printf(
        Locale.ROOT,
        "joined %d %d %d %d %d%s%n",
        sessions - round.failed(),
        round.failed(),
        millis,
        round.latency().getValueAtPercentile(50) / 1000,
        round.latency().getValueAtPercentile(99) / 1000,
        round.firstFailure() == null
            ? ""
            : " " + String.valueOf(round.firstFailure()).replace('\n', ' '));
    System.out.flush();

    String line;
    while ((line = in.readLine()) != null && !line.equals("stop")) {
      if (line.equals("count")) {
        Promise<Long> counted = Promise.promise();
        context.runOnContext(
            v ->
                counted.complete(
                    Arrays.stream(peers).filter(p -> p != null && !p.isClosed()).count()));
        long open =
            counted.future().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        System.out.println("open " + open);
        System.out.flush();
      }
    }
    closeAll(peers);
    connectors.forEach(Connector::close);
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Opens {@code sessions} sessions round-robin over the connectors, {@code inFlight} at once. */
  private static Joins.Round join(
      List<Connector> connectors, Context context, int sessions, int inFlight) throws Exception {
    return Joins.open(
            context,
            sessions,
            i -> connectors.get(i % connectors.size()).join(Serializer.JSON, "bench.idle"),
            inFlight,
            new Histogram(TimeUnit.SECONDS.toNanos(60), 2))
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.MINUTES);
  }

  private static void closeAll(Peer[] peers) {
    for (Peer p : peers) {
      if (p != null) {
        p.close();
      }
    }
  }
}
