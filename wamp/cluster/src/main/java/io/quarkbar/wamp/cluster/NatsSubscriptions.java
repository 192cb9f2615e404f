package io.quarkbar.wamp.cluster;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.router.broker.Broker;
import io.quarkbar.wamp.router.broker.EventExchange.NotShared;
import io.quarkbar.wamp.router.broker.EventExchange.SharedSubscription;
import io.quarkbar.wamp.router.broker.SubscriptionInfo;
import io.quarkbar.wamp.router.config.MatchPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * The cluster's subscriptions, in a JetStream key-value bucket ({@code QB_<cluster>_SUB}): one
 * entry per (realm, match policy, URI) with the subscription's ID and the nodes that have
 * subscribers to it. A node's first subscriber to a pattern joins the entry (creating it, with an
 * ID drawn at random, when it is new), so every node gives the pattern the same subscription ID;
 * its last subscriber leaving takes the node out, and the entry goes with the last node. Each
 * change is a compare-and-set on the entry's revision, so the node whose change creates or deletes
 * the entry is the one that announces {@code on_create} or {@code on_delete}, once in the cluster.
 *
 * <p>Only a node's first and last subscriber to a pattern touch the bucket, on the registrations'
 * worker thread; a SUBSCRIBE that creates a node's subscription waits for it already (the other
 * nodes' publications are being followed), the others are answered at once.
 */
final class NatsSubscriptions {

  private static final Logger LOG = Logger.getLogger(NatsSubscriptions.class);

  private static final int CONFLICT = 10071;
  private static final int MAX_ATTEMPTS = 100;
  private static final long MAX_ID = 1L << 53;
  private static final long VERSION = 1;

  private final String node;
  private final String bucket;
  private final KvWorker tasks;
  private final Duration timeout;

  private volatile Connection connection;
  private volatile KeyValue kv;

  /**
   * Worker only: the entries this process joined, with their IDs: spared when it removes its
   * predecessors', put back when NATS lost the bucket.
   */
  private final Map<String, Long> mine = new HashMap<>();

  /**
   * The cluster's subscriptions as the bucket has them, by realm and entry key, for the
   * subscription meta API's queries: a few milliseconds behind the bucket.
   */
  private volatile Map<String, Map<String, Mirrored>> mirror = new ConcurrentHashMap<>();

  /** An entry of the bucket as the mirror has it: the subscription, and the nodes that hold it. */
  private record Mirrored(SubscriptionInfo info, List<String> nodes) {}

  /** The subscriptions of {@code realm} on every node, as the mirror has them. */
  java.util.Collection<SubscriptionInfo> mirrored(String realm) {
    Map<String, Mirrored> inRealm = mirror.get(realm);
    return inRealm == null ? List.of() : inRealm.values().stream().map(Mirrored::info).toList();
  }

  /** The nodes that have subscribers to subscription {@code id} of {@code realm}, as mirrored. */
  List<String> nodesOf(String realm, long id) {
    Map<String, Mirrored> inRealm = mirror.get(realm);
    if (inRealm != null) {
      for (Mirrored m : inRealm.values()) {
        if (m.info().id() == id) {
          return m.nodes();
        }
      }
    }
    return List.of();
  }

  /**
   * The bucket's changes into the mirror. A new watch (after NATS came back) loads the bucket into
   * a map of its own, which replaces the mirror once loaded.
   */
  private final class Mirror implements io.nats.client.api.KeyValueWatcher {

    private Map<String, Map<String, Mirrored>> target = new ConcurrentHashMap<>();

    @Override
    public synchronized void watch(KeyValueEntry entry) {
      String[] k;
      try {
        k = NatsRegistry.parseKey(entry.getKey());
      } catch (RuntimeException e) {
        LOG.debugf("node %s: ignored a subscription entry it cannot read: %s", node, entry);
        return;
      }
      Map<String, Mirrored> inRealm = target.computeIfAbsent(k[0], r -> new ConcurrentHashMap<>());
      if (entry.getOperation() != io.nats.client.api.KeyValueOperation.PUT
          || entry.getValue() == null) {
        inRealm.remove(entry.getKey());
        return;
      }
      try {
        List<Object> held = decode(entry.getValue());
        long id = ((Number) held.get(1)).longValue();
        inRealm.put(
            entry.getKey(),
            new Mirrored(
                new SubscriptionInfo(
                    id, k[2], MatchPolicy.valueOf(k[1]), entry.getCreated().toInstant()),
                List.copyOf(nodes(held))));
      } catch (RuntimeException e) {
        LOG.debugf("node %s: ignored a malformed subscription entry %s: %s", node, entry, e);
      }
    }

    @Override
    public synchronized void endOfData() {
      mirror = target;
    }
  }

  /**
   * Worker only: the entries this node keeps as long as it runs (event history's subscriptions),
   * claimed once the bucket is open, and where each one's ID goes.
   */
  private final List<Kept> kept = new ArrayList<>();

  private record Kept(String key, java.util.concurrent.CompletableFuture<SharedSubscription> id) {}

  /** Kept entries not claimed yet: the node is not ready before they are. */
  private final java.util.concurrent.atomic.AtomicInteger unclaimed =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Worker only: whether what an earlier process of this name left has been removed. */
  private boolean selfPurged;

  NatsSubscriptions(String cluster, String node, ExecutorService worker, Duration timeout) {
    this.node = node;
    this.bucket = "QB_" + cluster + "_SUB";
    this.tasks = new KvWorker(worker, "subscriptions");
    this.timeout = timeout;
  }

  void connected(Connection c) {
    connection = c;
    tasks.run(this::open);
  }

  /** Opens the bucket, creating it if it is new; worker only, tried again each heartbeat. */
  private void open() {
    Connection c = connection;
    if (kv != null || c == null || c.getStatus() != Connection.Status.CONNECTED) {
      return;
    }
    try {
      KeyValue bucketHandle = tasks.open(c, bucket, timeout);
      tasks.watch(bucketHandle, new Mirror());
      kv = bucketHandle;
      claimKept();
    } catch (Exception e) {
      LOG.debugf("node %s: cannot open the cluster's subscriptions yet: %s", node, e);
    }
  }

  /**
   * Joins this node to the entry of a subscription it keeps as long as it runs, once the bucket is
   * open (however long that takes): see {@link io.quarkbar.wamp.router.broker.EventExchange#keep}.
   */
  CompletionStage<SharedSubscription> keep(String realm, String uri, MatchPolicy match) {
    Kept k =
        new Kept(
            NatsRegistry.key(realm, uri, match), new java.util.concurrent.CompletableFuture<>());
    unclaimed.incrementAndGet();
    tasks.run(
        () -> {
          kept.add(k);
          claimKept();
        });
    return k.id();
  }

  /** Worker only: claims the kept entries not claimed yet, once the bucket is open. */
  private void claimKept() {
    KeyValue bucketHandle = kv;
    if (bucketHandle == null) {
      return;
    }
    for (Kept k : kept) {
      if (k.id().isDone()) {
        continue;
      }
      try {
        SharedSubscription joined =
            join(bucketHandle, k.key(), ThreadLocalRandom.current().nextLong(1, MAX_ID + 1), false);
        if (joined != null) {
          mine.put(k.key(), joined.id());
          k.id().complete(joined);
          unclaimed.decrementAndGet();
        }
      } catch (Exception e) {
        LOG.debugf("node %s: cannot claim the subscription %s yet: %s", node, k.key(), e);
        return;
      }
    }
  }

  CompletionStage<SharedSubscription> claim(String realm, String uri, MatchPolicy match) {
    String key = NatsRegistry.key(realm, uri, match);
    return tasks.supply(
        () -> {
          SharedSubscription joined =
              join(ready(), key, ThreadLocalRandom.current().nextLong(1, MAX_ID + 1), false);
          if (joined == null) {
            throw new NotShared(
                Broker.CLUSTER_UNAVAILABLE,
                "the subscription to " + uri + " changed too often",
                null);
          }
          mine.put(key, joined.id());
          return joined;
        });
  }

  /**
   * Worker only: joins this node to entry {@code key} by compare-and-set, creating the entry under
   * {@code id} when it is missing; with {@code sameIdOnly}, an entry under another ID is left as it
   * is. Returns the entry's ID and whether this created it, or null when the entry changed under
   * every one of {@link #MAX_ATTEMPTS} attempts.
   */
  private SharedSubscription join(KeyValue bucketHandle, String key, long id, boolean sameIdOnly)
      throws Exception {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      KeyValueEntry entry = bucketHandle.get(key);
      try {
        if (entry == null || entry.getValue() == null) {
          bucketHandle.create(key, encode(id, List.of(node)));
          return new SharedSubscription(id, true);
        }
        List<Object> held = decode(entry.getValue());
        long heldId = ((Number) held.get(1)).longValue();
        List<String> nodes = nodes(held);
        if ((heldId == id || !sameIdOnly) && !nodes.contains(node)) {
          nodes.add(node);
          bucketHandle.update(key, encode(heldId, nodes), entry.getRevision());
        }
        return new SharedSubscription(heldId, false);
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() != CONFLICT) {
          throw e;
        }
      }
    }
    return null;
  }

  CompletionStage<Boolean> release(String realm, String uri, MatchPolicy match) {
    String key = NatsRegistry.key(realm, uri, match);
    return tasks.supply(
        () -> {
          mine.remove(key);
          return remove(ready(), key, node::equals);
        });
  }

  /**
   * Takes the nodes {@code which} accepts out of entry {@code key}, and the entry with its last
   * node; true when this deleted it.
   */
  private static boolean remove(KeyValue bucketHandle, String key, Predicate<String> which)
      throws Exception {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      KeyValueEntry entry = bucketHandle.get(key);
      if (entry == null || entry.getValue() == null) {
        return false;
      }
      List<Object> held = decode(entry.getValue());
      List<String> nodes = nodes(held);
      if (!nodes.removeIf(which)) {
        return false;
      }
      try {
        if (nodes.isEmpty()) {
          bucketHandle.delete(key, entry.getRevision());
          return true;
        }
        bucketHandle.update(
            key, encode(((Number) held.get(1)).longValue(), nodes), entry.getRevision());
        return false;
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() != CONFLICT) {
          throw e;
        }
      }
    }
    return false;
  }

  /**
   * Takes node {@code gone} out of every subscription (it left the cluster, or, for this node's own
   * name, an earlier process left it there; this process's own entries are spared).
   */
  void purge(String gone) {
    tasks.run(() -> purgeNow(gone));
  }

  private boolean purgeNow(String gone) {
    KeyValue bucketHandle = kv;
    if (bucketHandle == null) {
      return false;
    }
    boolean self = gone.equals(node);
    try {
      for (String key : bucketHandle.keys()) {
        if (!(self && mine.containsKey(key))) {
          remove(bucketHandle, key, gone::equals);
        }
      }
      return true;
    } catch (Exception e) {
      LOG.debugf("node %s: could not take node %s out of the subscriptions: %s", node, gone, e);
      return false;
    }
  }

  /**
   * NATS is back after a break. If it lost the bucket (a server that came back without its store),
   * this node's subscriptions are put back under their IDs, so that a subscriber on another node
   * still gets the same ID.
   */
  void reconnected() {
    tasks.run(
        () -> {
          Connection c = connection;
          if (kv == null) {
            open();
            return;
          }
          try {
            KvWorker.Reopened reopened = tasks.reopen(c, bucket, timeout);
            KeyValue bucketHandle = reopened.bucket();
            if (reopened.lost()) {
              LOG.warnf(
                  "node %s: NATS lost the cluster's subscriptions (bucket %s; a server without"
                      + " its store?); putting this node's %d back",
                  node, bucket, mine.size());
              kv = bucketHandle;
              for (Map.Entry<String, Long> own : mine.entrySet()) {
                rejoin(bucketHandle, own.getKey(), own.getValue());
              }
            }
            // A NATS server that restarted lost the watch's consumer.
            tasks.watch(bucketHandle, new Mirror());
          } catch (Exception e) {
            LOG.warnf("node %s: could not check the cluster's subscriptions: %s", node, e);
          }
        });
  }

  /** Puts this node back into entry {@code key}, created under {@code id} if it is missing. */
  private void rejoin(KeyValue bucketHandle, String key, long id) throws Exception {
    SharedSubscription joined = join(bucketHandle, key, id, true);
    if (joined != null && joined.id() != id) {
      LOG.warnf(
          "node %s: the subscription %s has another ID in the cluster now; this node's"
              + " subscribers keep theirs",
          node, key);
    }
  }

  /** Each heartbeat: opens the bucket if it failed so far, and removes a predecessor's entries. */
  void tidy() {
    tasks.run(
        () -> {
          open();
          claimKept();
          if (!selfPurged && kv != null) {
            selfPurged = purgeNow(node);
          }
        });
  }

  boolean isReady() {
    Connection c = connection;
    return kv != null
        && unclaimed.get() == 0
        && c != null
        && c.getStatus() == Connection.Status.CONNECTED;
  }

  /** {@code [1, id, [node...]]}. */
  private static byte[] encode(long id, List<String> nodes) {
    return Serializer.MSGPACK.encodeList(List.of(VERSION, id, nodes));
  }

  private static List<Object> decode(byte[] bytes) {
    List<Object> l = Serializer.MSGPACK.decodeList(bytes, 0, bytes.length);
    if (l.size() < 3 || !(l.get(0) instanceof Number v) || v.longValue() != VERSION) {
      throw new IllegalArgumentException("not a subscription of version " + VERSION);
    }
    return l;
  }

  private static List<String> nodes(List<Object> held) {
    List<String> nodes = new ArrayList<>();
    for (Object n : (List<?>) held.get(2)) {
      nodes.add((String) n);
    }
    return nodes;
  }

  private KeyValue ready() {
    KeyValue bucketHandle = kv;
    Connection c = connection;
    if (bucketHandle == null || c == null || c.getStatus() != Connection.Status.CONNECTED) {
      throw tasks.notReady(c, bucketHandle != null);
    }
    return bucketHandle;
  }
}
