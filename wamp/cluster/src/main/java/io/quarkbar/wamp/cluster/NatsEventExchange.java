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
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Publications between nodes on core NATS (at most once), one subject per topic.
 *
 * <p>A publisher's node delivers to its own subscribers, then publishes once to the topic's subject
 * ({@link Subjects#event}). A node subscribes to the subjects that cover its subscriptions, all in
 * one queue group of its own, so an event that several of them cover reaches it once; it then
 * matches the topic against its subscriptions as for a local publication. The connection does not
 * echo a node's own publications back to it.
 *
 * <p>Order: a node publishes in the order its publishers' threads do, and NATS keeps the order of
 * one connection's messages; inbound events are delivered by one dispatcher thread. So events stay
 * in order per publisher and subscriber, across topics too.
 */
final class NatsEventExchange implements EventExchange {

  private static final Logger LOG = Logger.getLogger(NatsEventExchange.class);

  private final Connection connection;
  private final Subjects subjects;
  private final Router router;

  /** One thread for every inbound event: the order NATS delivers in is the order of delivery. */
  private final Dispatcher dispatcher;

  private final ExecutorService control;
  private final Duration syncTimeout;

  /** NATS subscriptions by subject, with how many local subscriptions need each. */
  private final Map<String, Interest> interests = new HashMap<>();

  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();

  private static final class Interest {
    final Subscription subscription;
    int count;

    Interest(Subscription subscription) {
      this.subscription = subscription;
    }
  }

  NatsEventExchange(
      Connection connection,
      Subjects subjects,
      Router router,
      ExecutorService control,
      Duration syncTimeout) {
    this.connection = connection;
    this.subjects = subjects;
    this.control = control;
    this.syncTimeout = syncTimeout;
    this.router = router;
    this.dispatcher = connection.createDispatcher();
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
    if (connection.getStatus() != Connection.Status.CONNECTED) {
      dropped.incrementAndGet();
      throw unavailable();
    }
    byte[] body = EventEnvelope.encode(realm, publication);
    long max = connection.getMaxPayload();
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
      connection.publish(subject, body);
      sent.incrementAndGet();
    } catch (RuntimeException e) {
      // The connection lost just now, or its outgoing queue full.
      dropped.incrementAndGet();
      throw new NotShared(Broker.CLUSTER_UNAVAILABLE, e.getMessage(), e);
    }
  }

  private NotShared unavailable() {
    return new NotShared(
        Broker.CLUSTER_UNAVAILABLE,
        "the cluster's NATS connection is "
            + connection.getStatus().name().toLowerCase(java.util.Locale.ROOT),
        null);
  }

  @Override
  public CompletionStage<Void> follow(String realm, String uri, MatchPolicy match) {
    String subject;
    try {
      subject = subjects.interest(realm, uri, match);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new NotShared(WampUris.INVALID_URI, e.getMessage(), e));
    }
    synchronized (interests) {
      Interest interest = interests.get(subject);
      if (interest == null) {
        interest = new Interest(dispatcher.subscribe(subject, subjects.queue(), this::received));
        interests.put(subject, interest);
      }
      interest.count++;
    }
    if (connection.getStatus() != Connection.Status.CONNECTED) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("the cluster's NATS connection is " + connection.getStatus()));
    }
    // SUB reached the server once a PING sent after it is answered: from then on, a publication
    // on another node goes to this one. flush blocks, so it runs off the routing threads.
    return CompletableFuture.runAsync(
        () -> {
          try {
            connection.flush(syncTimeout);
          } catch (Exception e) {
            throw new NotShared(
                Broker.CLUSTER_UNAVAILABLE,
                "NATS did not confirm the subscription within " + syncTimeout.toMillis() + " ms",
                e);
          }
        },
        control);
  }

  @Override
  public void unfollow(String realm, String uri, MatchPolicy match) {
    String subject;
    try {
      subject = subjects.interest(realm, uri, match);
    } catch (IllegalArgumentException e) {
      return;
    }
    synchronized (interests) {
      Interest interest = interests.get(subject);
      if (interest != null && --interest.count == 0) {
        interests.remove(subject);
        dispatcher.unsubscribe(interest.subscription);
      }
    }
  }

  private void received(Message message) {
    EventEnvelope.Decoded event;
    try {
      event = EventEnvelope.decode(message.getData());
    } catch (RuntimeException e) {
      LOG.warnf("dropped a malformed event from the cluster on %s: %s", message.getSubject(), e);
      return;
    }
    received.incrementAndGet();
    router.deliverShared(event.realm(), event.publication());
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

  /** How many NATS subscriptions this node holds for its subscriptions. */
  int interestCount() {
    synchronized (interests) {
      return interests.size();
    }
  }
}
