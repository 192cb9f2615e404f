package io.quarkbar.router.rawsocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.router.support.RawSocketClient;
import io.quarkbar.router.support.RouterHealth;
import io.quarkbar.wamp.protocol.message.Subscribe;
import io.quarkbar.wamp.protocol.message.Subscribed;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With {@code router.rawsocket.ping-interval} set, a RawSocket session lives as long as its peer
 * answers: the router sends a PING after a second of silence, keeps a peer that answers with a PONG
 * echoing it, and closes one that answers nothing, ending its session. A PONG that does not echo
 * the PING is a protocol violation.
 */
@QuarkusTest
@TestProfile(RawSocketKeepAliveTest.FastPings.class)
class RawSocketKeepAliveTest {

  /** RawSocket on a free port, pinging after one second of silence. */
  public static class FastPings implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("router.rawsocket.port", "0", "router.rawsocket.ping-interval", "1s");
    }
  }

  @Inject RawSocketServer server;

  @Test
  void aQuietPeerThatAnswersPingsKeepsItsSession() throws InterruptedException {
    try (RawSocketClient peer = RawSocketClient.join(port(), Serializer.JSON, "realm1")) {
      Thread.sleep(4_000);
      assertThat(peer.pings()).as("pings in 4 s of silence, one a second").isBetween(2, 5);
      assertThat(peer.poll(Duration.ZERO)).as("nothing but pings arrived").isNull();
      long request = peer.nextRequest();
      peer.send(new Subscribe(request, Map.of(), "com.test.quiet"));
      assertThat(peer.expect(Subscribed.class).request()).isEqualTo(request);
    }
  }

  @Test
  void aPeerThatAnswersNothingIsClosedAndItsSessionEnds() {
    int before = RouterHealth.sessions();
    try (RawSocketClient peer = RawSocketClient.connect(port(), Serializer.MSGPACK)) {
      peer.answerPings(false);
      peer.join("realm1");
      assertThat(RouterHealth.sessions()).isEqualTo(before + 1);
      long start = System.nanoTime();
      peer.expectClosed();
      assertThat((System.nanoTime() - start) / 1_000_000)
          .as("ms until the router gave up: two ping intervals")
          .isBetween(1_000L, 4_000L);
      assertThat(peer.pings()).isEqualTo(1);
    }
    assertThat(RouterHealth.awaitSessions(before, Duration.ofSeconds(5))).isEqualTo(before);
  }

  @Test
  void aPongThatDoesNotEchoThePingIsAProtocolViolation() throws InterruptedException {
    try (RawSocketClient peer = RawSocketClient.connect(port(), Serializer.CBOR)) {
      peer.answerPings(false);
      peer.join("realm1");
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (peer.pings() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(peer.pings()).isEqualTo(1);
      peer.sendFrame(RawSocketClient.PONG, new byte[] {1, 2, 3});
      peer.expectAbortAndClose(WampUris.PROTOCOL_VIOLATION);
    }
  }

  @Test
  void anUnsolicitedPongIsIgnored() {
    try (RawSocketClient peer = RawSocketClient.join(port(), Serializer.JSON, "realm1")) {
      peer.sendFrame(RawSocketClient.PONG, new byte[] {4, 2});
      long request = peer.nextRequest();
      peer.send(new Subscribe(request, Map.of(), "com.test.unsolicited"));
      assertThat(peer.expect(Subscribed.class).request()).isEqualTo(request);
    }
  }

  private int port() {
    return server.port().orElseThrow();
  }
}
