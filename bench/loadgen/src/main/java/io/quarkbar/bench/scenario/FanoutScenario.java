package io.quarkbar.bench.scenario;

import io.quarkbar.bench.SuiteConfig;
import io.quarkbar.bench.client.Peer;
import io.quarkbar.bench.client.Template;
import io.quarkbar.bench.client.Wire;
import io.quarkbar.bench.probe.Proc;
import io.quarkbar.bench.targets.Target;
import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.Publish;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One publisher, N subscribers of one topic. The publisher keeps at most a window of events per
 * healthy subscriber undelivered (flow control by the load generator, since WAMP has none), so a
 * router that keeps up never has reason to drop. Lost events are, per healthy subscriber,
 * publications it did not receive by the end of the drain.
 *
 * <p>The {@code fanout-slow} variant adds one subscriber that stops reading right after it
 * subscribed, with 1 KiB events: the healthy subscribers must lose nothing, and the router's memory
 * must not grow with the backlog it cannot deliver. It reports the target's RSS at the start and
 * end of the window and its maximum, and for JVM targets the live heap after a full GC before
 * publishing and after it, while the slow subscriber is still connected.
 */
public final class FanoutScenario implements Scenario {

  private static final String TOPIC = "bench.fanout";
  private static final Duration RSS_SAMPLE_PERIOD = Duration.ofMillis(200);

  private final SuiteConfig config;
  private final boolean slow;

  private FanoutScenario(SuiteConfig config, boolean slow) {
    this.config = config;
    this.slow = slow;
  }

  public static FanoutScenario healthy(SuiteConfig config) {
    return new FanoutScenario(config, false);
  }

  public static FanoutScenario withSlowSubscriber(SuiteConfig config) {
    return new FanoutScenario(config, true);
  }

  @Override
  public String name() {
    return slow ? "fanout-slow" : "fanout";
  }

  @Override
  public String unit() {
    return "events";
  }

  @Override
  public String description() {
    return slow
        ? "1 publisher, "
            + config.slowHealthy()
            + " healthy subscribers and 1 that stops reading, "
            + config.slowPayloadBytes()
            + "-byte events; ops are events delivered to healthy subscribers"
        : "1 publisher to N subscribers, at most "
            + config.fanoutWindow()
            + " events in flight per subscriber; ops are events delivered";
  }

  @Override
  public List<Case> cases(Target target) {
    List<Case> cases = new ArrayList<>();
    if (slow) {
      Serializer s = target.serializers().get(0);
      cases.add(new Case(s, "N=" + config.slowHealthy() + "+1 slow", config.slowHealthy()));
      return cases;
    }
    for (int n : config.fanoutSizes()) {
      for (Serializer s : target.serializers()) {
        // Serialization is paid once per event, not per subscriber: one size shows it; and the
        // relay, which does not decode, needs none but JSON.
        if (s == Serializer.JSON || (n == config.fanoutMidSize() && target.routesWamp())) {
          cases.add(new Case(s, "N=" + n, n));
        }
      }
    }
    return cases;
  }

  @Override
  public int reps() {
    return slow ? 1 : config.reps();
  }

  @Override
  public Sample run(Case c, Harness h, boolean warmup) throws Exception {
    Serializer s = c.serializer();
    int n = c.size();
    List<Peer> peers = new ArrayList<>();
    try {
      Harness.Joined subs = h.joinAll(s, Collections.nCopies(n, TOPIC), config.joinConcurrency());
      peers.addAll(subs.peers());
      State state = new State(subs.peers().size());
      state.errors += subs.failed();
      List<Future<Void>> subscriptions = new ArrayList<>();
      for (Peer p : subs.peers()) {
        subscriptions.add(h.connector().subscribe(p, TOPIC));
      }
      state.errors += h.awaitAll(subscriptions);
      Peer laggard = null;
      if (slow) {
        laggard = h.await(h.connector().join(s, TOPIC));
        peers.add(laggard);
        h.await(h.connector().subscribe(laggard, TOPIC));
      }
      Peer publisher = h.await(h.connector().join(s, TOPIC));
      peers.add(publisher);
      List<Object> args =
          slow ? List.of("x".repeat(config.slowPayloadBytes()), 42) : RpcScenario.ARGS;
      Template publish = Template.of(s, id -> new Publish(id, Map.of(), TOPIC, args, Map.of()));

      Peer slowPeer = laggard;
      h.onLoop(
          () -> {
            List<Peer> healthy = subs.peers();
            for (int i = 0; i < healthy.size(); i++) {
              int index = i;
              Peer sub = healthy.get(i);
              sub.onLost(() -> state.errors++);
              sub.onMessage(
                  m -> {
                    long type = Wire.intAt(s, m, 0);
                    // Through the relay a subscriber gets the publisher's PUBLISH itself.
                    if (type == Event.CODE || type == Publish.CODE) {
                      state.received[index]++;
                      state.delivered++;
                      state.pump(publisher, publish, healthy.size(), config.fanoutWindow());
                    } else {
                      state.errors++;
                    }
                  });
            }
            if (slowPeer != null) {
              slowPeer.onLost(() -> state.slowCut = true);
              slowPeer.onMessage(m -> state.slowReceived++);
              slowPeer.pause();
            }
            publisher.onLost(() -> state.errors++);
            // No acknowledge was asked for: any message to the publisher is an error.
            publisher.onMessage(m -> state.errors++);
          });
      OptionalLong heapBefore = slow ? h.routerLiveHeapKiB() : OptionalLong.empty();
      h.onLoop(() -> state.pump(publisher, publish, subs.peers().size(), config.fanoutWindow()));

      h.sleep(config.ramp());
      long publishedAtStart = h.onLoop(() -> state.published);
      long deliveredAtStart = h.onLoop(() -> state.delivered);
      long rssStart = h.routerRssKiB();
      Harness.Window w = h.window();
      long rssMax = slow ? sampleRssUntil(h, warmup ? config.warmup() : config.slow()) : 0;
      if (!slow) {
        h.sleep(warmup ? config.warmup() : config.fanout());
      }
      long published = h.onLoop(() -> state.published) - publishedAtStart;
      long delivered = h.onLoop(() -> state.delivered) - deliveredAtStart;
      Usage usage = w.end();
      long rssEnd = h.routerRssKiB();

      h.onLoop(() -> state.stopping = true);
      int healthyCount = subs.peers().size();
      h.awaitOnLoop(() -> state.delivered >= state.published * healthyCount, config.drain());
      long lost = h.onLoop(state::lost);
      Map<String, Double> extras = new LinkedHashMap<>();
      extras.put("subscribers", (double) healthyCount);
      extras.put("published", (double) published);
      extras.put("lost", (double) lost);
      if (slow) {
        OptionalLong heapAfter = h.routerLiveHeapKiB();
        extras.put("rssStartMiB", rssStart / 1024.0);
        extras.put("rssEndMiB", rssEnd / 1024.0);
        extras.put("rssMaxMiB", Math.max(rssMax, rssEnd) / 1024.0);
        extras.put("rssGrowthMiB", (rssEnd - rssStart) / 1024.0);
        if (heapBefore.isPresent() && heapAfter.isPresent()) {
          extras.put("heapGrowthMiB", (heapAfter.getAsLong() - heapBefore.getAsLong()) / 1024.0);
        }
        // Reading again shows whether the router cut the slow subscriber or still queues for it.
        h.onLoop(slowPeer::resume);
        h.awaitOnLoop(() -> state.slowCut, config.slowCutWait());
        extras.put("slowCut", h.onLoop(() -> state.slowCut) ? 1.0 : 0.0);
      }
      long errors = h.onLoop(() -> state.errors);
      return h.sample(delivered, published + delivered, errors, null, usage, extras);
    } finally {
      h.closeAll(peers);
    }
  }

  /** Sleeps through the window, sampling the target's RSS; returns the largest, in KiB. */
  private static long sampleRssUntil(Harness h, Duration window) throws InterruptedException {
    long max = 0;
    long end = System.nanoTime() + window.toNanos();
    long now;
    while ((now = System.nanoTime()) < end) {
      max = Math.max(max, Proc.rssKiB(h.target().pid()));
      Thread.sleep(Math.max(1, Math.min(RSS_SAMPLE_PERIOD.toMillis(), (end - now) / 1_000_000)));
    }
    return max;
  }

  /** Counters of one run; event loop only. */
  private static final class State {
    final long[] received;
    long published;
    long delivered;
    long errors;
    long slowReceived;
    boolean slowCut;
    boolean stopping;

    State(int subscribers) {
      received = new long[subscribers];
    }

    /** Publishes while fewer than {@code window} events per subscriber are undelivered. */
    void pump(Peer publisher, Template publish, int subscribers, int window) {
      while (!stopping && published * subscribers - delivered < (long) window * subscribers) {
        published++;
        publisher.send(publish, published);
      }
    }

    long lost() {
      long lost = 0;
      for (long r : received) {
        lost += Math.max(0, published - r);
      }
      return lost;
    }
  }
}
