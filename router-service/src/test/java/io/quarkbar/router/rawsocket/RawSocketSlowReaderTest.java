package io.quarkbar.router.rawsocket;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.hamcrest.Matchers.equalTo;

import io.quarkbar.router.support.RawSocketClient;
import io.quarkbar.router.support.RouterHealth;
import io.quarkbar.router.support.WampTestClient;
import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.Publish;
import io.quarkbar.wamp.protocol.message.Published;
import io.quarkbar.wamp.protocol.message.Subscribe;
import io.quarkbar.wamp.protocol.message.Subscribed;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A RawSocket subscriber that stops reading costs the router a bounded amount of memory and nobody
 * else anything, as over WebSocket: past {@code router.rawsocket.max-outbound-queue} (64 KiB here)
 * its connection is cut, while healthy subscribers on both transports get every event, in order.
 */
@QuarkusTest
@TestProfile(RawSocketProfile.class)
class RawSocketSlowReaderTest {

  private static final int EVENTS = 20_000;
  private static final int PAYLOAD = 1024;
  private static final int BATCH = 32;
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @Inject Vertx vertx;

  @Inject RawSocketServer server;

  @TestHTTPResource("/ws")
  URI ws;

  @Test
  void aSlowReaderIsCutAndTheHealthyOnesGetEveryEvent() {
    String topic = "com.test.rs.firehose";
    int port = server.port().orElseThrow();
    // A small receive buffer keeps the kernel from soaking up megabytes for the slow client, so
    // that the router's own queue is what fills.
    RawSocketClient slow = RawSocketClient.open(port, 4096);
    try (slow;
        RawSocketClient healthy = RawSocketClient.join(port, Serializer.MSGPACK, "realm1");
        WampTestClient healthyWs = WampTestClient.join(vertx, ws, Serializer.CBOR, "realm1");
        WampTestClient publisher = WampTestClient.join(vertx, ws, Serializer.JSON, "realm1")) {
      assertThat(slow.handshake(0x7F, 0xF2, 0, 0)).containsExactly(0x7F, 0x32, 0, 0);
      slow.accepted(Serializer.MSGPACK, RawSocketProfile.MAX_MESSAGE);
      slow.join("realm1");
      subscribe(slow, topic);
      subscribe(healthy, topic);
      long request = healthyWs.nextRequest();
      healthyWs.send(new Subscribe(request, Map.of(), topic));
      assertThat(healthyWs.expect(Subscribed.class).request()).isEqualTo(request);
      int sessionsBefore = RouterHealth.sessions();
      slow.pause();

      String filler = "p".repeat(PAYLOAD);
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      for (int i = 0; i < EVENTS; i += BATCH) {
        for (int j = i; j < i + BATCH; j++) {
          publisher.sendAsync(
              new Publish(j + 1, Map.of(), topic, List.of((long) j, filler), Map.of()));
        }
        for (int j = i; j < i + BATCH; j++) {
          assertThat(next(healthy, deadline, j)).as("event order over RawSocket").isEqualTo(j);
          WampTestClient.Received r = healthyWs.poll(remaining(deadline));
          if (!(r instanceof WampTestClient.Frame f) || !(f.message() instanceof Event event)) {
            fail("healthy WebSocket subscriber: expected event %d, got %s", j, r);
            return;
          }
          assertThat(event.arguments().getFirst()).isEqualTo((long) j);
        }
      }
      long last = EVENTS + 1;
      publisher.send(new Publish(last, Map.of("acknowledge", true), topic, List.of(-1L), Map.of()));
      assertThat(publisher.expect(Published.class).request()).isEqualTo(last);
      assertThat(healthy.expect(Event.class).arguments()).containsExactly(-1L);

      // The router ends the slow session while the client still does not read.
      assertThat(RouterHealth.awaitSessions(sessionsBefore - 1, Duration.ofSeconds(5)))
          .as("router sessions while the slow client is paused")
          .isEqualTo(sessionsBefore - 1);

      // Reading again, the slow client finds what was on its way, then the end.
      slow.resume();
      int delivered = 0;
      boolean closed = false;
      while (!closed && System.nanoTime() < deadline && delivered <= EVENTS) {
        RawSocketClient.Received r = slow.poll(remaining(deadline));
        if (r instanceof RawSocketClient.Closed) {
          closed = true;
        } else if (r instanceof RawSocketClient.Frame f && f.message() instanceof Event) {
          delivered++;
        } else if (r != null) {
          fail("slow subscriber: unexpected %s", r);
        }
      }
      assertThat(closed).as("the slow client's connection was closed by the router").isTrue();
      assertThat(delivered).as("events that reached the slow client").isLessThan(EVENTS);
    }
    given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    try (RawSocketClient late = RawSocketClient.join(port, Serializer.CBOR, "realm1")) {
      assertThat(late.routerMaxLength()).isEqualTo(RawSocketProfile.MAX_MESSAGE);
    }
  }

  private static long next(RawSocketClient c, long deadline, int expected) {
    RawSocketClient.Received r = c.poll(remaining(deadline));
    if (r instanceof RawSocketClient.Frame f && f.message() instanceof Event event) {
      return (Long) event.arguments().getFirst();
    }
    return fail("healthy RawSocket subscriber: expected event %d, got %s", expected, r);
  }

  private static void subscribe(RawSocketClient c, String topic) {
    long request = c.nextRequest();
    c.send(new Subscribe(request, Map.of(), topic));
    assertThat(c.expect(Subscribed.class).request()).isEqualTo(request);
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }
}
