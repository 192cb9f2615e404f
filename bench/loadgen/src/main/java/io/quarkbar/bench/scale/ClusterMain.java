package io.quarkbar.bench.scale;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.quarkbar.bench.client.Connector;
import io.quarkbar.bench.client.Peer;
import io.quarkbar.bench.client.Template;
import io.quarkbar.bench.client.Wire;
import io.quarkbar.bench.probe.Proc;
import io.quarkbar.bench.targets.UrlTarget;
import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Publish;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * Events and calls across the nodes of a cluster on this machine: three packaged routers over a
 * nats-server of this run. Compares a publisher and its subscribers on one node with the same load
 * spread over nodes (publisher on node 0, subscribers on nodes 1 and 2): fan-out events delivered
 * per second and the CPU all routers and NATS spend per delivered event, with lost events counted;
 * the latency of one event at a time; and a caller on node 0 with its callee on node 0, then on
 * node 1: calls per second (a window of calls in flight), CPU per call, and the round trip of one
 * call at a time. Writes {@code bench/target/results/cluster.md}.
 *
 * <pre>
 * --root DIR          the checkout (router-service/target/quarkus-app must be built)
 * --subscribers N     fan-out subscribers (default 100)
 * --seconds S         measured seconds per fan-out case (default 10), after 3 s of warm-up
 * --events N          events (and calls) timed one at a time per latency case (default 5000,
 *                     after 1000)
 * --cases C           all (default), events or calls: which half to run
 * --window N          calls kept in flight by the caller (default 32)
 * --direct-calls B    true (default): calls between nodes on direct connections; false: through
 *                     the nats-server (router.cluster.direct-calls), to compare the two
 * </pre>
 */
public final class ClusterMain {

  private static final String TOPIC = "bench.cluster.fanout";
  private static final int WINDOW = 32;

  private Path root;
  private int subscribers = 100;
  private int seconds = 10;
  private int events = 5000;
  private String cases = "all";
  private int window = WINDOW;
  private boolean directCalls = true;

  private RouterNodes routers;
  private Vertx vertx;
  private Context context;
  private final List<Connector> connectors = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    ClusterMain bench = new ClusterMain();
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--root" -> bench.root = Path.of(args[i + 1]);
        case "--subscribers" -> bench.subscribers = Integer.parseInt(args[i + 1]);
        case "--seconds" -> bench.seconds = Integer.parseInt(args[i + 1]);
        case "--events" -> bench.events = Integer.parseInt(args[i + 1]);
        case "--cases" -> bench.cases = args[i + 1];
        case "--window" -> bench.window = Integer.parseInt(args[i + 1]);
        case "--direct-calls" -> bench.directCalls = Boolean.parseBoolean(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (bench.root == null) {
      throw new IllegalArgumentException("--root is needed (bench/cluster.sh)");
    }
    if (!List.of("all", "events", "calls").contains(bench.cases)) {
      throw new IllegalArgumentException("--cases is all, events or calls, not " + bench.cases);
    }
    boolean ok;
    try {
      ok = bench.run();
    } finally {
      bench.stop();
    }
    System.exit(ok ? 0 : 1);
  }

  private boolean run() throws Exception {
    Path work = root.resolve("bench/target/cluster");
    Files.createDirectories(work);
    routers =
        RouterNodes.start(
            root,
            work,
            3,
            true,
            "bench",
            List.of("-Xmx1g"),
            List.of("-Drouter.cluster.direct-calls=" + directCalls));
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    for (int i = 0; i < routers.size(); i++) {
      connectors.add(new Connector(vertx, context, new UrlTarget(routers.wsUrl(i))));
    }
    log("3 router nodes and a nats-server ready; ports %s", routers.ports());

    Map<String, String> rows = new LinkedHashMap<>();
    boolean ok = true;
    if (!cases.equals("calls")) {
      ok = events(rows);
    }
    if (!cases.equals("events")) {
      ok &= calls(rows);
    }
    MeasureTable.write(
        root.resolve("bench/target/results/cluster.md"),
        "Events and calls across a cluster (bench/cluster.sh)",
        "three router nodes and one nats-server on this machine, JSON, calls between nodes "
            + (directCalls ? "on direct connections" : "through NATS"),
        rows);
    return ok;
  }

  private boolean events(Map<String, String> rows) throws Exception {
    boolean ok = true;
    for (boolean across : new boolean[] {false, true, false, true}) {
      Fanout f = fanout(across);
      String name =
          (across ? "fan-out across nodes" : "fan-out on one node")
              + String.format(Locale.ROOT, " (%d subscribers)", subscribers);
      String value =
          String.format(
              Locale.ROOT,
              "%,.0f events/s; %.2f µs of CPU (routers and NATS) per delivered event; %d lost",
              f.perSecond,
              f.cpuMicrosPerEvent,
              f.lost);
      rows.merge(name, value, (a, b) -> a + " / then " + b);
      log("%s: %s", name, value);
      ok &= f.lost == 0 && f.errors == 0;
    }
    for (boolean across : new boolean[] {false, true}) {
      Histogram h = latency(across);
      String name = across ? "one event at a time, across nodes" : "one event at a time, one node";
      String value = percentiles(h, "events");
      rows.put(name, value);
      log("%s: %s", name, value);
    }
    return ok;
  }

  private boolean calls(Map<String, String> rows) throws Exception {
    boolean ok = true;
    int procedures = 0;
    for (boolean across : new boolean[] {false, true, false, true}) {
      Calls c = calls(across, "bench.cluster.echo." + procedures++);
      String name = across ? "calls across nodes" : "calls on one node";
      String value =
          String.format(
              Locale.ROOT,
              "%,.0f calls/s (%d in flight); %.1f µs of CPU (routers and NATS) per call; %d"
                  + " errors",
              c.perSecond,
              window,
              c.cpuMicrosPerCall,
              c.errors);
      rows.merge(name, value, (a, b) -> a + " / then " + b);
      log("%s: %s", name, value);
      ok &= c.errors == 0;
    }
    for (boolean across : new boolean[] {false, true}) {
      Histogram h = callLatency(across, "bench.cluster.echo." + procedures++);
      String name = across ? "one call at a time, across nodes" : "one call at a time, one node";
      String value = percentiles(h, "calls");
      rows.put(name, value);
      log("%s: %s", name, value);
    }
    return ok;
  }

  private record Fanout(double perSecond, double cpuMicrosPerEvent, long lost, long errors) {}

  /** Counters of one run; event loop only. */
  private static final class State {
    long published;
    long delivered;
    long errors;
    boolean stopping;

    void pump(Peer publisher, Template publish, int n) {
      while (!stopping && published * n - delivered < (long) WINDOW * n) {
        published++;
        publisher.send(publish, published);
      }
    }
  }

  private Fanout fanout(boolean across) throws Exception {
    List<Peer> subs = new ArrayList<>();
    for (int i = 0; i < subscribers; i++) {
      Connector c = connectors.get(across ? 1 + i % 2 : 0);
      Peer p = await(() -> c.join(Serializer.JSON, TOPIC));
      await(() -> c.subscribe(p, TOPIC));
      subs.add(p);
    }
    Peer publisher = await(() -> connectors.get(0).join(Serializer.JSON, TOPIC));
    Template publish =
        Template.of(
            Serializer.JSON, id -> new Publish(id, Map.of(), TOPIC, List.of("x", 42), Map.of()));
    State state = new State();
    onLoop(
        () -> {
          for (Peer p : subs) {
            p.onMessage(
                m -> {
                  if (Wire.intAt(Serializer.JSON, m, 0) == Event.CODE) {
                    state.delivered++;
                    state.pump(publisher, publish, subs.size());
                  } else {
                    state.errors++;
                  }
                });
          }
          publisher.onMessage(m -> state.errors++);
          state.pump(publisher, publish, subs.size());
          return null;
        });
    Thread.sleep(3_000);
    long deliveredBefore = onLoop(() -> state.delivered);
    double cpuBefore = cpuSeconds();
    long start = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    long delivered = onLoop(() -> state.delivered) - deliveredBefore;
    double cpu = cpuSeconds() - cpuBefore;
    double elapsed = (System.nanoTime() - start) / 1e9;
    onLoop(
        () -> {
          state.stopping = true;
          return null;
        });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (onLoop(() -> state.delivered < state.published * subs.size())
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    long lost = onLoop(() -> state.published * subs.size() - state.delivered);
    long errors = onLoop(() -> state.errors);
    subs.forEach(Peer::close);
    publisher.close();
    Thread.sleep(1_000);
    return new Fanout(delivered / elapsed, cpu * 1e6 / Math.max(1, delivered), lost, errors);
  }

  private Histogram latency(boolean across) throws Exception {
    String topic = TOPIC + ".latency";
    Connector subConnector = connectors.get(across ? 1 : 0);
    Peer sub = await(() -> subConnector.join(Serializer.JSON, topic));
    await(() -> subConnector.subscribe(sub, topic));
    Peer publisher = await(() -> connectors.get(0).join(Serializer.JSON, topic));
    Template publish =
        Template.of(
            Serializer.JSON, id -> new Publish(id, Map.of(), topic, List.of("x", 42), Map.of()));
    Histogram histogram = oneAtATime(publisher, publish, sub, Event.CODE);
    sub.close();
    publisher.close();
    return histogram;
  }

  /**
   * Sends {@code message} from {@code sender}, one at a time: each time {@code receiver} gets its
   * answer (a message of type {@code answer}), the round trip is recorded and the next one goes
   * out; 1,000 first for warm-up, then {@link #events}. A lost one stalls the loop, and the run
   * says so after two minutes; another type of answer fails it.
   */
  private Histogram oneAtATime(Peer sender, Template message, Peer receiver, int answer)
      throws Exception {
    Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    int warmup = 1000;
    CompletableFuture<Void> done = new CompletableFuture<>();
    long[] sentAt = {0};
    long[] count = {0};
    onLoop(
        () -> {
          receiver.onMessage(
              m -> {
                long now = System.nanoTime();
                if (Wire.intAt(Serializer.JSON, m, 0) != answer) {
                  done.completeExceptionally(new IllegalStateException("an unexpected answer"));
                  return;
                }
                if (count[0]++ >= warmup) {
                  histogram.recordValue(
                      Math.min(now - sentAt[0], histogram.getHighestTrackableValue()));
                }
                if (count[0] >= warmup + events) {
                  done.complete(null);
                  return;
                }
                sentAt[0] = System.nanoTime();
                sender.send(message, count[0] + 1);
              });
          sentAt[0] = System.nanoTime();
          sender.send(message, 1);
          return null;
        });
    done.get(2, TimeUnit.MINUTES);
    return histogram;
  }

  /** A one-at-a-time histogram for the report: its percentiles in microseconds. */
  private static String percentiles(Histogram h, String what) {
    return String.format(
        Locale.ROOT,
        "p50 %.0f µs, p99 %.0f µs, p99.9 %.0f µs (%d %s)",
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        h.getValueAtPercentile(99.9) / 1000.0,
        h.getTotalCount(),
        what);
  }

  private record Calls(double perSecond, double cpuMicrosPerCall, long errors) {}

  /**
   * A callee on node 0 ({@code across} false) or node 1 for {@code procedure}, answering every
   * INVOCATION at once, and a caller on node 0 that keeps {@code --window} calls in flight.
   */
  private Calls calls(boolean across, String procedure) throws Exception {
    Peer callee = callee(across, procedure);
    Peer caller = await(() -> connectors.get(0).join(Serializer.JSON, procedure));
    Template call =
        Template.of(
            Serializer.JSON, id -> new Call(id, Map.of(), procedure, List.of("x", 42), Map.of()));
    long[] completed = {0};
    long[] errors = {0};
    long[] sent = {0};
    boolean[] stopping = {false};
    onLoop(
        () -> {
          caller.onMessage(
              m -> {
                if (Wire.intAt(Serializer.JSON, m, 0) == Result.CODE) {
                  completed[0]++;
                } else if (errors[0]++ == 0) {
                  log(
                      "first error answer: %s",
                      m.toString(m.readerIndex(), Math.min(300, m.readableBytes()), UTF_8));
                }
                if (!stopping[0]) {
                  caller.send(call, ++sent[0]);
                }
              });
          for (int i = 0; i < window; i++) {
            caller.send(call, ++sent[0]);
          }
          return null;
        });
    Thread.sleep(3_000);
    long before = onLoop(() -> completed[0]);
    double cpuBefore = cpuSeconds();
    long start = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    long done = onLoop(() -> completed[0]) - before;
    double cpu = cpuSeconds() - cpuBefore;
    double elapsed = (System.nanoTime() - start) / 1e9;
    onLoop(
        () -> {
          stopping[0] = true;
          return null;
        });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (onLoop(() -> completed[0] + errors[0] < sent[0]) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    long unanswered = onLoop(() -> sent[0] - completed[0] - errors[0]);
    caller.close();
    callee.close();
    Thread.sleep(1_000);
    return new Calls(
        done / elapsed, cpu * 1e6 / Math.max(1, done), onLoop(() -> errors[0]) + unanswered);
  }

  /** One call at a time from node 0 to a callee on node 0 or node 1. */
  private Histogram callLatency(boolean across, String procedure) throws Exception {
    Peer callee = callee(across, procedure);
    Peer caller = await(() -> connectors.get(0).join(Serializer.JSON, procedure));
    Template call =
        Template.of(
            Serializer.JSON, id -> new Call(id, Map.of(), procedure, List.of("x", 42), Map.of()));
    Histogram histogram = oneAtATime(caller, call, caller, Result.CODE);
    caller.close();
    callee.close();
    return histogram;
  }

  /**
   * A callee of {@code procedure} on node 0 or node 1 that answers every INVOCATION at once; once
   * node 0 routes calls to it (its registration reaches the other nodes in milliseconds).
   */
  private Peer callee(boolean across, String procedure) throws Exception {
    Connector c = connectors.get(across ? 1 : 0);
    Peer callee = await(() -> c.join(Serializer.JSON, procedure));
    await(() -> c.register(callee, procedure));
    Template yield =
        Template.of(Serializer.JSON, id -> new Yield(id, Map.of(), List.of("x", 42), Map.of()));
    onLoop(
        () -> {
          callee.onMessage(
              m -> {
                if (Wire.intAt(Serializer.JSON, m, 0) == Invocation.CODE) {
                  callee.send(yield, Wire.intAt(Serializer.JSON, m, 1));
                }
              });
          return null;
        });
    Thread.sleep(500);
    return callee;
  }

  /** CPU seconds of every router node and of the nats-server so far. */
  private double cpuSeconds() {
    double total = 0;
    for (int i = 0; i < routers.size(); i++) {
      total += Proc.cpuSeconds(routers.pid(i));
    }
    if (routers.natsPid().isPresent()) {
      total += Proc.cpuSeconds(routers.natsPid().getAsLong());
    }
    return total;
  }

  private <T> T await(Supplier<Future<T>> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(
        v ->
            action
                .get()
                .onComplete(
                    r -> {
                      if (r.succeeded()) {
                        result.complete(r.result());
                      } else {
                        result.completeExceptionally(r.cause());
                      }
                    }));
    return result.get(60, TimeUnit.SECONDS);
  }

  private <T> T onLoop(java.util.concurrent.Callable<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          try {
            result.complete(action.call());
          } catch (Exception e) {
            result.completeExceptionally(e);
          }
        });
    return result.get(60, TimeUnit.SECONDS);
  }

  private void stop() {
    connectors.forEach(Connector::close);
    if (vertx != null) {
      vertx.close();
    }
    if (routers != null) {
      routers.close();
    }
  }

  private static void log(String format, Object... args) {
    System.out.printf(Locale.ROOT, "[cluster] " + format + "%n", args);
  }
}
