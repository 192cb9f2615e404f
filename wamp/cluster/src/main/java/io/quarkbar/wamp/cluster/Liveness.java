package io.quarkbar.wamp.cluster;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Which nodes of the cluster are alive: every node publishes a heartbeat on core NATS each {@code
 * heartbeat}, and a node not heard from for {@code deathTimeout} is taken for gone. A node whose
 * heartbeat comes from a new process (its incarnation changed: it restarted under the same name)
 * runs {@code restarted}. Nodes the registrations name, and nodes calls come from or go to, are
 * followed too, so that one that died while nobody heard it is found.
 *
 * <p>When a node is gone, {@code lost} runs (calls to it end with an ERROR); when, moreover, this
 * node has been connected for a whole {@code deathTimeout} (so that its silence is the other's, not
 * its own), {@code purge} runs (its registrations and sessions are taken out of the cluster's).
 * Each heartbeat while connected also runs {@code tidy}; when this node has been cut off from NATS
 * for {@code deathTimeout}, {@code fence} runs once.
 */
final class Liveness {

  private static final Logger LOG = Logger.getLogger(Liveness.class);
  private static final long VERSION = 1;

  private final String node;
  private final long incarnation;
  private final String subject;
  private final Duration heartbeat;
  private final long deathNanos;
  private final ScheduledExecutorService timer;
  private final Supplier<java.util.Set<String>> named;
  private final Consumer<String> lost;
  private final java.util.function.BiConsumer<String, Long> restarted;
  private final java.util.function.BiConsumer<String, Long> purge;
  private final Runnable tidy;
  private final Runnable fence;

  /** When each other node was last heard ({@link System#nanoTime}), and its incarnation. */
  private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();

  private final Map<String, Long> incarnations = new ConcurrentHashMap<>();

  /** The nodes taken for gone and not heard from since. */
  private final java.util.Set<String> gone = ConcurrentHashMap.newKeySet();

  private volatile Connection connection;

  /** What the heartbeat says besides the node and its process: where it takes calls, if it does. */
  private volatile List<Object> announced = List.of();

  /** Told of each heartbeat heard: the node, its process and the rest of its heartbeat. */
  private volatile Heard heard = (other, incarnation, rest) -> {};

  /** Takes what other nodes' heartbeats say. */
  @FunctionalInterface
  interface Heard {
    void heard(String other, long incarnation, List<Object> rest);
  }

  /** Since when this node is connected without a break ({@link System#nanoTime}), or -1. */
  private volatile long connectedSince = -1;

  /** Since when this node is cut off from NATS ({@link System#nanoTime}), or -1; timer only. */
  private long cutOffSince = -1;

  /** Whether {@code fence} ran for the current cut; timer thread only. */
  private boolean fenced;

  /** When the last heartbeat tick ran ({@link System#nanoTime}); timer thread only. */
  private long lastTick = System.nanoTime();

  Liveness(
      Subjects subjects,
      String node,
      long incarnation,
      Duration heartbeat,
      Duration deathTimeout,
      ScheduledExecutorService timer,
      Supplier<java.util.Set<String>> named,
      Consumer<String> lost,
      java.util.function.BiConsumer<String, Long> restarted,
      java.util.function.BiConsumer<String, Long> purge,
      Runnable tidy,
      Runnable fence) {
    this.node = node;
    this.incarnation = incarnation;
    this.subject = subjects.heartbeats();
    this.heartbeat = heartbeat;
    this.deathNanos = deathTimeout.toNanos();
    this.timer = timer;
    this.named = named;
    this.lost = lost;
    this.restarted = restarted;
    this.purge = purge;
    this.tidy = tidy;
    this.fence = fence;
  }

  /**
   * The heartbeat says {@code rest} besides the node's name and process from now on (nodes of an
   * older version ignore it), and {@code listener} hears what the others' say, before a restart of
   * theirs is handled.
   */
  void announce(List<Object> rest, Heard listener) {
    this.announced = List.copyOf(rest);
    this.heard = listener;
  }

  void connected(Connection c) {
    connection = c;
    Dispatcher beats = c.createDispatcher(this::heard);
    beats.subscribe(subject);
    long period = heartbeat.toMillis();
    timer.scheduleAtFixedRate(this::tick, 0, period, TimeUnit.MILLISECONDS);
  }

  private void heard(Message message) {
    List<Object> beat;
    try {
      beat = Serializer.MSGPACK.decodeList(message.getData(), 0, message.getData().length);
    } catch (RuntimeException e) {
      LOG.debugf("ignored a malformed heartbeat: %s", e);
      return;
    }
    if (beat.size() < 3 || !(beat.get(0) instanceof Number v) || v.longValue() != VERSION) {
      return;
    }
    String other = (String) beat.get(1);
    long otherIncarnation = ((Number) beat.get(2)).longValue();
    if (other.equals(node)) {
      return;
    }
    try {
      heard.heard(other, otherIncarnation, beat.subList(3, beat.size()));
    } catch (RuntimeException e) {
      LOG.warnf(e, "node %s: the heartbeat of node %s", node, other);
    }
    Long known = incarnations.put(other, otherIncarnation);
    if (known != null && known != otherIncarnation) {
      LOG.infof("node %s: router node %s restarted", node, other);
      restarted.accept(other, otherIncarnation);
    }
    lastSeen.put(other, System.nanoTime());
    gone.remove(other);
  }

  private void tick() {
    try {
      Connection c = connection;
      long now = System.nanoTime();
      if (now - lastTick > Math.min(3 * heartbeat.toNanos(), deathNanos - heartbeat.toNanos())) {
        // This process did not run for a while (frozen, a long GC pause): the others' silence
        // meanwhile is its own. They are judged afresh from now on, and not purged before this
        // node has listened for a whole death timeout again.
        LOG.warnf(
            "node %s: did not run for %d ms; the other nodes are given a new death timeout",
            node, TimeUnit.NANOSECONDS.toMillis(now - lastTick));
        lastSeen.replaceAll((other, seen) -> now);
        connectedSince = -1;
      }
      lastTick = now;
      boolean up = c != null && c.getStatus() == Connection.Status.CONNECTED && reachable(c);
      if (!up) {
        connectedSince = -1;
        if (cutOffSince == -1) {
          cutOffSince = now;
        } else if (!fenced && now - cutOffSince > deathNanos) {
          // The others take this node for gone by now: its sessions go, as theirs would.
          fenced = true;
          fence.run();
        }
      } else {
        cutOffSince = -1;
        fenced = false;
        if (connectedSince == -1) {
          connectedSince = now;
        }
        List<Object> beat = new java.util.ArrayList<>(List.of(VERSION, node, incarnation));
        beat.addAll(announced);
        c.publish(subject, Serializer.MSGPACK.encodeList(beat));
        tidy.run();
      }
      for (String other : named.get()) {
        if (!other.equals(node)) {
          lastSeen.putIfAbsent(other, now);
        }
      }
      boolean heardLongEnough = up && now - connectedSince > deathNanos;
      for (Map.Entry<String, Long> e : lastSeen.entrySet()) {
        if (now - e.getValue() > deathNanos && lastSeen.remove(e.getKey(), e.getValue())) {
          String other = e.getKey();
          Long last = incarnations.remove(other);
          LOG.warnf(
              "node %s: router node %s has not been heard for %d ms: taken for gone",
              node, other, TimeUnit.NANOSECONDS.toMillis(now - e.getValue()));
          gone.add(other);
          lost.accept(other);
          if (heardLongEnough) {
            purge.accept(other, last);
          } else {
            // Not heard because this node was cut off itself: followed again from its entries.
            lastSeen.putIfAbsent(other, now);
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.warnf("node %s: heartbeat: %s", node, e.toString());
    }
  }

  /**
   * Whether NATS answers a PING within a heartbeat. The client's own keep-alive notices a silent
   * break only after several missed pings, later than the others take this node for gone; this node
   * must fence by then, not seconds after.
   */
  private boolean reachable(Connection c) {
    try {
      c.flush(heartbeat);
      return true;
    } catch (java.util.concurrent.TimeoutException | IllegalStateException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Follows node {@code other} from now on, if it is not yet (a node calls come from or go to). */
  void notice(String other) {
    if (!lastSeen.containsKey(other) && !other.equals(node)) {
      lastSeen.putIfAbsent(other, System.nanoTime());
    }
  }

  /**
   * Whether node {@code other} was taken for gone and has not been heard from since; false for a
   * node this one has not heard from yet (it may have just started).
   */
  boolean isGone(String other) {
    return gone.contains(other);
  }

  /** The other nodes heard from lately. */
  java.util.Set<String> alive() {
    return java.util.Set.copyOf(lastSeen.keySet());
  }
}
