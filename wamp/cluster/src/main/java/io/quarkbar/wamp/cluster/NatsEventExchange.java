package io.quarkbar.wamp.cluster;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.Router;
import io.quarkbar.wamp.router.broker.Broker;
import io.quarkbar.wamp.router.broker.EventExchange;
import io.quarkbar.wamp.router.broker.EventExchange.NotShared;
import io.quarkbar.wamp.router.broker.SharedPublication;
import io.quarkbar.wamp.router.config.MatchPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Publications between nodes on core NATS (at most once), one subject per topic.
 *
 * <p>A publisher's node delivers to its own subscribers, then publishes once to the topic's subject
 * ({@link Subjects#event}). A node holds one NATS subscription per subject that covers some of its
 * subscriptions ({@link Subjects#interest}); what arrives on one is delivered to the subscriptions
 * that map to that very subject, so each gets an event once even when several of the node's
 * subjects carry it (exact {@code a.b.c} and prefix {@code a.b} both do). No queue group: with one,
 * NATS would hand an event to one of the node's matching subscriptions at random, and one that is
 * being unsubscribed would drop it for the others. The connection does not echo a node's own
 * publications back to it.
 *
 * <p>NATS subscriptions change on one control thread, in the order the broker asked; the broker's
 * threads only count. Inbound events are delivered by one dispatcher thread, in the order NATS
 * delivers them: so events stay in order per publisher and subscriber, across topics too.
 */
final class NatsEventExchange implements EventExchange {

  private static final Logger LOG = Logger.getLogger(NatsEventExchange.class);

  private final Subjects subjects;
  private final Router router;
  private final ExecutorService control;
  private final Duration syncTimeout;

  /** Null until the first connection is made. */
  private volatile Connection connection;

  /** Control thread only. */
  private Dispatcher dispatcher;

  /** Control thread only: the NATS subscription of each subject followed. */
  private final Map<String, Subscription> natsSubscriptions = new HashMap<>();

  /** How many of the node's subscriptions need each subject; under its own lock. */
  private final Map<String, Integer> wanted = new HashMap<>();

  /** Subjects of (realm, policy, URI), so that an inbound event does not build them again. */
  private final Map<String, String> subjectCache = new ConcurrentHashMap<>();

  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();

  NatsEventExchange(
      Subjects subjects, Router router, ExecutorService control, Duration syncTimeout) {
    this.subjects = subjects;
    this.router = router;
    this.control = control;
    this.syncTimeout = syncTimeout;
  }

  /** The connection is made: follow every subject wanted so far (on the control thread). */
  void connected(Connection c) {
    runOnControl(
        () -> {
          connection = c;
          dispatcher = c.createDispatcher();
          List<String> subjectsWanted;
          synchronized (wanted) {
            subjectsWanted = new ArrayList<>(wanted.keySet());
          }
          subjectsWanted.forEach(this::reconcile);
        });
  }

  @Override
  public void checkShareable(String realm, String topic) {
    try {
      subjects.event(realm, topic);
    } catch (IllegalArgumentException e) {
      throw new NotShared(WampUris.INVALID_URI, e.getMessage(), e);
    }
  }

  @Override
  public void publish(String realm, SharedPublication publication) {
    String subject;
    try {
      subject = subjects.event(realm, publication.topic());
    } catch (IllegalArgumentException e) {
      dropped.incrementAndGet();
      throw new NotShared(WampUris.INVALID_URI, e.getMessage(), e);
    }
    Connection c = connection;
    if (c == null || c.getStatus() != Connection.Status.CONNECTED) {
      dropped.incrementAndGet();
      throw unavailable();
    }
    byte[] body;
    try {
      body = EventEnvelope.encode(realm, publication);
    } catch (RuntimeException e) {
      dropped.incrementAndGet();
      LOG.errorf(e, "could not encode a publication on %s for the other nodes", subject);
      throw new NotShared(
          Broker.CLUSTER_UNAVAILABLE, "could not encode it for the other nodes: " + e, e);
    }
    long max = c.getMaxPayload();
    if (max > 0 && body.length > max) {
      dropped.incrementAndGet();
      throw new NotShared(
          WampUris.PAYLOAD_SIZE_EXCEEDED,
          "the publication takes "
              + body.length
              + " bytes between nodes, more than NATS's max_payload of "
              + max,
          null);
    }
    try {
      c.publish(subject, body);
      sent.incrementAndGet();
    } catch (RuntimeException e) {
      // The connection lost just now.
      dropped.incrementAndGet();
      throw new NotShared(Broker.CLUSTER_UNAVAILABLE, e.getMessage(), e);
    }
  }

  @Override
  public CompletionStage<Void> follow(String realm, String uri, MatchPolicy match) {
    String subject;
    try {
      subject = subjectOf(realm, uri, match);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new NotShared(WampUris.INVALID_URI, e.getMessage(), e));
    }
    synchronized (wanted) {
      wanted.merge(subject, 1, Integer::sum);
    }
    // Counted even when it fails now: the broker unfollows what failed, and what it keeps (event
    // history's subscriptions) is followed once connected.
    Connection c = connection;
    if (c == null || c.getStatus() != Connection.Status.CONNECTED) {
      return CompletableFuture.failedFuture(unavailable());
    }
    CompletableFuture<Void> confirmed = new CompletableFuture<>();
    long deadline = System.nanoTime() + syncTimeout.toNanos();
    runOnControl(
        () -> {
          try {
            // The timeout runs from the request: follows queued behind a slow one share it.
            long left = deadline - System.nanoTime();
            if (c.getStatus() != Connection.Status.CONNECTED) {
              throw unavailable();
            }
            if (left <= 0) {
              throw new NotShared(
                  Broker.CLUSTER_UNAVAILABLE,
                  "NATS did not confirm the subscription within " + syncTimeout.toMillis() + " ms",
                  null);
            }
            reconcile(subject);
            if (!natsSubscriptions.containsKey(subject)) {
              throw unavailable();
            }
            // SUB reached the server once a PING sent after it is answered: from then on, a
            // publication on another node (through this server) goes to this one.
            c.flush(Duration.ofNanos(left));
            if (c.getStatus() != Connection.Status.CONNECTED) {
              throw unavailable();
            }
            confirmed.complete(null);
          } catch (NotShared e) {
            confirmed.completeExceptionally(e);
          } catch (Exception e) {
            confirmed.completeExceptionally(
                new NotShared(
                    Broker.CLUSTER_UNAVAILABLE,
                    "NATS did not confirm the subscription within "
                        + syncTimeout.toMillis()
                        + " ms ("
                        + e
                        + ")",
                    e));
          }
        },
        confirmed);
    return confirmed;
  }

  /** Where the cluster's subscription IDs are kept; set once, before the router takes sessions. */
  private volatile NatsSubscriptions subscriptions;

  void shareSubscriptions(NatsSubscriptions subscriptions) {
    this.subscriptions = subscriptions;
  }

  /** Where the cluster keeps retained events; set once, before the router takes sessions. */
  private volatile NatsRetained retained;

  void keepRetained(NatsRetained retained) {
    this.retained = retained;
  }

  @Override
  public void retain(String realm, SharedPublication publication) {
    NatsRetained r = retained;
    if (r != null) {
      r.put(realm, publication);
    }
  }

  /** Where the other nodes are asked who their subscribers are; set once, before sessions. */
  private volatile NatsCallExchange calls;

  void askWith(NatsCallExchange calls) {
    this.calls = calls;
  }

  /**
   * Asks each other node that the subscriptions' bucket names for subscription {@code id}, at once,
   * and puts their answers together, in the nodes' order.
   */
  @Override
  public CompletionStage<List<Long>> subscribersElsewhere(String realm, long id) {
    NatsSubscriptions shared = subscriptions;
    NatsCallExchange asked = calls;
    if (shared == null || asked == null) {
      return CompletableFuture.completedFuture(List.of());
    }
    List<CompletableFuture<List<Long>>> answers = new ArrayList<>();
    for (String other : shared.nodesOf(realm, id)) {
      if (!other.equals(asked.node())) {
        answers.add(asked.subscribersOf(other, realm, id, syncTimeout));
      }
    }
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
        .thenApply(
            all -> {
              List<Long> ids = new ArrayList<>();
              answers.forEach(a -> ids.addAll(a.join()));
              return ids;
            });
  }

  @Override
  public CompletionStage<SharedSubscription> claim(String realm, String uri, MatchPolicy match) {
    NatsSubscriptions shared = subscriptions;
    return shared == null
        ? CompletableFuture.completedFuture(null)
        : shared.claim(realm, uri, match);
  }

  @Override
  public CompletionStage<SharedSubscription> keep(String realm, String uri, MatchPolicy match) {
    NatsSubscriptions shared = subscriptions;
    return shared == null
        ? CompletableFuture.completedFuture(null)
        : shared.keep(realm, uri, match);
  }

  @Override
  public java.util.Collection<io.quarkbar.wamp.router.broker.SubscriptionInfo> subscriptions(
      String realm) {
    NatsSubscriptions shared = subscriptions;
    return shared == null ? null : shared.mirrored(realm);
  }

  @Override
  public CompletionStage<Boolean> release(String realm, String uri, MatchPolicy match) {
    NatsSubscriptions shared = subscriptions;
    return shared == null
        ? CompletableFuture.completedFuture(null)
        : shared.release(realm, uri, match);
  }

  @Override
  public void unfollow(String realm, String uri, MatchPolicy match) {
    String subject;
    try {
      subject = subjectOf(realm, uri, match);
    } catch (IllegalArgumentException e) {
      return;
    }
    synchronized (wanted) {
      Integer n = wanted.get(subject);
      if (n == null) {
        return;
      }
      if (n == 1) {
        wanted.remove(subject);
      } else {
        wanted.put(subject, n - 1);
      }
    }
    runOnControl(() -> reconcile(subject), null);
  }

  /** Makes the NATS subscription of {@code subject} match what is wanted; control thread only. */
  private void reconcile(String subject) {
    boolean want;
    synchronized (wanted) {
      want = wanted.containsKey(subject);
    }
    Subscription held = natsSubscriptions.get(subject);
    if (dispatcher == null || want == (held != null)) {
      return;
    }
    try {
      if (want) {
        natsSubscriptions.put(
            subject, dispatcher.subscribe(subject, message -> received(message, subject)));
      } else {
        natsSubscriptions.remove(subject);
        dispatcher.unsubscribe(held);
      }
    } catch (RuntimeException e) {
      // A closed connection: nothing to follow any more.
      LOG.warnf("could not %s %s: %s", want ? "follow" : "stop following", subject, e.toString());
    }
  }

  private void runOnControl(Runnable task) {
    runOnControl(task, null);
  }

  private void runOnControl(Runnable task, CompletableFuture<Void> failsIfRejected) {
    try {
      control.execute(task);
    } catch (RejectedExecutionException e) {
      if (failsIfRejected != null) {
        failsIfRejected.completeExceptionally(
            new NotShared(Broker.CLUSTER_UNAVAILABLE, "this node is leaving the cluster", e));
      }
    }
  }

  private void received(Message message, String subject) {
    EventEnvelope.Decoded event;
    try {
      event = EventEnvelope.decode(message.getData());
    } catch (RuntimeException e) {
      LOG.warnf("dropped a malformed event from the cluster on %s: %s", subject, e);
      return;
    }
    received.incrementAndGet();
    String realm = event.realm();
    router.deliverShared(
        realm, event.publication(), (uri, match) -> subject.equals(coveredBy(realm, uri, match)));
  }

  /** The subject of a local subscription, or null for one that has none (a URI too long). */
  private String coveredBy(String realm, String uri, MatchPolicy match) {
    try {
      return subjectOf(realm, uri, match);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private String subjectOf(String realm, String uri, MatchPolicy match) {
    String key = match.ordinal() + realm + '\u0000' + uri;
    String subject = subjectCache.get(key);
    if (subject == null) {
      subject = subjects.interest(realm, uri, match);
      if (subjectCache.size() < 100_000) {
        subjectCache.put(key, subject);
      }
    }
    return subject;
  }

  private NotShared unavailable() {
    Connection c = connection;
    return new NotShared(
        Broker.CLUSTER_UNAVAILABLE,
        "the cluster's NATS connection is "
            + (c == null ? "not made yet" : c.getStatus().name().toLowerCase(Locale.ROOT)),
        null);
  }

  boolean isConnected() {
    Connection c = connection;
    return c != null && c.getStatus() == Connection.Status.CONNECTED;
  }

  String status() {
    Connection c = connection;
    return c == null ? "connecting" : c.getStatus().name().toLowerCase(Locale.ROOT);
  }

  /**
   * A publication the NATS client dropped rather than queue it (its outgoing queue full): counted
   * as dropped, not as sent.
   */
  void discarded() {
    dropped.incrementAndGet();
    sent.decrementAndGet();
  }

  /** Publications sent to the other nodes, received from them, and dropped (not sent). */
  long sent() {
    return sent.get();
  }

  long received() {
    return received.get();
  }

  long dropped() {
    return dropped.get();
  }

  /** How many NATS subscriptions this node wants for its subscriptions. */
  int interestCount() {
    synchronized (wanted) {
      return wanted.size();
    }
  }
}
