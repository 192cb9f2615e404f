package io.quarkbar.wamp.router.broker;

import io.quarkbar.wamp.protocol.message.Subscribe;
import io.quarkbar.wamp.router.config.MatchPolicy;
import io.quarkbar.wamp.router.session.Session;
import java.util.Arrays;
import java.util.List;

/**
 * One subscription: a topic pattern and every session subscribed to it. All of them share its ID,
 * which is what lets the broker encode an EVENT once for all of them.
 *
 * <p>The subscriber array is replaced, never changed in place, so publishers read it without a
 * lock; changes happen under the broker's lock.
 */
final class Subscription {

  final long id;

  /**
   * In a cluster, once this node's last subscriber left: whether that ended the cluster's
   * subscription (null where subscription IDs are each node's own).
   */
  java.util.concurrent.CompletionStage<Boolean> released;

  final String uri;
  final MatchPolicy match;
  final java.time.Instant created = java.time.Instant.now();

  /** The events kept for {@code wamp.subscription.get_events}, if a rule asks for them. */
  EventHistory history;

  /**
   * Sessions (and their SUBSCRIBE) waiting for SUBSCRIBED while the other nodes of a cluster are
   * asked for this new subscription's events; null when none wait. Under the broker's lock.
   */
  List<Session> followPending;

  List<Subscribe> followRequests;

  /** Set while a session is added and sent SUBSCRIBED after its wait (see Broker#followed). */
  volatile boolean admitting;

  /** Sessions whose wait ended and whose admission has not run yet; under the broker's lock. */
  int admissions;

  /** Whether on_create went out for a subscription whose subscribers waited; under the lock. */
  boolean creationAnnounced;

  private volatile Session[] subscribers = new Session[0];

  Subscription(long id, String uri, MatchPolicy match) {
    this.id = id;
    this.uri = uri;
    this.match = match;
  }

  Session[] subscribers() {
    return subscribers;
  }

  boolean contains(Session session) {
    for (Session s : subscribers) {
      if (s == session) {
        return true;
      }
    }
    return false;
  }

  void add(Session session) {
    Session[] old = subscribers;
    Session[] copy = Arrays.copyOf(old, old.length + 1);
    copy[old.length] = session;
    subscribers = copy;
  }

  /** Removes {@code session}; returns whether it was there. */
  boolean remove(Session session) {
    Session[] old = subscribers;
    for (int i = 0; i < old.length; i++) {
      if (old[i] == session) {
        Session[] copy = new Session[old.length - 1];
        System.arraycopy(old, 0, copy, 0, i);
        System.arraycopy(old, i + 1, copy, i, old.length - i - 1);
        subscribers = copy;
        return true;
      }
    }
    return false;
  }

  boolean isEmpty() {
    return subscribers.length == 0;
  }
}
