package io.quarkbar.wamp.cluster;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.Router;
import io.quarkbar.wamp.router.broker.Broker;
import io.quarkbar.wamp.router.broker.EventExchange.NotShared;
import io.quarkbar.wamp.router.config.MatchPolicy;
import io.quarkbar.wamp.router.dealer.CallExchange.Claim;
import io.quarkbar.wamp.router.dealer.CallExchange.Revision;
import io.quarkbar.wamp.router.dealer.CallExchange.SharedCallee;
import io.quarkbar.wamp.router.dealer.CallExchange.SharedRegistration;
import io.quarkbar.wamp.router.dealer.Dealer;
import io.quarkbar.wamp.router.dealer.InvokePolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * The cluster's registrations, in a JetStream key-value bucket ({@code QB_<cluster>_REG}): one
 * entry per (realm, match policy, URI) with the registration's ID, invoke policy and callees in
 * registration order, each callee with its node. Every change is a compare-and-set on the entry's
 * revision, so two nodes registering one URI at once cannot both win, and a {@code single}
 * procedure is registered once in the cluster. Every node watches the bucket and mirrors it into
 * its dealers ({@link Dealer#mirror}), so that routing a call never waits for the bucket.
 *
 * <p>The bucket's API blocks: its calls run on one worker thread of their own, in the order the
 * dealers asked. A node re-adds its callees that the bucket lost (other nodes took it for dead
 * while it was cut off), and removes at its first connection what an earlier process of the same
 * name left.
 */
final class NatsRegistry {

  private static final Logger LOG = Logger.getLogger(NatsRegistry.class);

  /** JetStream's "wrong last sequence": someone else changed the entry first. */
  private static final int CONFLICT = 10071;

  private static final int MAX_ATTEMPTS = 100;
  private static final long MAX_ID = 1L << 53;
  private static final long VERSION = 1;

  private final String node;
  private final String bucket;
  private final Router router;
  private final KvWorker tasks;
  private final Duration timeout;

  private volatile Connection connection;
  private volatile KeyValue kv;

  /** The connection the bucket is opened on (again, after a break, if it failed). */
  private volatile Connection opening;

  /** Worker thread only: this node's callees as it registered them, by entry key. */
  private final Map<String, Mine> mine = new HashMap<>();

  /** This node's callees of one entry, with the registration's ID and policy as it claimed them. */
  private record Mine(long id, InvokePolicy invoke, Map<Long, SharedCallee> callees) {}

  /** Worker thread only: whether what an earlier process of this name left has been removed. */
  private boolean selfPurged;

  /** The nodes each entry names (from the watch), for liveness to follow. */
  private final Map<String, Set<String>> nodesByKey = new ConcurrentHashMap<>();

  NatsRegistry(
      String cluster, String node, Router router, ExecutorService worker, Duration timeout) {
    this.node = node;
    this.bucket = "QB_" + cluster + "_REG";
    this.router = router;
    this.tasks = new KvWorker(worker, "registrations");
    this.timeout = timeout;
  }

  /**
   * The connection is made: opens the bucket (creating it when it is new), removes what an earlier
   * process of this node's name left in it, and starts mirroring it.
   */
  void connected(Connection c) {
    opening = c;
    tasks.run(this::open);
  }

  /**
   * Opens the bucket, creating it if it is new; worker only. Tried again each heartbeat until it
   * works: nodes starting together race to create it, and JetStream may refuse all but one for a
   * moment.
   */
  private void open() {
    Connection c = opening;
    if (kv != null || c == null || c.getStatus() != Connection.Status.CONNECTED) {
      return;
    }
    try {
      KeyValue bucketHandle = tasks.open(c, bucket, timeout);
      connection = c;
      kv = bucketHandle;
      selfPurged = purgeNow(node) >= 0;
      tasks.watch(bucketHandle, new Mirror());
      if (openFailures > 0) {
        LOG.infof("node %s: the cluster's registrations are open now", node);
      }
    } catch (Exception e) {
      if (openFailures++ == 0) {
        LOG.warnf(
            "node %s: cannot open the cluster's registrations (bucket %s; does NATS run"
                + " JetStream?): %s; registrations and calls across nodes wait for it, and it is"
                + " tried again every heartbeat",
            node, bucket, e.toString());
      }
    }
  }

  /** Worker only: failed attempts to open the bucket. */
  private int openFailures;

  /**
   * NATS is back after a break: the watch starts again from the bucket's current state (a NATS
   * server that restarted has lost the watch's consumer), so that what changed meanwhile reaches
   * the dealers, and this node's callees the cluster dropped meanwhile are registered again.
   */
  void reconnected() {
    tasks.run(
        () -> {
          KeyValue bucketHandle = kv;
          if (bucketHandle == null) {
            open(); // it failed so far: try again
            return;
          }
          try {
            KvWorker.Reopened reopened = tasks.reopen(connection, bucket, timeout);
            bucketHandle = reopened.bucket();
            if (reopened.lost()) {
              LOG.warnf(
                  "node %s: NATS lost the cluster's registrations (bucket %s; a server without"
                      + " its store?); registering this node's %d procedure(s) again",
                  node, bucket, mine.size());
              kv = bucketHandle;
              for (String key : List.copyOf(mine.keySet())) {
                reassert(key);
              }
            }
            tasks.watch(bucketHandle, new Mirror());
          } catch (Exception e) {
            LOG.warnf("node %s: could not follow the cluster's registrations again: %s", node, e);
          }
        });
  }

  CompletionStage<Claim> register(
      String realm, String uri, MatchPolicy match, InvokePolicy invoke, SharedCallee callee) {
    String key = key(realm, uri, match);
    return tasks.supply(
        () -> {
          KeyValue bucketHandle = ready();
          try {
            return claim(bucketHandle, key, uri, invoke, callee);
          } catch (NotShared e) {
            throw e;
          } catch (Exception e) {
            // The change may have been stored even so (a lost reply): taken out when NATS answers.
            leftovers.add(new Leftover(key, callee.session()));
            throw e;
          }
        });
  }

  private Claim claim(
      KeyValue bucketHandle, String key, String uri, InvokePolicy invoke, SharedCallee callee)
      throws Exception {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      KeyValueEntry entry = bucketHandle.get(key);
      try {
        if (entry == null || entry.getValue() == null) {
          long id = ThreadLocalRandom.current().nextLong(1, MAX_ID + 1);
          long revision =
              bucketHandle.create(key, encode(new SharedRegistration(id, invoke, List.of(callee))));
          remember(key, id, invoke, callee);
          return new Claim(id, true, revision);
        }
        SharedRegistration held = decode(entry.getValue());
        String conflict = conflict(uri, held, invoke, callee);
        if (conflict != null) {
          throw new NotShared(WampUris.PROCEDURE_ALREADY_EXISTS, conflict, null);
        }
        List<SharedCallee> callees = new ArrayList<>(held.callees());
        callees.add(callee);
        long revision =
            bucketHandle.update(
                key,
                encode(new SharedRegistration(held.id(), held.invoke(), callees)),
                entry.getRevision());
        remember(key, held.id(), held.invoke(), callee);
        return new Claim(held.id(), false, revision);
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() != CONFLICT) {
          throw e;
        }
      }
    }
    throw new NotShared(
        Broker.CLUSTER_UNAVAILABLE,
        "the registration of " + uri + " changed too often to add this callee",
        null);
  }

  private void remember(String key, long id, InvokePolicy invoke, SharedCallee callee) {
    Mine held = mine.get(key);
    if (held == null || held.id() != id) {
      held = new Mine(id, invoke, new HashMap<>());
      mine.put(key, held);
    }
    held.callees().put(callee.session(), callee);
    // Registered now: an earlier failed attempt's clean-up must not take it out again.
    leftovers.remove(new Leftover(key, callee.session()));
  }

  private String conflict(
      String uri, SharedRegistration held, InvokePolicy invoke, SharedCallee callee) {
    if (held.invoke() == InvokePolicy.SINGLE) {
      SharedCallee owner = held.callees().get(0);
      return "procedure "
          + uri
          + " is already registered"
          + (owner.node().equals(node)
              ? ""
              : " (by a session of router node " + owner.node() + ")");
    }
    if (held.invoke() != invoke) {
      return "procedure "
          + uri
          + " is registered with invoke="
          + held.invoke().wampName()
          + ", and every callee must ask for the same; this one asked for "
          + invoke.wampName();
    }
    for (SharedCallee c : held.callees()) {
      if (c.node().equals(callee.node()) && c.session() == callee.session()) {
        return "this session has registered procedure " + uri + " already";
      }
    }
    return null;
  }

  CompletionStage<Boolean> unregister(String realm, String uri, MatchPolicy match, long session) {
    String key = key(realm, uri, match);
    return tasks.supply(
        () -> {
          Mine own = mine.get(key);
          if (own != null) {
            own.callees().remove(session);
            if (own.callees().isEmpty()) {
              mine.remove(key);
            }
          }
          try {
            return remove(ready(), key, c -> c.node().equals(node) && c.session() == session).kind()
                == Removal.DELETED;
          } catch (Exception e) {
            leftovers.add(new Leftover(key, session));
            throw e;
          }
        });
  }

  /** A callee of this node the cluster could not be told about when it left; worker only. */
  private record Leftover(String key, long session) {}

  private final Set<Leftover> leftovers = new HashSet<>();

  /** Tells the cluster now about the callees that left while it could not be told (NATS away). */
  void tidy() {
    tasks.run(
        () -> {
          open();
          if (!selfPurged && kv != null) {
            selfPurged = purgeNow(node) >= 0;
          }
          KeyValue bucketHandle = kv;
          Connection c = connection;
          if (leftovers.isEmpty()
              || bucketHandle == null
              || c.getStatus() != Connection.Status.CONNECTED) {
            return;
          }
          for (java.util.Iterator<Leftover> it = leftovers.iterator(); it.hasNext(); ) {
            Leftover l = it.next();
            try {
              remove(
                  bucketHandle, l.key(), x -> x.node().equals(node) && x.session() == l.session());
              it.remove();
            } catch (Exception e) {
              LOG.debugf("node %s: %s stays to be removed: %s", node, l, e);
              return;
            }
          }
        });
  }

  /**
   * Takes node {@code gone}'s callees out of every registration (it left the cluster, or an earlier
   * process of this node's name left them); several nodes may do it at once, one change wins each
   * entry.
   */
  CompletionStage<Integer> purge(String gone) {
    return tasks.supply(() -> purgeNow(gone));
  }

  /** Returns how many entries it changed, or -1 when it could not get through them all. */
  private int purgeNow(String gone) {
    KeyValue bucketHandle = kv;
    if (bucketHandle == null) {
      return -1;
    }
    boolean self = gone.equals(node);
    try {
      int touched = 0;
      for (String key : bucketHandle.keys()) {
        if (self || nodesOf(key).contains(gone)) {
          // This node's own entries: only those of sessions this process does not know.
          Mine own = self ? mine.get(key) : null;
          java.util.function.Predicate<SharedCallee> which =
              c ->
                  c.node().equals(gone) && (own == null || !own.callees().containsKey(c.session()));
          Removed removed = remove(bucketHandle, key, which);
          if (removed.kind() != Removal.NONE) {
            touched++;
            announce(key, removed);
          }
        }
      }
      if (touched > 0) {
        LOG.infof(
            "node %s: took router node %s's callees out of %d registration(s): %s",
            node, gone, touched, gone.equals(node) ? "an earlier process left them" : "it is gone");
      }
      return touched;
    } catch (Exception e) {
      LOG.warnf("node %s: could not remove the registrations of node %s: %s", node, gone, e);
      return -1;
    }
  }

  private enum Removal {
    NONE,
    REMOVED,
    DELETED
  }

  /** What a removal changed: the registration's ID and the callees taken out of it. */
  private record Removed(Removal kind, long registration, List<SharedCallee> callees) {
    static final Removed NOTHING = new Removed(Removal.NONE, 0, List.of());
  }

  /**
   * Removes the callees {@code which} accepts from entry {@code key}, and the entry with its last
   * callee.
   */
  private static Removed remove(
      KeyValue bucketHandle, String key, java.util.function.Predicate<SharedCallee> which)
      throws Exception {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      KeyValueEntry entry = bucketHandle.get(key);
      if (entry == null || entry.getValue() == null) {
        return Removed.NOTHING;
      }
      SharedRegistration held = decode(entry.getValue());
      List<SharedCallee> left = new ArrayList<>(held.callees());
      List<SharedCallee> gone = held.callees().stream().filter(which).toList();
      if (gone.isEmpty()) {
        return Removed.NOTHING;
      }
      left.removeAll(gone);
      try {
        if (left.isEmpty()) {
          bucketHandle.delete(key, entry.getRevision());
          return new Removed(Removal.DELETED, held.id(), gone);
        }
        bucketHandle.update(
            key,
            encode(new SharedRegistration(held.id(), held.invoke(), left)),
            entry.getRevision());
        return new Removed(Removal.REMOVED, held.id(), gone);
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() != CONFLICT) {
          throw e;
        }
      }
    }
    throw new IllegalStateException("entry " + key + " changed too often");
  }

  /**
   * The meta events of callees of a node gone that this node took out of the cluster (the change
   * that won, so each fires once): {@code on_unregister} for each, and {@code on_delete} with the
   * last.
   */
  private void announce(String key, Removed removed) {
    String realm = parseKey(key)[0];
    for (SharedCallee c : removed.callees()) {
      router.announce(
          realm, "wamp.registration.on_unregister", List.of(c.session(), removed.registration()));
    }
    if (removed.kind() == Removal.DELETED) {
      router.announce(
          realm,
          "wamp.registration.on_delete",
          List.of(removed.callees().getLast().session(), removed.registration()));
    }
  }

  /**
   * Puts back this node's callees of entry {@code key} that the bucket no longer lists (other nodes
   * took this one for dead while it was cut off). A {@code single} procedure another callee has
   * taken meanwhile stays theirs: this node's callee then serves nobody, which the log says.
   */
  private void reassert(String key) {
    Mine own = mine.get(key);
    KeyValue bucketHandle = kv;
    if (own == null || bucketHandle == null) {
      return;
    }
    try {
      for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        KeyValueEntry entry = bucketHandle.get(key);
        SharedRegistration held =
            entry == null || entry.getValue() == null ? null : decode(entry.getValue());
        List<SharedCallee> missing = new ArrayList<>(own.callees().values());
        if (held != null) {
          missing.removeIf(m -> held.callees().contains(m));
        }
        if (missing.isEmpty()) {
          return;
        }
        try {
          if (held == null) {
            // Under the ID its callees know.
            bucketHandle.create(
                key, encode(new SharedRegistration(own.id(), own.invoke(), missing)));
          } else if (held.id() != own.id()
              || held.invoke() == InvokePolicy.SINGLE
              || held.invoke() != own.invoke()) {
            LOG.warnf(
                "node %s: its callees of %s were dropped by the cluster while this node was cut"
                    + " off, and another callee registered it meanwhile",
                node, keyUri(key));
            return;
          } else {
            List<SharedCallee> callees = new ArrayList<>(held.callees());
            callees.addAll(missing);
            bucketHandle.update(
                key,
                encode(new SharedRegistration(held.id(), held.invoke(), callees)),
                entry.getRevision());
          }
          LOG.infof("node %s: registered %s in the cluster again", node, keyUri(key));
          return;
        } catch (JetStreamApiException e) {
          if (e.getApiErrorCode() != CONFLICT) {
            throw e;
          }
        }
      }
    } catch (Exception e) {
      LOG.warnf("node %s: could not register %s in the cluster again: %s", node, keyUri(key), e);
    }
  }

  /** The cluster's entry of {@code uri} under {@code match} as the bucket has it now, or null. */
  CompletionStage<SharedRegistration> read(String realm, String uri, MatchPolicy match) {
    return tasks.supply(
        () -> {
          KeyValueEntry entry = ready().get(key(realm, uri, match));
          return entry == null || entry.getValue() == null ? null : decode(entry.getValue());
        });
  }

  /** Whether the registrations are open and NATS connected. */
  boolean isReady() {
    Connection c = connection;
    return kv != null && c != null && c.getStatus() == Connection.Status.CONNECTED;
  }

  /** Every node some registration names. */
  Set<String> nodes() {
    Set<String> all = new HashSet<>();
    nodesByKey.values().forEach(all::addAll);
    return all;
  }

  private Set<String> nodesOf(String key) {
    return nodesByKey.getOrDefault(key, Set.of());
  }

  /** The bucket's changes, from any node, into this node's dealers. */
  private final class Mirror implements KeyValueWatcher {

    @Override
    public void watch(KeyValueEntry entry) {
      String key = entry.getKey();
      String[] parts;
      try {
        parts = parseKey(key);
      } catch (RuntimeException e) {
        LOG.warnf("node %s: ignored a registration entry it cannot read: %s", node, key);
        return;
      }
      Dealer dealer = router.dealer(parts[0]);
      MatchPolicy match = MatchPolicy.valueOf(parts[1]);
      SharedRegistration held = null;
      if (entry.getOperation() == KeyValueOperation.PUT && entry.getValue() != null) {
        try {
          held = decode(entry.getValue());
        } catch (RuntimeException e) {
          LOG.warnf("node %s: ignored a malformed registration entry %s: %s", node, key, e);
          return;
        }
      }
      if (held == null) {
        nodesByKey.remove(key);
      } else {
        Set<String> nodes = new HashSet<>();
        for (SharedCallee c : held.callees()) {
          nodes.add(c.node());
        }
        nodesByKey.put(key, nodes);
      }
      if (dealer != null) {
        dealer.mirror(parts[2], match, new Revision(held, entry.getRevision()));
      }
      // Whether this node's callees are all still listed is for the worker to tell.
      tasks.run(() -> reassert(key));
    }

    @Override
    public void endOfData() {}
  }

  // --- keys and values ---

  /**
   * An entry's key: {@code r<realm>.<MATCH>.u<uri>}, realm and URI in unpadded base64url (a key
   * takes only {@code [A-Za-z0-9_=/.-]}; the letters keep an empty URI, a pattern's, from making an
   * empty token).
   */
  static String key(String realm, String uri, MatchPolicy match) {
    return "r" + b64(realm) + "." + match.name() + ".u" + b64(uri);
  }

  /** {@code [realm, MATCH, uri]} of a key. */
  static String[] parseKey(String key) {
    String[] p = key.split("\\.", -1);
    if (p.length != 3 || !p[0].startsWith("r") || !p[2].startsWith("u")) {
      throw new IllegalArgumentException("not a registration key: " + key);
    }
    return new String[] {unb64(p[0].substring(1)), p[1], unb64(p[2].substring(1))};
  }

  private static String keyUri(String key) {
    try {
      return parseKey(key)[2];
    } catch (RuntimeException e) {
      return key;
    }
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String unb64(String s) {
    return new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8);
  }

  /**
   * {@code [1, id, invoke, [[node, session, discloseCaller, forwardTimeout, interruptible,
   * takesParts]...]]}.
   */
  static byte[] encode(SharedRegistration r) {
    List<Object> callees = new ArrayList<>(r.callees().size());
    for (SharedCallee c : r.callees()) {
      callees.add(
          List.of(
              c.node(),
              c.session(),
              c.discloseCaller(),
              c.forwardTimeout(),
              c.interruptible(),
              c.takesParts()));
    }
    return Serializer.MSGPACK.encodeList(List.of(VERSION, r.id(), r.invoke().wampName(), callees));
  }

  static SharedRegistration decode(byte[] bytes) {
    List<Object> l = Serializer.MSGPACK.decodeList(bytes, 0, bytes.length);
    if (l.size() != 4 || !(l.get(0) instanceof Number v) || v.longValue() != VERSION) {
      throw new IllegalArgumentException("not a registration of version " + VERSION);
    }
    List<SharedCallee> callees = new ArrayList<>();
    for (Object o : (List<?>) l.get(3)) {
      List<?> c = (List<?>) o;
      callees.add(
          new SharedCallee(
              (String) c.get(0),
              ((Number) c.get(1)).longValue(),
              (Boolean) c.get(2),
              (Boolean) c.get(3),
              (Boolean) c.get(4),
              // Entries written before progressive call invocations crossed nodes have five.
              c.size() > 5 && (Boolean) c.get(5)));
    }
    return new SharedRegistration(
        ((Number) l.get(1)).longValue(),
        InvokePolicy.valueOf(((String) l.get(2)).toUpperCase(Locale.ROOT)),
        callees);
  }

  // --- the worker ---

  private KeyValue ready() {
    KeyValue bucketHandle = kv;
    Connection c = connection;
    if (bucketHandle == null || c == null || c.getStatus() != Connection.Status.CONNECTED) {
      throw tasks.notReady(c, bucketHandle != null);
    }
    return bucketHandle;
  }
}
