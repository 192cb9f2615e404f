package io.quarkbar.wamp.cluster;

import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.quarkbar.wamp.router.Router;
import io.quarkbar.wamp.router.broker.SharedPublication;
import io.quarkbar.wamp.router.config.MatchPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.jboss.logging.Logger;

/**
 * The cluster's retained events, in a JetStream key-value bucket ({@code QB_<cluster>_RET}): one
 * entry per (realm, topic), the last event published with {@code retain} on that topic on any node
 * whose realm retains it. Every node watches the whole bucket and keeps what it reads as its own
 * retained events ({@link Router#retainShared}), so a subscriber asking for them gets the same on
 * every node, a node started later included, and they outlive the nodes (not a NATS server that
 * loses its store).
 *
 * <p>The bucket orders the puts of one topic, so every node ends with the same last event even when
 * two nodes retain on one topic at once (for a moment, the publisher's node has its own). Puts run
 * on a worker of their own and are coalesced per topic: a topic retained faster than NATS takes the
 * puts sends the newest one and drops those in between, which nobody could have told apart. One
 * that NATS did not take (it was unreachable) is put again once it is back, before the bucket is
 * read again, and until then the bucket's older entry for its topic does not replace it. An entry
 * deleted from the bucket ({@code nats kv del}) is forgotten by every node. A cluster none of whose
 * realms retain events has no bucket.
 */
final class NatsRetained {

  private static final Logger LOG = Logger.getLogger(NatsRetained.class);

  private final String node;
  private final String bucket;
  private final Router router;
  private final KvWorker tasks;
  private final Duration timeout;

  /** Whether a realm of the router retains events (its realms are set when it is made). */
  private final boolean wanted;

  private volatile Connection connection;
  private volatile KeyValue kv;

  /** Topics waiting to be put at most; past it, a new topic's event stays on its own node. */
  static final int MAX_WAITING = 10_000;

  /** The newest event of each topic not put yet, by key. */
  private final Map<String, byte[]> pending = new ConcurrentHashMap<>();

  /** Events NATS did not take, by key, put again once it is back; worker only but read by watch. */
  private final Map<String, byte[]> unsent = new ConcurrentHashMap<>();

  NatsRetained(
      String cluster, String node, Router router, ExecutorService worker, Duration timeout) {
    this.node = node;
    this.bucket = "QB_" + cluster + "_RET";
    this.router = router;
    this.tasks = new KvWorker(worker, "retained events");
    this.timeout = timeout;
    this.wanted = router.retainsEvents();
  }

  void connected(Connection c) {
    connection = c;
    tasks.run(this::open);
  }

  /** Opens the bucket and watches it, creating it if it is new; worker only. */
  private void open() {
    Connection c = connection;
    if (kv != null || c == null || c.getStatus() != Connection.Status.CONNECTED || !wanted) {
      return;
    }
    try {
      KeyValue handle = tasks.open(c, bucket, timeout);
      resend(handle);
      tasks.watch(handle, new Keeper());
      kv = handle;
    } catch (Exception e) {
      LOG.debugf("node %s: cannot open the cluster's retained events yet: %s", node, e);
    }
  }

  /** NATS is back after a break: a server that restarted lost the watch's consumer. */
  void reconnected() {
    tasks.run(
        () -> {
          if (kv == null) {
            open();
            return;
          }
          try {
            KeyValue handle = tasks.reopen(connection, bucket, timeout).bucket();
            kv = handle;
            resend(handle);
            tasks.watch(handle, new Keeper());
          } catch (Exception e) {
            LOG.warnf("node %s: could not watch the cluster's retained events again: %s", node, e);
          }
        });
  }

  /** Each heartbeat: opens the bucket if that failed so far, and puts what NATS did not take. */
  void tidy() {
    tasks.run(
        () -> {
          open();
          KeyValue handle = kv;
          if (handle != null && !unsent.isEmpty()) {
            resend(handle);
          }
        });
  }

  /** Worker only: puts again what NATS did not take; what it still refuses stays for later. */
  private void resend(KeyValue handle) {
    for (String key : List.copyOf(unsent.keySet())) {
      byte[] body = unsent.get(key);
      if (body == null) {
        continue;
      }
      try {
        handle.put(key, body);
        unsent.remove(key, body);
      } catch (Exception e) {
        LOG.debugf("node %s: NATS does not take retained events yet: %s", node, e);
        return;
      }
    }
  }

  /** Puts {@code p}, retained on this node, into the bucket, for the other nodes. */
  void put(String realm, SharedPublication p) {
    String key;
    byte[] body;
    try {
      key = NatsRegistry.key(realm, p.topic(), MatchPolicy.EXACT);
      body = EventEnvelope.encode(realm, p);
    } catch (RuntimeException e) {
      LOG.debugf("node %s: a retained event on %s stays on this node: %s", node, p.topic(), e);
      return;
    }
    if (!pending.containsKey(key) && pending.size() + unsent.size() >= MAX_WAITING) {
      LOG.debugf("node %s: too many retained events wait for NATS; %s stays here", node, key);
      return;
    }
    if (pending.put(key, body) == null) {
      tasks.run(() -> flush(key));
    }
  }

  /**
   * Worker only: puts the newest event waiting under {@code key}; keeps it for later when NATS does
   * not take it. (It is no larger than NATS's {@code max_payload}: the same envelope went out as
   * the publication.)
   */
  private void flush(String key) {
    byte[] body = pending.get(key);
    if (body == null) {
      return;
    }
    // Unsent before it leaves pending: the watch never finds the key in neither while it travels.
    unsent.put(key, body);
    pending.remove(key, body);
    KeyValue handle = kv;
    Connection c = connection;
    if (handle == null || c == null || c.getStatus() != Connection.Status.CONNECTED) {
      LOG.debugf("node %s: NATS unreachable; a retained event waits for it", node);
      return;
    }
    try {
      handle.put(key, body);
      unsent.remove(key, body);
    } catch (Exception e) {
      LOG.debugf("node %s: NATS did not take a retained event; it waits: %s", node, e);
    }
  }

  /** What the bucket holds, and each change to it, kept by this node's router. */
  private final class Keeper implements KeyValueWatcher {

    @Override
    public void watch(KeyValueEntry entry) {
      String key = entry.getKey();
      if (pending.containsKey(key) || unsent.containsKey(key)) {
        // This node has a newer event for the topic than the bucket, on its way there.
        return;
      }
      if (entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null) {
        try {
          String[] k = NatsRegistry.parseKey(key);
          router.forgetRetained(k[0], k[2]);
        } catch (RuntimeException e) {
          LOG.debugf("node %s: ignored a retained entry it cannot read: %s", node, key);
        }
        return;
      }
      try {
        EventEnvelope.Decoded event = EventEnvelope.decode(entry.getValue());
        router.retainShared(event.realm(), event.publication());
      } catch (RuntimeException e) {
        LOG.debugf("node %s: ignored a retained event it cannot read: %s", node, e);
      }
    }

    @Override
    public void endOfData() {}
  }
}
