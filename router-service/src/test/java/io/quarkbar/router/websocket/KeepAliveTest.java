package io.quarkbar.router.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.router.support.RawWebSocket;
import io.quarkbar.router.support.RouterHealth;
import io.quarkbar.router.support.WampTestClient;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.Subscribe;
import io.quarkbar.wamp.protocol.message.Subscribed;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A WAMP session lives as long as its peer does, however quiet: the router pings a connection that
 * has been silent for {@code router.websocket.ping-interval}, keeps it while pongs come back (past
 * the HTTP idle timeout, which must not end WebSocket sessions), and closes it, ending the session,
 * when nothing comes back.
 */
@QuarkusTest
@TestProfile(KeepAliveTest.FastPings.class)
class KeepAliveTest {

  private static final int PING = 0x9;
  private static final int PONG = 0xA;

  /** Pings after one second of silence, and an HTTP idle timeout as short. */
  public static class FastPings implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("router.websocket.ping-interval", "1s", "quarkus.http.idle-timeout", "1s");
    }
  }

  @TestHTTPResource("/ws")
  URI ws;

  @Test
  void quietPeerThatAnswersPingsKeepsItsSession() throws IOException {
    try (RawWebSocket peer = joined()) {
      int pings = 0;
      long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
      while (System.nanoTime() < until) {
        RawWebSocket.Frame frame = peer.readFrame();
        assertThat(frame).as("the router closed a peer that answers its pings").isNotNull();
        assertThat(frame.opcode()).as("only pings while the peer is quiet").isEqualTo(PING);
        pings++;
        peer.sendFrame(PONG, true, frame.payload());
      }
      assertThat(pings).as("pings in 4 s of silence, one a second").isBetween(2, 5);

      send(peer, new Subscribe(1, Map.of(), "com.test.quiet"));
      assertThat(next(peer)).isInstanceOf(Subscribed.class);
    }
  }

  @Test
  void peerThatAnswersNothingIsClosedAndItsSessionEnds() throws IOException {
    int before = RouterHealth.sessions();
    try (RawWebSocket peer = joined()) {
      assertThat(RouterHealth.sessions()).isEqualTo(before + 1);
      RawWebSocket.Frame frame = peer.readFrame();
      assertThat(frame.opcode()).isEqualTo(PING);
      // No pong: one more second of silence and the router gives up on the peer.
      assertThat(peer.drainUntilEof(5_000)).as("connection closed by the router").isTrue();
    }
    assertThat(RouterHealth.awaitSessions(before, Duration.ofSeconds(5)))
        .as("router sessions after the silent peer was closed")
        .isEqualTo(before);
  }

  private RawWebSocket joined() throws IOException {
    RawWebSocket peer =
        RawWebSocket.upgrade(ws, Map.of("Sec-WebSocket-Protocol", Serializer.JSON.subprotocol()));
    assertThat(peer.status()).isEqualTo(101);
    send(peer, new Hello("realm1", Map.of("roles", WampTestClient.ROLES)));
    assertThat(next(peer)).isInstanceOf(Welcome.class);
    return peer;
  }

  private static void send(RawWebSocket peer, WampMessage message) throws IOException {
    peer.sendFrame(RawWebSocket.TEXT, true, Serializer.JSON.encode(message));
  }

  private static WampMessage next(RawWebSocket peer) throws IOException {
    RawWebSocket.Frame frame = peer.readFrame();
    assertThat(frame).isNotNull();
    assertThat(frame.opcode()).isEqualTo(RawWebSocket.TEXT);
    return Serializer.JSON.decode(frame.payload());
  }
}
