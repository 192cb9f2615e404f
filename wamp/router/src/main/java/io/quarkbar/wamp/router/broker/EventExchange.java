package io.quarkbar.wamp.router.broker;

import io.quarkbar.wamp.router.config.MatchPolicy;
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
   * @throws IllegalStateException if the publication could not be handed to the other nodes
   */
  void publish(String realm, SharedPublication publication);

  /**
   * From now on, this node wants the other nodes' publications that {@code uri} under {@code match}
   * covers. The stage completes once any publication sent after that moment on another node is
   * certain to reach this node (so that SUBSCRIBED can go out), or fails when the exchange cannot
   * promise it (the cluster is unreachable).
   */
  CompletionStage<Void> follow(String realm, String uri, MatchPolicy match);

  /** This node no longer wants what {@link #follow} asked for. */
  void unfollow(String realm, String uri, MatchPolicy match);
}
