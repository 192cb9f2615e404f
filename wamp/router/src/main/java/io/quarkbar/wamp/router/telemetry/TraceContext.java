package io.quarkbar.wamp.router.telemetry;

import java.util.Map;

/**
 * The W3C trace context a client puts in CALL or PUBLISH options, {@code _traceparent} and {@code
 * _tracestate} (the underscore marks an option of an implementation's own, as the specification
 * allows), and which the router passes on in INVOCATION and EVENT details, so that a trace runs
 * from the caller through the router to the callee.
 */
public final class TraceContext {

  public static final String TRACEPARENT = "_traceparent";
  public static final String TRACESTATE = "_tracestate";

  private TraceContext() {}

  /** Whether {@code options} carry a trace context; cheap for the empty options of most calls. */
  public static boolean present(Map<String, Object> options) {
    return !options.isEmpty() && options.get(TRACEPARENT) instanceof String;
  }

  /**
   * Puts into {@code details} the trace context to pass on: {@code span}'s when the router traces
   * the message, else the client's from {@code options} unchanged.
   */
  public static void pass(
      Map<String, Object> options, Telemetry.Span span, Map<String, Object> details) {
    if (span != null) {
      details.put(TRACEPARENT, span.traceparent());
      if (span.tracestate() != null) {
        details.put(TRACESTATE, span.tracestate());
      }
      return;
    }
    if (options.get(TRACEPARENT) instanceof String parent) {
      details.put(TRACEPARENT, parent);
      if (options.get(TRACESTATE) instanceof String state) {
        details.put(TRACESTATE, state);
      }
    }
  }
}
