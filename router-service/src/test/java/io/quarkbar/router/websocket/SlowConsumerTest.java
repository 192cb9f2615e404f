package io.quarkbar.router.websocket;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.hamcrest.Matchers.equalTo;

import io.quarkbar.router.support.RouterHealth;
import io.quarkbar.router.support.WampTestClient;
import io.quarkbar.router.support.WampTestClient.Closed;
import io.quarkbar.router.support.WampTestClient.Frame;
import io.quarkbar.router.support.WampTestClient.Received;
import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.Publish;
import io.quarkbar.wamp.protocol.message.Published;
import io.quarkbar.wamp.protocol.message.Subscribe;
import io.quarkbar.wamp.protocol.message.Subscribed;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClientOptions;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A subscriber that stops reading must cost the router a bounded amount of memory and nobody else
 * anything: past {@code router.websocket.max-outbound-queue} its connection is cut, while a healthy
 * subscriber of the same topic gets every event, in order.
 */
@QuarkusTest
@TestProfile(SlowConsumerTest.SmallOutboundQueue.class)
class SlowConsumerTest {

  private static final int EVENTS = 20_000;
  private static final int PAYLOAD = 1024;
  private static final int BATCH = 32;
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  /** A 64 KiB bound per client. */
  public static class SmallOutboundQueue implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("router.websocket.max-outbound-queue", "65536");
    }
  }

  @Inject Vertx vertx;

  @TestHTTPResource("/ws")
  URI ws;

  @Test
  void slowSubscriberIsDisconnectedAndHealthyOneGetsEveryEvent() {
    String topic = "com.test.firehose";
    // A small receive buffer keeps the kernel from soaking up megabytes on the slow client's
    // behalf, so that the router's own queue is what fills.
    try (WampTestClient slow =
            WampTestClient.connect(
                vertx,
                ws,
                Serializer.MSGPACK,
                new WebSocketClientOptions().setReceiveBufferSize(4096));
        WampTestClient healthy = WampTestClient.connect(vertx, ws, Serializer.CBOR);
        WampTestClient publisher = WampTestClient.connect(vertx, ws, Serializer.JSON)) {
      slow.join("realm1");
      healthy.join("realm1");
      publisher.join("realm1");
      subscribe(slow, topic);
      subscribe(healthy, topic);
      int sessionsBefore = RouterHealth.sessions();
      slow.pause();

      // The publisher runs at the pace of the healthy subscriber (which is what makes it healthy:
      // it never has more than a batch waiting), and so many times faster than the paused one.
      String filler = "p".repeat(PAYLOAD);
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      for (int i = 0; i < EVENTS; i += BATCH) {
        for (int j = i; j < i + BATCH; j++) {
          publisher.sendAsync(
              new Publish(j + 1, Map.of(), topic, List.of((long) j, filler), Map.of()));
        }
        for (int j = i; j < i + BATCH; j++) {
          Received r = healthy.poll(remaining(deadline));
          if (!(r instanceof Frame f) || !(f.message() instanceof Event event)) {
            fail("healthy subscriber: expected event %d of %d, got %s", j, EVENTS, r);
            return;
          }
          assertThat(event.arguments().getFirst()).as("event order").isEqualTo((long) j);
        }
      }
      long last = EVENTS + 1;
      publisher.send(new Publish(last, Map.of("acknowledge", true), topic, List.of(-1L), Map.of()));
      assertThat(publisher.expect(Published.class).request()).isEqualTo(last);
      assertThat(healthy.expect(Event.class).arguments()).containsExactly(-1L);

      // The router ends the slow session on its own, while the client still does not read: it
      // must not wait for the client to take the backlog (or a close frame queued behind it).
      assertThat(RouterHealth.awaitSessions(sessionsBefore - 1, Duration.ofSeconds(5)))
          .as("router sessions while the slow client is paused")
          .isEqualTo(sessionsBefore - 1);

      // Reading again, the slow client finds what was already on its way, then the end of the
      // connection: fewer events than were published.
      slow.resume();
      int delivered = 0;
      Closed closed = null;
      while (closed == null && System.nanoTime() < deadline && delivered <= EVENTS) {
        Received r = slow.poll(remaining(deadline));
        if (r instanceof Closed c) {
          closed = c;
        } else if (r instanceof Frame f && f.message() instanceof Event) {
          delivered++;
        } else if (r != null) {
          fail("slow subscriber: unexpected %s", r);
        }
      }
      assertThat(closed).as("the slow client's connection was closed by the router").isNotNull();
      assertThat(delivered).as("events that reached the slow client").isLessThan(EVENTS);
    }
    // The router is still up and still takes new sessions.
    given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    try (WampTestClient late = WampTestClient.connect(vertx, ws, Serializer.JSON)) {
      late.join("realm1");
    }
  }

  private static void subscribe(WampTestClient c, String topic) {
    long request = c.nextRequest();
    c.send(new Subscribe(request, Map.of(), topic));
    assertThat(c.expect(Subscribed.class).request()).isEqualTo(request);
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }
}
