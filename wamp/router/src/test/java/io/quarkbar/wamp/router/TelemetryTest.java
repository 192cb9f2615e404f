package io.quarkbar.wamp.router;

import static io.quarkbar.wamp.router.Configs.REALM;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.config.RouterConfig;
import io.quarkbar.wamp.router.session.Session;
import io.quarkbar.wamp.router.telemetry.Telemetry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What the router tells about its work: the W3C trace context a client sends is passed on to the
 * callee and the subscribers, or replaced by the router's own span when it traces; every call's end
 * and every publication is reported.
 */
class TelemetryTest {

  private static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  private static final String MINE = "00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01";

  @Nested
  class WithoutTracing {

    private final Router router = Configs.openRouter();

    @Test
    void theCallersTraceContextReachesTheCalleeUnchanged() {
      TestClient callee = TestClient.joined(router, Serializer.JSON, REALM);
      TestClient caller = TestClient.joined(router, Serializer.JSON, REALM);
      callee.register("com.example.traced");

      caller.call(
          "com.example.traced",
          Map.of("_traceparent", PARENT, "_tracestate", "vendor=1"),
          List.of(),
          Map.of());

      Invocation inv = callee.expect(Invocation.class);
      assertThat(inv.details())
          .containsEntry("_traceparent", PARENT)
          .containsEntry("_tracestate", "vendor=1");
    }

    @Test
    void aCallWithoutTraceContextGetsNone() {
      TestClient callee = TestClient.joined(router, Serializer.JSON, REALM);
      TestClient caller = TestClient.joined(router, Serializer.JSON, REALM);
      callee.register("com.example.plain");

      caller.call("com.example.plain");

      assertThat(callee.expect(Invocation.class).details()).doesNotContainKey("_traceparent");
    }

    @Test
    void thePublishersTraceContextReachesEverySubscriber() {
      TestClient a = TestClient.joined(router, Serializer.JSON, REALM);
      TestClient b = TestClient.joined(router, Serializer.MSGPACK, REALM);
      TestClient publisher = TestClient.joined(router, Serializer.CBOR, REALM);
      a.subscribe("com.example.news");
      b.subscribe("com.example.", Map.of("match", "prefix"));

      publisher.publish("com.example.news", Map.of("_traceparent", PARENT));

      assertThat(a.expect(Event.class).details()).containsEntry("_traceparent", PARENT);
      assertThat(b.expect(Event.class).details())
          .containsEntry("_traceparent", PARENT)
          .containsEntry("topic", "com.example.news");
    }
  }

  @Nested
  class WithTracingAndMetrics {

    private final Recorder recorder = new Recorder();
    private final Router router = new Router(RouterConfig.openRealm(REALM), recorder);

    @Test
    void theCalleeSeesTheRoutersSpanAsItsParentAndTheSpanEndsWithTheCall() {
      TestClient callee = TestClient.joined(router, Serializer.JSON, REALM);
      TestClient caller = TestClient.joined(router, Serializer.JSON, REALM);
      callee.register("com.example.traced");

      caller.call("com.example.traced", Map.of("_traceparent", PARENT), List.of(), Map.of());
      Invocation inv = callee.expect(Invocation.class);
      assertThat(inv.details()).containsEntry("_traceparent", MINE);
      assertThat(recorder.spans).containsExactly("call com.example.traced from " + PARENT);
      assertThat(recorder.ended).isEmpty();

      callee.send(new Yield(inv.request(), Map.of(), List.of(), Map.of()));
      caller.expect(Result.class);
      assertThat(recorder.ended).containsExactly("ok");
      assertThat(recorder.outcomes).containsExactly(Telemetry.Outcome.RESULT);
    }

    @Test
    void everyWayACallEndsIsReportedOnce() {
      TestClient callee = TestClient.joined(router, Serializer.JSON, REALM);
      TestClient caller = TestClient.joined(router, Serializer.JSON, REALM);
      callee.register("com.example.work");

      caller.call("com.example.work");
      Invocation first = callee.expect(Invocation.class);
      callee.send(
          new Error(
              Invocation.CODE, first.request(), Map.of(), "com.example.oops", List.of(), Map.of()));
      caller.expect(Error.class);

      caller.call("com.example.work", Map.of("timeout", 50), List.of(), Map.of());
      callee.expect(Invocation.class);
      caller.expectError(Call.CODE, caller.nextRequest() - 1, WampUris.TIMEOUT);

      caller.call("com.example.work");
      callee.expect(Invocation.class);
      callee.disconnect();
      caller.expect(Error.class);

      assertThat(recorder.outcomes)
          .containsExactly(
              Telemetry.Outcome.ERROR, Telemetry.Outcome.TIMEOUT, Telemetry.Outcome.CALLEE_GONE);
      assertThat(recorder.ended)
          .containsExactly("com.example.oops", WampUris.TIMEOUT, WampUris.CANCELED);
      assertThat(recorder.nanos).allSatisfy(n -> assertThat(n).isPositive());
    }

    @Test
    void aPublicationIsReportedWithItsReceivers() {
      TestClient a = TestClient.joined(router, Serializer.JSON, REALM);
      TestClient b = TestClient.joined(router, Serializer.JSON, REALM);
      TestClient publisher = TestClient.joined(router, Serializer.JSON, REALM);
      a.subscribe("com.example.news");
      b.subscribe("com.example.news");

      publisher.publish("com.example.news", Map.of());

      assertThat(a.expect(Event.class).details()).containsEntry("_traceparent", MINE);
      b.expect(Event.class);
      assertThat(recorder.spans).containsExactly("publish com.example.news from none");
      assertThat(recorder.receivers).containsExactly(2);
    }

    @Test
    void aProtocolViolationIsReported() {
      TestClient c = TestClient.connect(router, Serializer.JSON);
      c.send(new Hello(REALM, Map.of("roles", TestClient.ROLES)));
      c.welcomed();
      c.send(new Hello(REALM, Map.of("roles", TestClient.ROLES)));
      c.expectAbort(WampUris.PROTOCOL_VIOLATION);
      assertThat(recorder.violations).isEqualTo(1);
    }
  }

  /** Telemetry that writes down what it is told, with a span that answers a fixed context. */
  static final class Recorder implements Telemetry {
    final List<String> spans = new CopyOnWriteArrayList<>();
    final List<String> ended = new CopyOnWriteArrayList<>();
    final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    final List<Long> nanos = new CopyOnWriteArrayList<>();
    final List<Integer> receivers = new CopyOnWriteArrayList<>();
    volatile int violations;

    @Override
    public boolean timesCalls() {
      return true;
    }

    @Override
    public void callEnded(long nanos, Outcome outcome) {
      this.nanos.add(nanos);
      outcomes.add(outcome);
    }

    @Override
    public Span callSpan(
        String realm, String procedure, Session caller, Map<String, Object> options) {
      spans.add("call " + procedure + " from " + options.getOrDefault("_traceparent", "none"));
      return span();
    }

    @Override
    public Span publicationSpan(
        String realm, String topic, Session publisher, Map<String, Object> options) {
      spans.add("publish " + topic + " from " + options.getOrDefault("_traceparent", "none"));
      return span();
    }

    @Override
    public void published(int receivers) {
      this.receivers.add(receivers);
    }

    @Override
    public void protocolViolation() {
      violations++;
    }

    private Span span() {
      return new Span() {
        @Override
        public String traceparent() {
          return MINE;
        }

        @Override
        public String tracestate() {
          return null;
        }

        @Override
        public void end(String error) {
          ended.add(error == null ? "ok" : error);
        }
      };
    }
  }
}
