package io.quarkbar.wamp.client.runtime;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.List;
import java.util.Map;

/**
 * {@link ClientTracing} with OpenTelemetry: CLIENT spans for calls, PRODUCER spans for
 * publications, SERVER and CONSUMER spans for the handlers, with the W3C trace context in the
 * messages' {@code _traceparent}/{@code _tracestate} (the WAMP option names of W3C's headers). When
 * the application's OpenTelemetry SDK is disabled its tracer makes no-op spans and nothing is added
 * to the messages.
 */
final class OpenTelemetryClientTracing implements ClientTracing {

  private static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  private static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  private static final AttributeKey<String> MESSAGING_SYSTEM =
      AttributeKey.stringKey("messaging.system");
  private static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  private static final AttributeKey<String> ERROR = AttributeKey.stringKey("wamp.error");

  private static final TextMapGetter<Map<String, Object>> DETAILS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, Object> details) {
          return List.of("traceparent", "tracestate");
        }

        @Override
        public String get(Map<String, Object> details, String key) {
          return details != null && details.get("_" + key) instanceof String s ? s : null;
        }
      };

  private final Tracer tracer;

  OpenTelemetryClientTracing(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer("io.quarkbar.wamp.client");
  }

  @Override
  public Outgoing call(String procedure, Map<String, Object> options) {
    Span span =
        tracer
            .spanBuilder("call " + procedure)
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute(RPC_SYSTEM, "wamp")
            .setAttribute(RPC_METHOD, procedure)
            .startSpan();
    inject(span, options);
    return error -> end(span, error);
  }

  @Override
  public Outgoing publish(String topic, Map<String, Object> options) {
    Span span =
        tracer
            .spanBuilder("publish " + topic)
            .setSpanKind(SpanKind.PRODUCER)
            .setAttribute(MESSAGING_SYSTEM, "wamp")
            .setAttribute(DESTINATION, topic)
            .startSpan();
    inject(span, options);
    return error -> end(span, error);
  }

  @Override
  public Handling invocation(String procedure, Map<String, Object> details) {
    return handling(
        tracer
            .spanBuilder(procedure)
            .setSpanKind(SpanKind.SERVER)
            .setParent(parent(details))
            .setAttribute(RPC_SYSTEM, "wamp")
            .setAttribute(RPC_METHOD, procedure)
            .startSpan());
  }

  @Override
  public Handling event(String topic, Map<String, Object> details) {
    return handling(
        tracer
            .spanBuilder("event " + topic)
            .setSpanKind(SpanKind.CONSUMER)
            .setParent(parent(details))
            .setAttribute(MESSAGING_SYSTEM, "wamp")
            .setAttribute(DESTINATION, topic)
            .startSpan());
  }

  private static Handling handling(Span span) {
    return new Handling() {
      @Override
      public Scope enter() {
        io.opentelemetry.context.Scope scope = span.makeCurrent();
        return scope::close;
      }

      @Override
      public void end(Throwable error) {
        OpenTelemetryClientTracing.end(span, error);
      }
    };
  }

  /**
   * The context the router passed on, never what happens to be current on the thread; without one
   * the handler's span starts a trace.
   */
  private static Context parent(Map<String, Object> details) {
    return W3CTraceContextPropagator.getInstance().extract(Context.root(), details, DETAILS);
  }

  private static void inject(Span span, Map<String, Object> options) {
    if (span.getSpanContext().isValid()) {
      W3CTraceContextPropagator.getInstance()
          .inject(Context.current().with(span), options, (o, k, v) -> o.put("_" + k, v));
    }
  }

  private static void end(Span span, Throwable error) {
    if (error != null) {
      span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
      if (error instanceof io.quarkbar.wamp.client.WampException w) {
        span.setAttribute(ERROR, w.uri());
      }
    }
    span.end();
  }
}
