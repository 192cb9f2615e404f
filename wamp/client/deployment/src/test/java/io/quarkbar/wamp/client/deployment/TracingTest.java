package io.quarkbar.wamp.client.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkbar.wamp.client.EventDetails;
import io.quarkbar.wamp.client.Wamp;
import io.quarkbar.wamp.client.WampProcedure;
import io.quarkbar.wamp.client.WampSubscribe;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With OpenTelemetry in the application, one trace runs through WAMP: a call's CLIENT span is the
 * parent of the callee's SERVER span (the context travels as {@code _traceparent}), a call made
 * inside a procedure continues that procedure's span, and a publication's subscribers run in its
 * trace too.
 */
class TracingTest {

  @RegisterExtension
  static final QuarkusUnitTest app =
      new QuarkusUnitTest()
          .withApplicationRoot(jar -> jar.addClasses(Chain.class, Spans.class))
          .overrideConfigKey("quarkus.otel.sdk.disabled", "false")
          .overrideConfigKey("quarkus.otel.bsp.schedule.delay", "10ms");

  static final Duration WAIT = Duration.ofSeconds(5);

  /** Where the test reads the spans. */
  static class Spans {
    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
      return InMemorySpanExporter.create();
    }
  }

  @Singleton
  static class Chain {
    @Inject Wamp wamp;
    final List<String> heard = new CopyOnWriteArrayList<>();

    @WampProcedure("test.outer")
    String outer(String name) {
      // Blocking, on a worker: the inner call must still continue this span.
      return wamp.call("test.inner", String.class, name).await().atMost(WAIT);
    }

    @WampProcedure("test.inner")
    String inner(String name) {
      return "hello, " + name;
    }

    @WampSubscribe("test.news")
    void news(String text, EventDetails details) {
      heard.add(text);
    }
  }

  @Inject Wamp wamp;
  @Inject Chain chain;
  @Inject InMemorySpanExporter spans;

  @Test
  void aCallThroughTwoProceduresIsOneTrace() {
    assertThat(wamp.call("test.outer", String.class, "ada").await().atMost(WAIT))
        .isEqualTo("hello, ada");

    SpanData callOuter = span("call test.outer", SpanKind.CLIENT);
    SpanData outer = span("test.outer", SpanKind.SERVER);
    SpanData callInner = span("call test.inner", SpanKind.CLIENT);
    SpanData inner = span("test.inner", SpanKind.SERVER);

    assertThat(List.of(outer, callInner, inner))
        .allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(callOuter.getTraceId()));
    assertThat(outer.getParentSpanId()).isEqualTo(callOuter.getSpanId());
    assertThat(callInner.getParentSpanId()).isEqualTo(outer.getSpanId());
    assertThat(inner.getParentSpanId()).isEqualTo(callInner.getSpanId());
  }

  @Test
  void aSubscriberRunsInThePublicationsTrace() {
    wamp.publish("test.news").args("extra").includeMe().send(true).await().atMost(WAIT);
    await().atMost(WAIT).until(() -> chain.heard.contains("extra"));

    SpanData publish = span("publish test.news", SpanKind.PRODUCER);
    SpanData event = span("event test.news", SpanKind.CONSUMER);
    assertThat(event.getTraceId()).isEqualTo(publish.getTraceId());
    assertThat(event.getParentSpanId()).isEqualTo(publish.getSpanId());
  }

  private SpanData span(String name, SpanKind kind) {
    return await()
        .atMost(WAIT)
        .until(
            () ->
                spans.getFinishedSpanItems().stream()
                    .filter(s -> s.getName().equals(name) && s.getKind() == kind)
                    .findFirst(),
            java.util.Optional::isPresent)
        .orElseThrow();
  }
}
