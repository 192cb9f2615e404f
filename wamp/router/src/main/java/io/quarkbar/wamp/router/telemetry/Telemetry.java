package io.quarkbar.wamp.router.telemetry;

import io.quarkbar.wamp.router.session.Session;
import java.util.Map;

/**
 * What the router core tells about its work, for metrics and traces. The core stays free of any
 * metrics or tracing library: router-service implements this with Micrometer and OpenTelemetry.
 *
 * <p>The hooks on the routing path ({@link #callSpan}, {@link #callEnded}, {@link #published}) are
 * called for every call and publication, on the routing thread: an implementation must be cheap and
 * must not block. {@link #NONE} does nothing and costs nothing but the call.
 */
public interface Telemetry {

  /** Telemetry that records nothing. */
  Telemetry NONE = new Telemetry() {};

  /** How a call ended, for the call metrics. */
  enum Outcome {
    /** The callee's final RESULT went to the caller. */
    RESULT,
    /** The callee answered with an ERROR. */
    ERROR,
    /** The caller canceled it. */
    CANCELED,
    /** The dealer's timeout passed. */
    TIMEOUT,
    /** The callee's session ended before it answered. */
    CALLEE_GONE
  }

  /** Whether {@link #callEnded} wants the call's duration: false spares two clock reads. */
  default boolean timesCalls() {
    return false;
  }

  /**
   * A call was handed to a callee and has ended after {@code nanos} (0 when {@link #timesCalls} is
   * false).
   */
  default void callEnded(long nanos, Outcome outcome) {}

  /**
   * A span for a call to {@code procedure} that is about to go to its callee, as the child of the
   * caller's trace context in {@code options} ({@code _traceparent}, {@code _tracestate}), or null
   * when calls are not traced.
   */
  default Span callSpan(
      String realm, String procedure, Session caller, Map<String, Object> options) {
    return null;
  }

  /** As {@link #callSpan}, for a publication to {@code topic}. */
  default Span publicationSpan(
      String realm, String topic, Session publisher, Map<String, Object> options) {
    return null;
  }

  /** A publication was delivered to {@code receivers} subscribers. */
  default void published(int receivers) {}

  /** An event could not be delivered to one subscriber (it could not be encoded for it). */
  default void eventDropped() {}

  /** A join was refused for its credentials ({@code error}: the ABORT's URI). */
  default void authenticationFailed(String realm, String method, String error) {}

  /** A session broke the protocol and was aborted. */
  default void protocolViolation() {}

  /** A span of the router's, from a call or publication until its end. */
  interface Span {

    /** The W3C {@code traceparent} to pass on in INVOCATION or EVENT details: this span's. */
    String traceparent();

    /** The W3C {@code tracestate} to pass on, or null. */
    String tracestate();

    /** Ends the span; {@code error} is the error URI it ended with, null for success. */
    void end(String error);
  }
}
