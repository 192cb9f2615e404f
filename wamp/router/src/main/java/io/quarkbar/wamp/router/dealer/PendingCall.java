package io.quarkbar.wamp.router.dealer;

import io.quarkbar.wamp.router.session.Session;
import io.quarkbar.wamp.router.telemetry.Telemetry;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

/**
 * A call that was handed to a callee as an INVOCATION and has not been answered yet. Whoever
 * removes it from the dealer's map of invocations in flight answers the caller, once; then {@link
 * #done} releases what it held.
 *
 * @param callRequest the caller's CALL request ID, which RESULT and ERROR must echo
 * @param receiveProgress whether the caller asked for progressive results
 * @param invocationId the INVOCATION's request ID, in the callee's sequence
 */
final class PendingCall {

  private final Session caller;
  private final long callRequest;
  private final boolean receiveProgress;
  private final Session callee;
  private final long invocationId;

  /**
   * The caller's node, for a call forwarded by another node of a cluster (then {@code caller} is
   * null and {@code callRequest} is the call's ID on that node); null for a caller of this node.
   */
  String from;

  /** The incarnation of the caller's node (set with {@link #from}). */
  long fromIncarnation;

  /**
   * The callee's node, for a call this node forwarded to a callee of another node of a cluster
   * (then {@code callee} is null and {@code invocationId} is the call's ID on this node); null for
   * a callee of this node.
   */
  String to;

  /** Whether the callee of another node takes INTERRUPT (set with {@link #to}). */
  boolean interruptible;

  /**
   * When the call crossed nodes ({@link System#nanoTime}): forwarded to the callee's node (with
   * {@link #to}), or received from the caller's (with {@link #from}).
   */
  long forwardedAt;

  /** When the dealer handed the call on ({@link System#nanoTime}), if calls are timed. */
  long started;

  /** The router's span for the call, when calls are traced. */
  Telemetry.Span span;

  /** The dealer's timer for the call's {@code timeout}, if it has one. */
  volatile ScheduledFuture<?> timeout;

  /** A progressive call's registration (0 for any other call) and its frozen INVOCATION Details. */
  private long registrationId;

  private Map<String, Object> invocationDetails = Map.of();

  PendingCall(
      Session caller,
      long callRequest,
      boolean receiveProgress,
      Session callee,
      long invocationId) {
    this.caller = caller;
    this.callRequest = callRequest;
    this.receiveProgress = receiveProgress;
    this.callee = callee;
    this.invocationId = invocationId;
  }

  Session caller() {
    return caller;
  }

  long callRequest() {
    return callRequest;
  }

  boolean receiveProgress() {
    return receiveProgress;
  }

  Session callee() {
    return callee;
  }

  long invocationId() {
    return invocationId;
  }

  /** Marks a progressive call, whose later parts go out as INVOCATIONs with these Details. */
  void continuesAs(long registrationId, Map<String, Object> invocationDetails) {
    this.registrationId = registrationId;
    this.invocationDetails = invocationDetails;
  }

  long registrationId() {
    return registrationId;
  }

  Map<String, Object> invocationDetails() {
    return invocationDetails;
  }

  /** The call is answered (or given up): it no longer counts against the caller's limit. */
  void done() {
    if (caller != null) {
      caller.pendingCalls().decrementAndGet();
    }
    cancelTimeout();
  }

  void cancelTimeout() {
    ScheduledFuture<?> t = timeout;
    if (t != null) {
      t.cancel(false);
    }
  }
}
