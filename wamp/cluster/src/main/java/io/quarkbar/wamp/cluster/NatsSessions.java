package io.quarkbar.wamp.cluster;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValuePurgeOptions;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.Headers;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.router.Router;
import io.quarkbar.wamp.router.Stages;
import io.quarkbar.wamp.router.broker.Broker;
import io.quarkbar.wamp.router.broker.EventExchange.NotShared;
import io.quarkbar.wamp.router.session.SessionDirectory;
import io.quarkbar.wamp.router.session.SessionIdentity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The cluster's sessions, in a JetStream key-value bucket ({@code QB_<cluster>_SES}): one entry per
 * session, keyed by its ID, with its node, realm and identity. A node creates the entry before it
 * sends WELCOME, so a session ID is unique in the cluster (a create fails on a key that exists);
 * every node watches the bucket, so the session meta API's queries answer for every node.
 *
 * <p>Whoever deletes an entry publishes the session's {@code on_leave}: its own node when it ends,
 * the node that purges a node gone, a node's restarted process for what its predecessor left. A
 * delete is a compare-and-set on the entry's revision, so exactly one of them does it. A node that
 * finds a session of its own deleted by another (it was taken for gone while frozen or cut off)
 * ends that session without another announcement; a node cut off from NATS for the death timeout
 * ends all its sessions (fences), and removes their entries once it is back.
 *
 * <p>The bucket's API blocks: its calls run on one worker thread of their own.
 */
final class NatsSessions implements SessionDirectory {

  private static final Logger LOG = Logger.getLogger(NatsSessions.class);

  /** JetStream's "wrong last sequence": the key exists (create), or changed (delete). */
  private static final int CONFLICT = 10071;

  /**
   * A replicated stream's answer while another expected-sequence publish to the key is under way.
   */
  private static final int CONFLICT_IN_FLIGHT = 10164;

  private static boolean conflict(int apiErrorCode) {
    return apiErrorCode == CONFLICT || apiErrorCode == CONFLICT_IN_FLIGHT;
  }

  private static final long VERSION = 1;

  /** The GOODBYE reason of a session ended because its node is cut off from the cluster. */
  static final String CUT_OFF = "quarkbar.close.cut_off";

  private final String node;
  private final long incarnation;
  private final String bucket;
  private final Subjects subjects;
  private final Router router;
  private final KvWorker tasks;
  private final Duration timeout;

  private volatile Connection connection;
  private volatile KeyValue kv;
  private volatile Connection opening;

  /** Worker only: failed attempts to open the bucket. */
  private int openFailures;

  /** Worker only: whether what an earlier process of this name left has been removed. */
  private boolean selfPurged;

  /** The bucket as this node has seen it: realm, then session ID. */
  private final Map<String, Map<Long, Listed>> mirror = new ConcurrentHashMap<>();

  /**
   * A session as the mirror keeps it: every node holds every session of the cluster, so its
   * transport details stay encoded until {@code wamp.session.get} asks (that halves what an entry
   * costs), and the strings most sessions share are interned.
   */
  private record Listed(
      String node,
      long incarnation,
      String authid,
      String authrole,
      String authmethod,
      String authprovider,
      byte[] transport) {

    @SuppressWarnings("unchecked")
    SharedSession shared(long id, boolean withTransport) {
      Map<String, Object> details =
          withTransport
              ? (Map<String, Object>)
                  Serializer.MSGPACK.decodeList(transport, 0, transport.length).getFirst()
              : null;
      return new SharedSession(id, node, authid, authrole, authmethod, authprovider, details);
    }
  }

  /** The sessions this process listed and has not released, with their entries' revisions. */
  private final Map<Long, Long> mine = new ConcurrentHashMap<>();

  /** Where entries are created and deleted without waiting (a JetStream publish per change). */
  private volatile JetStream js;

  /** Worker only: sessions of this node that ended while the bucket could not be told. */
  private final Map<Long, Leftover> leftovers = new HashMap<>();

  private record Leftover(
      String realm, long id, String authid, String authrole, boolean announce) {}

  NatsSessions(
      String cluster,
      String node,
      long incarnation,
      Subjects subjects,
      Router router,
      ExecutorService worker,
      Duration timeout) {
    this.node = node;
    this.incarnation = incarnation;
    this.bucket = "QB_" + cluster + "_SES";
    this.subjects = subjects;
    this.router = router;
    this.tasks = new KvWorker(worker, "sessions");
    this.timeout = timeout;
  }

  /** The connection is made: listens for kills, opens the bucket and mirrors it. */
  void connected(Connection c) {
    Dispatcher kills = c.createDispatcher(this::killAsked);
    kills.subscribe(subjects.kills(node));
    opening = c;
    tasks.run(this::open);
  }

  /** Opens the bucket, creating it if it is new; worker only, tried again each heartbeat. */
  private void open() {
    Connection c = opening;
    if (kv != null || c == null || c.getStatus() != Connection.Status.CONNECTED) {
      return;
    }
    try {
      KeyValue bucketHandle = tasks.open(c, bucket, timeout);
      js = c.jetStream(JetStreamOptions.builder().requestTimeout(timeout).build());
      follow(bucketHandle);
      connection = c;
      kv = bucketHandle;
      if (openFailures > 0) {
        LOG.infof("node %s: the cluster's sessions are open now", node);
      }
    } catch (Exception e) {
      if (openFailures++ == 0) {
        LOG.warnf(
            "node %s: cannot open the cluster's sessions (bucket %s; does NATS run JetStream?):"
                + " %s; sessions cannot join this node until it is open, and it is tried again"
                + " every heartbeat",
            node, bucket, e.toString());
      }
    }
  }

  /**
   * NATS is back after a break: the bucket is followed afresh (a NATS server that restarted lost
   * the watch), and what was deleted meanwhile leaves the mirror once the watch has caught up.
   */
  void reconnected() {
    tasks.run(
        () -> {
          KeyValue bucketHandle = kv;
          if (bucketHandle == null) {
            open();
            return;
          }
          try {
            KvWorker.Reopened reopened = tasks.reopen(connection, bucket, timeout);
            bucketHandle = reopened.bucket();
            if (reopened.lost()) {
              kv = bucketHandle;
              relist();
            }
            follow(bucketHandle);
          } catch (Exception e) {
            LOG.warnf("node %s: could not follow the cluster's sessions again: %s", node, e);
          }
        });
  }

  /**
   * Worker only: NATS lost the bucket (a server that came back without its store): this node's
   * sessions get their entries again, and NATS's answers are waited for (up to the request timeout)
   * before the watch starts again, since a watch that found them missing would end them.
   */
  private void relist() {
    List<CompletableFuture<Void>> answers = new ArrayList<>();
    for (Map.Entry<String, Map<Long, Listed>> realm : mirror.entrySet()) {
      for (Map.Entry<Long, Listed> listed : realm.getValue().entrySet()) {
        long id = listed.getKey();
        Listed s = listed.getValue();
        Long revision = mine.get(id);
        if (!s.node().equals(node) || revision == null || revision == PENDING) {
          continue;
        }
        byte[] value = encode(realm.getKey(), s.shared(id, true), s.incarnation());
        answers.add(
            js.publishAsync(subject(id), value, EXPECT_NONE)
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .thenAccept(ack -> mine.replace(id, revision, ack.getSeqno())));
      }
    }
    LOG.warnf(
        "node %s: NATS lost the cluster's sessions (bucket %s; a server without its store?);"
            + " listing this node's %d session(s) again",
        node, bucket, answers.size());
    int failed = 0;
    for (CompletableFuture<Void> answer : answers) {
      try {
        answer.join();
      } catch (RuntimeException e) {
        failed++;
      }
    }
    if (failed > 0) {
      LOG.warnf(
          "node %s: %d session(s) could not be listed again; they end as the cluster does not"
              + " know them",
          node, failed);
    }
  }

  /** Worker only: (re)starts the watch that feeds the mirror. */
  private void follow(KeyValue bucketHandle) throws Exception {
    lastDelivery = System.nanoTime();
    tasks.watch(bucketHandle, new Mirror());
  }

  /**
   * When the watch last delivered an entry, or started (System.nanoTime()): a watch that has not
   * loaded the bucket yet and delivers nothing for {@link #STALLED} has stalled.
   */
  private volatile long lastDelivery;

  /**
   * How long a watch that is still loading may deliver nothing before it is started again. Seen
   * with nats-server 2.9.10 on a store it had been killed over: the bucket held two messages for a
   * key that keeps one, the watch delivered the first and nothing more, and the node stayed out of
   * the cluster.
   */
  private static final Duration STALLED = Duration.ofSeconds(10);

  // --- the directory ---

  /**
   * Creates the session's entry: a JetStream publish to the entry's subject that expects none
   * there, answered asynchronously, so that many joins are listed at once. While the bucket is not
   * open or NATS not connected, waits up to the request timeout for it on the worker.
   */
  @Override
  public CompletionStage<Boolean> claim(SessionIdentity identity, Map<String, Object> transport) {
    if (!isReady()) {
      CompletableFuture<Void> ready = new CompletableFuture<>();
      awaitReady(ready, System.nanoTime() + timeout.toNanos());
      return ready.thenCompose(r -> create(identity, transport));
    }
    return create(identity, transport);
  }

  /**
   * Completes {@code ready} once the directory is, or fails it at {@code deadline}: polled every 20
   * ms, so that no thread waits (the worker opens the bucket meanwhile).
   */
  private void awaitReady(CompletableFuture<Void> ready, long deadline) {
    if (isReady()) {
      ready.complete(null);
    } else if (System.nanoTime() > deadline) {
      Connection c = opening;
      ready.completeExceptionally(
          new NotShared(
              Broker.CLUSTER_UNAVAILABLE,
              c == null || kv == null
                  ? "the cluster's sessions are not open yet on this node"
                  : "the cluster is unreachable (NATS "
                      + c.getStatus().name().toLowerCase(Locale.ROOT)
                      + ")",
              null));
    } else {
      CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS)
          .execute(() -> awaitReady(ready, deadline));
    }
  }

  @Override
  public boolean listed(long id) {
    Long revision = mine.get(id);
    return revision != null && revision != PENDING;
  }

  private CompletionStage<Boolean> create(SessionIdentity identity, Map<String, Object> transport) {
    long id = identity.sessionId();
    byte[] value =
        encode(
            identity.realm(),
            new SharedSession(
                id,
                node,
                identity.authid(),
                identity.authrole(),
                identity.authmethod(),
                identity.authprovider(),
                transport),
            incarnation);
    CompletableFuture<Boolean> claimed = new CompletableFuture<>();
    // Known as this process's from now on, so that a purge of an earlier process spares it.
    mine.put(id, PENDING);
    try {
      js.publishAsync(subject(id), value, EXPECT_NONE)
          .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete(
              (ack, failure) -> {
                if (failure == null) {
                  // Not PENDING any more: another node removed the entry meanwhile (forget()).
                  claimed.complete(mine.replace(id, PENDING, ack.getSeqno()));
                } else if (conflict(failure)) {
                  mine.remove(id, PENDING);
                  claimed.complete(false);
                } else {
                  mine.remove(id, PENDING);
                  // Stored even so, perhaps (a lost answer): removed once NATS answers again.
                  tasks.run(
                      () ->
                          leftovers.put(id, new Leftover(identity.realm(), id, null, null, false)));
                  claimed.completeExceptionally(unavailable(failure));
                }
              });
    } catch (RuntimeException e) {
      mine.remove(id, PENDING);
      claimed.completeExceptionally(unavailable(e));
    }
    return claimed;
  }

  /** The revision in {@link #mine} of an entry whose creation is not confirmed yet. */
  private static final long PENDING = -1;

  private static final PublishOptions EXPECT_NONE =
      PublishOptions.builder().expectedLastSubjectSequence(0).build();

  /**
   * Deletes the session's entry, if it is still the one this node created (a delete marker
   * published with the entry's revision expected), and announces the leaving if that took effect
   * and {@code announce} says so. When the entry changed meanwhile, another node removed it (and
   * announced it). When NATS does not answer, the worker tries again each heartbeat.
   */
  @Override
  public void release(SessionIdentity identity, boolean announce) {
    long id = identity.sessionId();
    Leftover l =
        new Leftover(identity.realm(), id, identity.authid(), identity.authrole(), announce);
    Long revision = mine.remove(id);
    JetStream stream = js;
    if (revision == null || revision == PENDING || stream == null || !isReady()) {
      tasks.run(
          () -> {
            if (!remove(l)) {
              leftovers.put(id, l);
            }
          });
      return;
    }
    releasing.incrementAndGet();
    try {
      stream
          .publishAsync(
              subject(id),
              DELETE,
              new byte[0],
              PublishOptions.builder().expectedLastSubjectSequence(revision).build())
          .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete(
              (ack, failure) -> {
                try {
                  if (failure == null) {
                    if (announce) {
                      router.announceLeave(l.realm(), id, l.authid(), l.authrole());
                    }
                  } else if (!conflict(failure)) {
                    tasks.run(() -> leftovers.put(id, l));
                  }
                } catch (RuntimeException e) {
                  LOG.warnf("node %s: announcing the end of session %d: %s", node, id, e);
                } finally {
                  releasing.decrementAndGet();
                }
              });
    } catch (RuntimeException e) {
      releasing.decrementAndGet();
      tasks.run(() -> leftovers.put(id, l));
    }
  }

  /** Deletes of entries sent and not answered yet. */
  private final java.util.concurrent.atomic.AtomicInteger releasing =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Waits up to {@code timeout} for the deletes of entries under way to be answered, so that the
   * leaving sessions' {@code on_leave} goes out before the node leaves the cluster.
   */
  void drain(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (releasing.get() > 0 && System.nanoTime() < deadline) {
      try {
        TimeUnit.MILLISECONDS.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The header that makes a publish to an entry's subject a delete, as the KV API writes it. */
  private static final Headers DELETE = new Headers().put("KV-Operation", "DEL");

  /** The subject of session {@code id}'s entry (the KV API's, without a JetStream domain). */
  private String subject(long id) {
    return "$KV." + bucket + "." + key(id);
  }

  /**
   * Whether {@code failure} is JetStream's "wrong last sequence" (the entry is not as expected).
   */
  private static boolean conflict(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof JetStreamApiException e && conflict(e.getApiErrorCode())) {
        return true;
      }
    }
    return false;
  }

  private static NotShared unavailable(Throwable failure) {
    Throwable cause = Stages.cause(failure);
    return new NotShared(
        Broker.CLUSTER_UNAVAILABLE, "the cluster's sessions did not answer: " + cause, cause);
  }

  /**
   * Deletes the entry of session {@code l.id()} if it is still this node's, and announces the
   * session's leaving if that delete took effect and {@code l} says so; false when the bucket could
   * not be reached (worker only).
   */
  private boolean remove(Leftover l) {
    KeyValue bucketHandle = kv;
    Connection c = connection;
    if (bucketHandle == null || c.getStatus() != Connection.Status.CONNECTED) {
      return false;
    }
    try {
      if (delete(bucketHandle, l.id(), node) && l.announce()) {
        router.announceLeave(l.realm(), l.id(), l.authid(), l.authrole());
      }
      return true;
    } catch (JetStreamApiException | RuntimeException e) {
      // Not a matter of reaching NATS: trying again would not help.
      LOG.warnf("node %s: gave up removing session %d from the cluster: %s", node, l.id(), e);
      return true;
    } catch (Exception e) {
      LOG.debugf("node %s: session %d stays to be removed: %s", node, l.id(), e);
      return false;
    }
  }

  /**
   * Deletes the entry of session {@code id} if node {@code of} holds it; true when this delete took
   * effect (and so its caller announces the leaving), false when another did it first.
   */
  private static boolean delete(KeyValue bucketHandle, long id, String of) throws Exception {
    for (int attempt = 0; attempt < 10; attempt++) {
      KeyValueEntry entry = bucketHandle.get(key(id));
      if (entry == null || entry.getValue() == null) {
        return false;
      }
      if (!of.equals(decodeNode(entry.getValue()))) {
        return false;
      }
      try {
        bucketHandle.delete(key(id), entry.getRevision());
        return true;
      } catch (JetStreamApiException e) {
        if (!conflict(e.getApiErrorCode())) {
          throw e;
        }
      }
    }
    return false;
  }

  @Override
  public Collection<SharedSession> sessions(String realm) {
    Map<Long, Listed> of = mirror.get(realm);
    if (of == null) {
      return List.of();
    }
    List<SharedSession> all = new ArrayList<>(of.size());
    of.forEach((id, listed) -> all.add(listed.shared(id, false)));
    return all;
  }

  @Override
  public SharedSession session(String realm, long id) {
    Map<Long, Listed> of = mirror.get(realm);
    Listed listed = of == null ? null : of.get(id);
    return listed == null ? null : listed.shared(id, true);
  }

  @Override
  public boolean kill(SharedSession session, String reason, String message, boolean announced) {
    String realm = realmOf(session.id());
    if (session.node().equals(node)) {
      // Joining or leaving here right now (listed, but not among the realm's open sessions).
      return realm != null && router.kill(realm, session.id(), reason, message, announced);
    }
    Connection c = connection;
    if (realm == null || c == null || c.getStatus() != Connection.Status.CONNECTED) {
      return false;
    }
    List<Object> kill = new ArrayList<>();
    kill.add(VERSION);
    kill.add(realm);
    kill.add(session.id());
    kill.add(reason);
    kill.add(message);
    kill.add(announced);
    try {
      c.publish(subjects.kills(session.node()), Serializer.MSGPACK.encodeList(kill));
      return true;
    } catch (IllegalStateException e) {
      return false; // the connection dropped meanwhile
    }
  }

  private String realmOf(long id) {
    for (Map.Entry<String, Map<Long, Listed>> e : mirror.entrySet()) {
      if (e.getValue().containsKey(id)) {
        return e.getKey();
      }
    }
    return null;
  }

  /** Another node asks this one to end a session of its own. */
  private void killAsked(Message message) {
    try {
      List<Object> kill =
          Serializer.MSGPACK.decodeList(message.getData(), 0, message.getData().length);
      if (!(kill.get(0) instanceof Number v) || v.longValue() != VERSION) {
        return;
      }
      router.kill(
          (String) kill.get(1),
          ((Number) kill.get(2)).longValue(),
          (String) kill.get(3),
          (String) kill.get(4),
          (Boolean) kill.get(5));
    } catch (RuntimeException e) {
      LOG.debugf("node %s: ignored a malformed kill: %s", node, e);
    }
  }

  // --- nodes gone, and this node cut off ---

  /**
   * Takes the sessions of node {@code gone} out of the bucket, and publishes the {@code on_leave}
   * of each whose removal took effect here (several nodes may try at once; one wins each entry).
   * With {@code gone} this node's name, the sessions an earlier process of it left.
   */
  void purge(String gone, Long lastIncarnation) {
    tasks.run(() -> purgeNow(gone, lastIncarnation));
  }

  /**
   * Removes the entries of node {@code gone}: with {@code lastIncarnation} known, only that
   * process's (a new process under the name may be listing sessions already); for this node's own
   * name, those of every process but this one. False when some could not be removed.
   */
  private boolean purgeNow(String gone, Long lastIncarnation) {
    KeyValue bucketHandle = kv;
    if (bucketHandle == null) {
      return false;
    }
    boolean self = gone.equals(node);
    int removed = 0;
    boolean complete = true;
    for (Map.Entry<String, Map<Long, Listed>> realm : mirror.entrySet()) {
      for (Map.Entry<Long, Listed> s : List.copyOf(realm.getValue().entrySet())) {
        long id = s.getKey();
        Listed listed = s.getValue();
        boolean theirs =
            listed.node().equals(gone)
                && (self
                    ? listed.incarnation() != incarnation
                    : lastIncarnation == null || listed.incarnation() == lastIncarnation);
        if (!theirs) {
          continue;
        }
        try {
          if (delete(bucketHandle, id, gone)) {
            router.announceLeave(realm.getKey(), id, listed.authid(), listed.authrole());
            removed++;
          }
        } catch (Exception e) {
          LOG.debugf("node %s: could not remove session %d of node %s: %s", node, id, gone, e);
          complete = false;
        }
      }
    }
    if (!complete) {
      LOG.warnf("node %s: could not remove every session of node %s from the cluster", node, gone);
    }
    if (removed > 0) {
      LOG.infof(
          "node %s: removed %d session(s) of router node %s from the cluster: %s",
          node, removed, gone, self ? "an earlier process left them" : "it is gone");
    }
    return complete;
  }

  /**
   * This node has been cut off from NATS for the death timeout: the others take its sessions for
   * gone (and announce their leaving), so they end here too, and their clients may join a node that
   * is not cut off. Their entries go once NATS is back, by whoever comes first.
   */
  void fence() {
    int open = router.sessionCount();
    if (open > 0) {
      LOG.warnf(
          "node %s: cut off from the cluster for the death timeout: ends its %d session(s)",
          node, open);
      router.endAll(
          CUT_OFF, "this router node is cut off from its cluster; join again, here or elsewhere");
    }
  }

  /**
   * Each heartbeat: opens the bucket if it failed so far, removes what an earlier process of this
   * name left, tells the bucket what it missed, and (the alive node of the smallest name, about
   * once a minute) drops the delete markers older than a minute.
   */
  void tidy(Set<String> alive) {
    tasks.run(
        () -> {
          open();
          if (kv == null || connection.getStatus() != Connection.Status.CONNECTED) {
            return;
          }
          if (!ready && System.nanoTime() - lastDelivery > STALLED.toNanos()) {
            LOG.warnf(
                "node %s: the watch of the cluster's sessions (bucket %s) stalled before it had"
                    + " loaded them; following them afresh. If this repeats, NATS's store of the"
                    + " bucket may be damaged: with every router node stopped, delete the bucket"
                    + " (nats kv rm %s)",
                node, bucket, bucket);
            try {
              follow(kv);
            } catch (Exception e) {
              LOG.warnf("node %s: could not follow the cluster's sessions again: %s", node, e);
            }
          }
          if (!selfPurged && ready) {
            selfPurged = purgeNow(node, null);
          }
          if (++tidied % MARKER_SWEEP_TICKS == 0
              && alive.stream().allMatch(other -> other.compareTo(node) > 0)) {
            sweepMarkers();
          }
          for (var it = leftovers.values().iterator(); it.hasNext(); ) {
            if (!remove(it.next())) {
              return;
            }
            it.remove();
          }
        });
  }

  /** Heartbeats between two sweeps of the delete markers. */
  private static final int MARKER_SWEEP_TICKS = 60;

  /** Worker only: heartbeats seen by {@link #tidy}. */
  private long tidied;

  /**
   * Each session that left leaves a delete marker under its (random, never reused) key; without a
   * sweep they would pile up for ever, and every watch would start by reading them all. One node
   * drops those older than a minute: a removal still under way meets no entry then, and a late
   * create of the same ID would need that ID drawn again.
   */
  private void sweepMarkers() {
    try {
      kv.purgeDeletes(
          KeyValuePurgeOptions.builder().deleteMarkersThreshold(Duration.ofMinutes(1)).build());
    } catch (Exception e) {
      LOG.debugf("node %s: sweeping the sessions' delete markers: %s", node, e);
    }
  }

  /** Whether the bucket is open, mirrored, and NATS connected. */
  boolean isReady() {
    Connection c = connection;
    return ready && kv != null && c != null && c.getStatus() == Connection.Status.CONNECTED;
  }

  /** Whether the watch has delivered the bucket's state as it was when it started. */
  private volatile boolean ready;

  /** Sessions per node in the mirror, so that {@link #nodes} does not walk them every heartbeat. */
  private final Map<String, java.util.concurrent.atomic.AtomicInteger> perNode =
      new ConcurrentHashMap<>();

  /** Every node some session entry names. */
  Set<String> nodes() {
    return Set.copyOf(perNode.keySet());
  }

  private void counted(String of, int change) {
    perNode.compute(
        of,
        (n, count) -> {
          int now = (count == null ? 0 : count.get()) + change;
          return now <= 0 ? null : new java.util.concurrent.atomic.AtomicInteger(now);
        });
  }

  /** The bucket's changes into the mirror; a fresh watch replaces what the last one saw. */
  private final class Mirror implements KeyValueWatcher {

    /** The keys seen before the end of the initial data; null afterwards. */
    private Set<Long> seen = new HashSet<>();

    @Override
    public synchronized void watch(KeyValueEntry entry) {
      lastDelivery = System.nanoTime();
      long id;
      try {
        id = parseKey(entry.getKey());
      } catch (RuntimeException e) {
        LOG.warnf("node %s: ignored a session entry it cannot read: %s", node, entry.getKey());
        return;
      }
      if (entry.getOperation() == KeyValueOperation.PUT && entry.getValue() != null) {
        try {
          List<Object> l = decodeList(entry.getValue());
          Listed listed = decode(l);
          Listed before =
              mirror
                  .computeIfAbsent((String) l.get(2), r -> new ConcurrentHashMap<>())
                  .put(id, listed);
          if (before == null) {
            counted(listed.node(), 1);
          }
          if (seen != null) {
            seen.add(id);
          }
        } catch (RuntimeException e) {
          LOG.warnf("node %s: ignored a malformed session entry %s: %s", node, entry.getKey(), e);
        }
        return;
      }
      forget(id);
    }

    @Override
    public synchronized void endOfData() {
      Set<Long> current = seen;
      seen = null;
      if (current != null) {
        for (Map<Long, Listed> realm : mirror.values()) {
          for (Long id : List.copyOf(realm.keySet())) {
            if (!current.contains(id)) {
              forget(id);
            }
          }
        }
      }
      ready = true;
    }

    /**
     * Session {@code id} left the bucket. If it is open on this node, another node took this one
     * for gone and announced its leaving: it ends here, without a second announcement.
     */
    private void forget(long id) {
      for (Map.Entry<String, Map<Long, Listed>> realm : mirror.entrySet()) {
        Listed s = realm.getValue().remove(id);
        if (s != null) {
          counted(s.node(), -1);
        }
        if (s != null
            && s.node().equals(node)
            && mine.remove(id) != null
            && endForgotten(realm.getKey(), id)) {
          LOG.warnf(
              "node %s: the cluster took session %d for gone (this node was frozen or cut off):"
                  + " it ends",
              node, id);
        }
      }
    }
  }

  private boolean endForgotten(String realm, long id) {
    try {
      return router.endForgotten(
          realm, id, CUT_OFF, "the cluster took this router node for gone; join again");
    } catch (RuntimeException e) {
      LOG.warnf("node %s: could not end session %d, which the cluster forgot: %s", node, id, e);
      return false;
    }
  }

  // --- keys and values ---

  static String key(long id) {
    return "s" + id;
  }

  static long parseKey(String key) {
    if (!key.startsWith("s")) {
      throw new IllegalArgumentException("not a session key: " + key);
    }
    return Long.parseLong(key.substring(1));
  }

  /**
   * {@code [1, node, realm, authid, authrole, authmethod, authprovider, transport, incarnation]}:
   * the incarnation of the node's process that listed it, so that a process restarted under the
   * node's name removes only what its predecessors left.
   */
  static byte[] encode(String realm, SharedSession s, long incarnation) {
    List<Object> l = new ArrayList<>(9);
    l.add(VERSION);
    l.add(s.node());
    l.add(realm);
    l.add(s.authid());
    l.add(s.authrole());
    l.add(s.authmethod());
    l.add(s.authprovider());
    l.add(s.transport());
    l.add(incarnation);
    return Serializer.MSGPACK.encodeList(l);
  }

  private static List<Object> decodeList(byte[] bytes) {
    List<Object> l = Serializer.MSGPACK.decodeList(bytes, 0, bytes.length);
    if (l.size() < 8 || !(l.get(0) instanceof Number v) || v.longValue() != VERSION) {
      throw new IllegalArgumentException("not a session of version " + VERSION);
    }
    return l;
  }

  private static Listed decode(List<Object> l) {
    List<Object> transport = new ArrayList<>(1);
    transport.add(l.get(7));
    return new Listed(
        ((String) l.get(1)).intern(),
        l.size() > 8 ? ((Number) l.get(8)).longValue() : 0,
        (String) l.get(3),
        ((String) l.get(4)).intern(),
        ((String) l.get(5)).intern(),
        ((String) l.get(6)).intern(),
        Serializer.MSGPACK.encodeList(transport));
  }

  private static String decodeNode(byte[] bytes) {
    return (String) decodeList(bytes).get(1);
  }
}
