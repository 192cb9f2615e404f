package io.quarkbar.router.rawsocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.router.support.RawSocketClient;
import io.quarkbar.router.support.RouterHealth;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The router's limits at the RawSocket handshake: at {@code router.limits.max-sessions} a new
 * connection is refused with error 4 (maximum connection count reached), and a connection has
 * {@code router.limits.hello-timeout} to send its handshake, and then as long again for HELLO.
 */
@QuarkusTest
@TestProfile(RawSocketLimitsTest.Tight.class)
class RawSocketLimitsTest {

  /** Two sessions at most, one second to say something. */
  public static class Tight implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "router.rawsocket.port", "0",
          "router.limits.max-sessions", "2",
          "router.limits.hello-timeout", "1s");
    }
  }

  @Inject RawSocketServer server;

  private final List<RawSocketClient> clients = new ArrayList<>();

  @AfterEach
  void closeAll() {
    clients.forEach(RawSocketClient::close);
    RouterHealth.awaitSessions(0, Duration.ofSeconds(5));
  }

  @Test
  void aHandshakePastTheSessionLimitIsError4() {
    RawSocketClient first = track(RawSocketClient.join(port(), Serializer.JSON, "realm1"));
    track(RawSocketClient.join(port(), Serializer.CBOR, "realm1"));

    RawSocketClient third = track(RawSocketClient.open(port()));
    assertThat(third.handshake(0x7F, 0xF1, 0, 0)).containsExactly(0x7F, 0x40, 0, 0);
    assertThat(third.closedWithoutAWord(Duration.ofSeconds(5))).isTrue();

    first.close();
    assertThat(RouterHealth.awaitSessions(1, Duration.ofSeconds(5))).isEqualTo(1);
    track(RawSocketClient.join(port(), Serializer.MSGPACK, "realm1"));
  }

  @Test
  void aConnectionWithoutAHandshakeIsClosedAfterTheHelloTimeout() {
    RawSocketClient silent = track(RawSocketClient.open(port()));
    long start = System.nanoTime();
    assertThat(silent.closedWithoutAWord(Duration.ofSeconds(5))).isTrue();
    assertThat((System.nanoTime() - start) / 1_000_000).isBetween(500L, 4_000L);
  }

  @Test
  void aHandshakeWithoutHelloIsClosedAfterTheHelloTimeout() {
    RawSocketClient quiet = track(RawSocketClient.connect(port(), Serializer.JSON));
    long start = System.nanoTime();
    quiet.expectClosed();
    assertThat((System.nanoTime() - start) / 1_000_000).isBetween(500L, 4_000L);
  }

  private int port() {
    return server.port().orElseThrow();
  }

  private RawSocketClient track(RawSocketClient c) {
    clients.add(c);
    return c;
  }
}
