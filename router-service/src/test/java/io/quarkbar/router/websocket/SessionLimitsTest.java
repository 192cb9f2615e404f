package io.quarkbar.router.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.router.support.RouterHealth;
import io.quarkbar.router.support.WampTestClient;
import io.quarkbar.wamp.protocol.message.Abort;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.router.config.Limits;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The join deadline and the session bound per address, over real sockets: a connection that never
 * says HELLO is closed, and one session too many from an address is told why.
 */
@QuarkusTest
@TestProfile(SessionLimitsTest.Tight.class)
class SessionLimitsTest {

  /** One second to say HELLO, three sessions per address (the tests all come from 127.0.0.1). */
  public static class Tight implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "router.limits.hello-timeout", "1s",
          "router.limits.max-sessions-per-address", "3");
    }
  }

  @Inject Vertx vertx;

  @TestHTTPResource("/ws")
  URI ws;

  private final List<WampTestClient> clients = new ArrayList<>();

  @AfterEach
  void closeAll() {
    clients.forEach(WampTestClient::close);
  }

  @Test
  void aConnectionThatSaysNothingIsClosedAfterTheHelloTimeout() {
    WampTestClient silent = connect();
    long start = System.nanoTime();

    silent.expectClosed();

    assertThat((System.nanoTime() - start) / 1_000_000).isBetween(500L, 4_000L);
  }

  @Test
  void theSessionOneTooManyFromAnAddressIsAbortedAndTheOthersStay() {
    for (int i = 0; i < 3; i++) {
      connect().join("realm1");
    }
    WampTestClient extra = connect();
    extra.send(new Hello("realm1", Map.of("roles", WampTestClient.ROLES)));

    Abort abort = extra.expectAbort(Limits.TOO_MANY_SESSIONS);
    assertThat(abort.details().get("message").toString()).contains("3 sessions from one address");
    extra.expectClosed();
    clients.removeFirst().close();
    RouterHealth.awaitSessions(2, Duration.ofSeconds(5));
    connect().join("realm1");
  }

  private WampTestClient connect() {
    WampTestClient c = WampTestClient.connect(vertx, ws, Serializer.JSON);
    clients.add(c);
    return c;
  }
}
