package io.quarkbar.wamp.router.dealer;

import io.quarkbar.wamp.router.config.MatchPolicy;
import io.quarkbar.wamp.router.session.Session;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One registered procedure (or procedure pattern) and the callees that serve it, in the order they
 * registered. The callee array is replaced, never changed in place, so calls read it without a
 * lock; changes happen under the dealer's lock.
 */
final class Registration {

  /**
   * One callee of the registration, with what it asked for when it registered: to be told who calls
   * ({@code disclose_caller}), to handle call timeouts itself ({@code forward_timeout}). A callee
   * of another node of a cluster has no session here, and {@code remote} says where it is.
   */
  record Callee(
      Session session,
      boolean discloseCaller,
      boolean forwardTimeout,
      CallExchange.SharedCallee remote) {

    Callee(Session session, boolean discloseCaller, boolean forwardTimeout) {
      this(session, discloseCaller, forwardTimeout, null);
    }

    /** A callee of another node. */
    static Callee of(CallExchange.SharedCallee remote) {
      return new Callee(null, remote.discloseCaller(), remote.forwardTimeout(), remote);
    }

    /** The callee's session ID, on whichever node it is. */
    long sessionId() {
      return session != null ? session.id() : remote.session();
    }
  }

  final long id;
  final String uri;
  final MatchPolicy match;
  final InvokePolicy invoke;
  final Instant created = Instant.now();

  /**
   * In a cluster, the revision of the cluster's entry this view reflects: an older one, from a
   * watch that lags, is not applied. Under the dealer's lock.
   */
  long revision;

  private volatile Callee[] callees = new Callee[0];
  private final AtomicInteger turn = new AtomicInteger();

  Registration(long id, String uri, MatchPolicy match, InvokePolicy invoke) {
    this.id = id;
    this.uri = uri;
    this.match = match;
    this.invoke = invoke;
  }

  /** The callee for the next call by the invocation policy, or null when none is left. */
  Callee pick() {
    Callee[] c = callees;
    int n = c.length;
    if (n == 0) {
      return null;
    }
    return switch (invoke) {
      case SINGLE, FIRST -> c[0];
      case LAST -> c[n - 1];
      case ROUNDROBIN -> c[Math.floorMod(turn.getAndIncrement(), n)];
      case RANDOM -> c[ThreadLocalRandom.current().nextInt(n)];
    };
  }

  Callee[] callees() {
    return callees;
  }

  boolean has(Session session) {
    for (Callee c : callees) {
      if (c.session() == session) {
        return true;
      }
    }
    return false;
  }

  void add(Callee callee) {
    Callee[] old = callees;
    Callee[] copy = Arrays.copyOf(old, old.length + 1);
    copy[old.length] = callee;
    callees = copy;
  }

  /** Removes {@code session}; returns whether it was a callee. */
  boolean remove(Session session) {
    Callee[] old = callees;
    for (int i = 0; i < old.length; i++) {
      if (old[i].session() == session) {
        Callee[] copy = new Callee[old.length - 1];
        System.arraycopy(old, 0, copy, 0, i);
        System.arraycopy(old, i + 1, copy, i, old.length - i - 1);
        callees = copy;
        return true;
      }
    }
    return false;
  }

  /** The callees as the cluster now has them (the mirror of another node's change). */
  void replace(Callee[] now) {
    callees = now;
  }

  boolean isEmpty() {
    return callees.length == 0;
  }
}
