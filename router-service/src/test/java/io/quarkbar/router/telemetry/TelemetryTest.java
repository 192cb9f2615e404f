package io.quarkbar.router.telemetry;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkbar.router.support.WampTestClient;
import io.quarkbar.wamp.protocol.message.Authenticate;
import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Challenge;
import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Publish;
import io.quarkbar.wamp.protocol.message.Register;
import io.quarkbar.wamp.protocol.message.Registered;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.Subscribe;
import io.quarkbar.wamp.protocol.message.Subscribed;
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The router's metrics at {@code /q/metrics} and its traces, with tracing on: a call and a
 * publication carrying a client's trace context get a span of the router's as the child of the
 * client's, and the callee and subscriber get the router span's context; every count a user watches
 * moves.
 */
@QuarkusTest
@TestProfile(TelemetryTest.Tracing.class)
class TelemetryTest {

  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CLIENT_SPAN = "00f067aa0ba902b7";
  private static final String PARENT = "00-" + TRACE + "-" + CLIENT_SPAN + "-01";

  /** Tracing on, spans kept in memory, exported at once; a realm that takes tickets. */
  public static class Tracing implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "quarkus.otel.sdk.disabled", "false",
          "quarkus.otel.bsp.schedule.delay", "10ms",
          "quarkus.otel.exporter.otlp.enabled", "false",
          "router.realms.tickets.roles.user.permissions[0].uri", "com.example.",
          "router.realms.tickets.roles.user.permissions[0].match", "prefix",
          "router.realms.tickets.roles.user.permissions[0].allow", "call",
          "router.realms.tickets.auth.ticket.principals.alice.ticket", "right",
          "router.realms.tickets.auth.ticket.principals.alice.role", "user");
    }
  }

  /** Where the tests read the spans. */
  static class Spans {
    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
      return InMemorySpanExporter.create();
    }
  }

  @TestHTTPResource("/ws")
  URI uri;

  @Inject Vertx vertx;
  @Inject InMemorySpanExporter spans;

  private final List<WampTestClient> clients = new ArrayList<>();

  @AfterEach
  void close() {
    clients.forEach(WampTestClient::close);
  }

  private WampTestClient join() {
    WampTestClient c = WampTestClient.join(vertx, uri, Serializer.JSON, "realm1");
    clients.add(c);
    return c;
  }

  @Test
  void aTracedCallIsASpanBetweenTheCallersAndTheCallees() {
    WampTestClient callee = join();
    WampTestClient caller = join();
    callee.send(new Register(callee.nextRequest(), Map.of(), "com.example.traced"));
    callee.expect(Registered.class);

    caller.send(
        new Call(
            caller.nextRequest(),
            Map.of("_traceparent", PARENT, "_tracestate", "vendor=1"),
            "com.example.traced",
            List.of(1),
            Map.of()));
    Invocation inv = callee.expect(Invocation.class);
    callee.send(new Yield(inv.request(), Map.of(), List.of(2), Map.of()));
    caller.expect(Result.class);

    SpanData span = span("call com.example.traced");
    assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(span.getTraceId()).isEqualTo(TRACE);
    assertThat(span.getParentSpanId()).isEqualTo(CLIENT_SPAN);
    assertThat(span.getAttributes().asMap().toString()).contains("rpc.method=com.example.traced");
    assertThat(inv.details())
        .containsEntry("_traceparent", "00-" + TRACE + "-" + span.getSpanId() + "-01")
        .containsEntry("_tracestate", "vendor=1");
  }

  @Test
  void aTracedPublicationReachesSubscribersWithTheRoutersSpan() {
    WampTestClient subscriber = join();
    WampTestClient publisher = join();
    subscriber.send(new Subscribe(subscriber.nextRequest(), Map.of(), "com.example.news"));
    subscriber.expect(Subscribed.class);

    publisher.send(
        new Publish(
            publisher.nextRequest(),
            Map.of("_traceparent", PARENT),
            "com.example.news",
            List.of("hi"),
            Map.of()));
    Event event = subscriber.expect(Event.class);

    SpanData span = span("publish com.example.news");
    assertThat(span.getParentSpanId()).isEqualTo(CLIENT_SPAN);
    assertThat(event.details())
        .containsEntry("_traceparent", "00-" + TRACE + "-" + span.getSpanId() + "-01");
  }

  @Test
  void theMetricsCountWhatUsersWatch() {
    WampTestClient callee = join();
    WampTestClient caller = join();
    callee.send(new Register(callee.nextRequest(), Map.of(), "com.example.counted"));
    callee.expect(Registered.class);
    caller.send(
        new Call(caller.nextRequest(), Map.of(), "com.example.counted", List.of(), Map.of()));
    Invocation inv = callee.expect(Invocation.class);
    callee.send(new Yield(inv.request(), Map.of(), List.of(), Map.of()));
    caller.expect(Result.class);

    WampTestClient wrongTicket = WampTestClient.connect(vertx, uri, Serializer.JSON);
    clients.add(wrongTicket);
    wrongTicket.send(
        new Hello(
            "tickets",
            Map.of(
                "roles",
                WampTestClient.ROLES,
                "authmethods",
                List.of("ticket"),
                "authid",
                "alice")));
    wrongTicket.expect(Challenge.class);
    wrongTicket.send(new Authenticate("wrong", Map.of()));
    wrongTicket.expectAbort(WampUris.AUTHENTICATION_DENIED);

    WampTestClient rude = join();
    rude.send(new Hello("realm1", Map.of("roles", WampTestClient.ROLES)));
    rude.expectAbort(WampUris.PROTOCOL_VIOLATION);

    String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
    assertThat(metrics)
        .contains("quarkbar_router_sessions{realm=\"realm1\"}")
        .contains("quarkbar_router_calls_in_flight ")
        .contains("quarkbar_router_outbound_queued_bytes ")
        .contains("quarkbar_router_events_delivered_total ")
        .contains("quarkbar_router_slow_clients_disconnected_total ");
    assertThat(value(metrics, "quarkbar_router_messages_received_total{type=\"CALL\"}"))
        .isPositive();
    assertThat(value(metrics, "quarkbar_router_messages_sent_total{type=\"INVOCATION\"}"))
        .isPositive();
    assertThat(value(metrics, "quarkbar_router_calls_seconds_count{outcome=\"result\"}"))
        .isPositive();
    assertThat(value(metrics, "quarkbar_router_protocol_violations_total")).isPositive();
    assertThat(metrics)
        .containsPattern(
            "quarkbar_router_authentication_failures_total\\{[^}]*error=\"wamp.error.authentication_denied\"[^}]*method=\"ticket\"[^}]*realm=\"tickets\"[^}]*\\} [1-9]");
  }

  private SpanData span(String name) {
    return await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                spans.getFinishedSpanItems().stream()
                    .filter(s -> s.getName().equals(name))
                    .findFirst(),
            java.util.Optional::isPresent)
        .orElseThrow();
  }

  /** The value of the sample whose line starts with {@code sample} (name and tags). */
  private static double value(String metrics, String sample) {
    return metrics
        .lines()
        .filter(l -> l.startsWith(sample + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(sample.length() + 1).trim()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no sample " + sample + " in /q/metrics"));
  }
}
