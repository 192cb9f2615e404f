package io.quarkbar.wamp.router.broker;

import io.quarkbar.wamp.router.Stages;
import io.quarkbar.wamp.router.config.MatchPolicy;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where a broker shares publications with the brokers of other router nodes (a cluster), and asks
 * for theirs. A single router has none; {@code wamp/cluster} implements it over NATS.
 *
 * <p>The broker calls these methods on the threads that route (event loops): they must not block.
 */
public interface EventExchange {

  /**
   * A publication of this node, already delivered to this node's subscribers, for the other nodes'
   * subscribers. At most once: a publication that cannot be sent is dropped (and counted by the
   * exchange), which is what a publisher is promised; the exception tells an acknowledging
   * publisher why.
   *
   * @throws NotShared if the publication could not be handed to the other nodes
   */
  void publish(String realm, SharedPublication publication);

  /**
   * A publication of this node that a rule of the realm retains, already kept by this node, for the
   * other nodes to keep too ({@link Broker#retainShared}), so that a subscriber asking for retained
   * events gets it on any node. At most once, like {@link #publish}; a single router keeps its own.
   */
  default void retain(String realm, SharedPublication publication) {}

  /**
   * Checks, before a publication to {@code topic} is delivered anywhere, that it can be shared.
   *
   * @throws NotShared if it cannot (its URI is too long for the other nodes)
   */
  default void checkShareable(String realm, String topic) {}

  /**
   * From now on, this node wants the other nodes' publications that {@code uri} under {@code match}
   * covers. The stage completes once any publication sent after that moment on another node is
   * certain to reach this node (so that SUBSCRIBED can go out), or fails with {@link NotShared}
   * when the exchange cannot promise it (the cluster is unreachable, the URI cannot be shared).
   */
  CompletionStage<Void> follow(String realm, String uri, MatchPolicy match);

  /** This node no longer wants what {@link #follow} asked for. */
  void unfollow(String realm, String uri, MatchPolicy match);

  /**
   * The subscriptions of {@code realm} on every node, as the cluster knows them (its IDs, URIs and
   * match policies; the time each was last changed in the cluster as {@code created}), or null when
   * the exchange does not keep them; the broker adds its own.
   */
  default java.util.Collection<SubscriptionInfo> subscriptions(String realm) {
    return null;
  }

  /**
   * The session IDs of the subscribers of subscription {@code id} of {@code realm} on the other
   * nodes, asked of each node that has some; fails with a {@link NotShared} when a node does not
   * answer. Completes with an empty list where subscriptions are each node's own.
   */
  default CompletionStage<List<Long>> subscribersElsewhere(String realm, long id) {
    return java.util.concurrent.CompletableFuture.completedFuture(List.of());
  }

  /**
   * The cluster's subscription to {@code uri} under {@code match}, which this node's first
   * subscriber joins: its ID, the same on every node, and whether this node created it (and so
   * announces {@code on_create}). Completes with null where subscription IDs are each node's own.
   */
  default CompletionStage<SharedSubscription> claim(String realm, String uri, MatchPolicy match) {
    return java.util.concurrent.CompletableFuture.completedFuture(null);
  }

  /**
   * The cluster's subscription to {@code uri} under {@code match} for one that this node keeps as
   * long as it runs, subscribers or not (event history's, from the realm's rules): completes with
   * its ID once the cluster can be asked, before the node takes sessions; with null where
   * subscription IDs are each node's own.
   */
  default CompletionStage<SharedSubscription> keep(String realm, String uri, MatchPolicy match) {
    return java.util.concurrent.CompletableFuture.completedFuture(null);
  }

  /**
   * This node's last subscriber to {@code uri} under {@code match} has gone: completes with whether
   * that ended the cluster's subscription (and so this node announces {@code on_delete}), or null
   * where subscription IDs are each node's own.
   */
  default CompletionStage<Boolean> release(String realm, String uri, MatchPolicy match) {
    return java.util.concurrent.CompletableFuture.completedFuture(null);
  }

  /** A subscription of the cluster: its ID, and whether the claim that asked created it. */
  record SharedSubscription(long id, boolean created) {}

  /** Why something could not be shared with the other nodes, as a WAMP error URI and words. */
  final class NotShared extends RuntimeException {

    private final String error;

    public NotShared(String error, String message, Throwable cause) {
      super(message, cause);
      this.error = error;
    }

    /** The WAMP error URI for the client. */
    public String error() {
      return error;
    }

    /**
     * The exchange's reason in {@code failure}, whatever wraps it; anything else as {@code
     * quarkbar.error.cluster_unavailable}.
     */
    public static NotShared of(Throwable failure) {
      for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
        if (t instanceof NotShared n) {
          return n;
        }
      }
      Throwable cause = Stages.cause(failure);
      return new NotShared(Broker.CLUSTER_UNAVAILABLE, cause.toString(), cause);
    }
  }
}
