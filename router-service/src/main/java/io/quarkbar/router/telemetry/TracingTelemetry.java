package io.quarkbar.router.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.quarkbar.wamp.router.session.Session;
import io.quarkbar.wamp.router.telemetry.Telemetry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The router's telemetry with OpenTelemetry traces: a span per call (from CALL until the caller's
 * answer) and per publication (its delivery), each the child of the trace context the client sent
 * in {@code _traceparent}/{@code _tracestate}, and the parent of what the callee or subscribers do:
 * INVOCATION and EVENT carry the router span's context on. Everything else goes to {@code metrics}.
 *
 * <p>Only used when tracing is on (the OpenTelemetry SDK enabled); otherwise the router runs with
 * {@link RouterMetrics} alone, and tracing costs nothing.
 */
final class TracingTelemetry implements Telemetry {

  private static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  private static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  private static final AttributeKey<String> MESSAGING_SYSTEM =
      AttributeKey.stringKey("messaging.system");
  private static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  private static final AttributeKey<String> REALM = AttributeKey.stringKey("wamp.realm");
  private static final AttributeKey<Long> SESSION = AttributeKey.longKey("wamp.session");
  private static final AttributeKey<String> ERROR = AttributeKey.stringKey("wamp.error");

  /** Reads the W3C headers from WAMP options, where they go with a leading underscore. */
  private static final TextMapGetter<Map<String, Object>> OPTIONS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, Object> options) {
          return List.of("traceparent", "tracestate");
        }

        @Override
        public String get(Map<String, Object> options, String key) {
          return options != null && options.get("_" + key) instanceof String s ? s : null;
        }
      };

  private final Telemetry metrics;
  private final Tracer tracer;

  TracingTelemetry(Telemetry metrics, Tracer tracer) {
    this.metrics = metrics;
    this.tracer = tracer;
  }

  @Override
  public Span callSpan(
      String realm, String procedure, Session caller, Map<String, Object> options) {
    return start(
        tracer
            .spanBuilder("call " + procedure)
            .setSpanKind(SpanKind.SERVER)
            .setParent(parent(options))
            .setAttribute(RPC_SYSTEM, "wamp")
            .setAttribute(RPC_METHOD, procedure)
            .setAttribute(REALM, realm)
            .setAttribute(SESSION, caller.id())
            .startSpan());
  }

  @Override
  public Span publicationSpan(
      String realm, String topic, Session publisher, Map<String, Object> options) {
    return start(
        tracer
            .spanBuilder("publish " + topic)
            .setSpanKind(SpanKind.PRODUCER)
            .setParent(parent(options))
            .setAttribute(MESSAGING_SYSTEM, "wamp")
            .setAttribute(DESTINATION, topic)
            .setAttribute(REALM, realm)
            .setAttribute(SESSION, publisher.id())
            .startSpan());
  }

  private static Context parent(Map<String, Object> options) {
    return W3CTraceContextPropagator.getInstance().extract(Context.root(), options, OPTIONS);
  }

  private static Span start(io.opentelemetry.api.trace.Span span) {
    Map<String, String> headers = new HashMap<>(4);
    W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), headers, Map::put);
    String traceparent = headers.get("traceparent");
    String tracestate = headers.get("tracestate");
    return new Span() {
      @Override
      public String traceparent() {
        return traceparent;
      }

      @Override
      public String tracestate() {
        return tracestate;
      }

      @Override
      public void end(String error) {
        if (error != null) {
          span.setStatus(StatusCode.ERROR, error);
          span.setAttribute(ERROR, error);
        }
        span.end();
      }
    };
  }

  // Metrics: as the router runs without traces.

  @Override
  public boolean timesCalls() {
    return metrics.timesCalls();
  }

  @Override
  public void callEnded(long nanos, Outcome outcome) {
    metrics.callEnded(nanos, outcome);
  }

  @Override
  public void published(int receivers) {
    metrics.published(receivers);
  }

  @Override
  public void eventDropped() {
    metrics.eventDropped();
  }

  @Override
  public void authenticationFailed(String realm, String method, String error) {
    metrics.authenticationFailed(realm, method, error);
  }

  @Override
  public void protocolViolation() {
    metrics.protocolViolation();
  }
}
