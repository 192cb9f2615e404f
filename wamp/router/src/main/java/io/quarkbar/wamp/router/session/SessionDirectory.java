package io.quarkbar.wamp.router.session;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Where a router node lists its sessions in a cluster, and learns the other nodes': session IDs are
 * claimed there before WELCOME, so that they are unique in the whole cluster, and the session meta
 * API's queries ({@code count}, {@code list}, {@code get}) answer from it. A single router has
 * none; {@code wamp/cluster} implements it over NATS.
 *
 * <p>The one rule for {@code wamp.session.on_leave}: it is published by the node whose removal of
 * the session from the directory takes effect, so that each session's leaving is announced once in
 * the cluster, whether it said GOODBYE, its node was fenced, or its node died.
 *
 * <p>The router calls these methods on the threads that route: they must not block.
 */
public interface SessionDirectory {

  /**
   * Lists a session of this node under {@code identity.sessionId()}. The stage completes with false
   * when another session of the cluster has that ID (draw another), and fails with {@link
   * io.quarkbar.wamp.router.broker.EventExchange.NotShared} when the cluster cannot be asked.
   */
  CompletionStage<Boolean> claim(SessionIdentity identity, Map<String, Object> transport);

  /** Whether this node's claim of session {@code id} is still listed in the directory. */
  boolean listed(long id);

  /**
   * A session of this node has ended: takes it out of the directory, and, if {@code announce} and
   * this removal is the one that took effect, has its {@code on_leave} published (through {@link
   * io.quarkbar.wamp.router.Router#announceLeave}).
   */
  void release(SessionIdentity identity, boolean announce);

  /**
   * The sessions of {@code realm} on every node, this one's included; their {@code transport} may
   * be left out (null), which {@link #session} gives.
   */
  Collection<SharedSession> sessions(String realm);

  /** Session {@code id} of {@code realm} on whichever node, or null. */
  SharedSession session(String realm, long id);

  /**
   * Asks the node of {@code session} to end it with GOODBYE {@code reason}; with {@code announced}
   * false, its leaving is not announced ({@code kill_all}). False when the node cannot be asked
   * (the cluster is unreachable).
   */
  boolean kill(SharedSession session, String reason, String message, boolean announced);

  /**
   * A session as the directory lists it: the identity its node granted, and the details of its
   * transport ({@code wamp.session.get}).
   */
  record SharedSession(
      long id,
      String node,
      String authid,
      String authrole,
      String authmethod,
      String authprovider,
      Map<String, Object> transport) {}
}
