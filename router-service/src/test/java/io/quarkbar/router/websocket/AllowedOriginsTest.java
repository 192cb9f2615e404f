package io.quarkbar.router.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.router.support.RawWebSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With {@code router.websocket.allowed-origins} set, as the platform sets it for web-ui's page: the
 * listed origins and the router's own connect, no other. The services' Vert.x client sends the
 * router's own address as Origin, so a list without it must not lock them out.
 */
@QuarkusTest
@TestProfile(AllowedOriginsTest.PageOrigin.class)
class AllowedOriginsTest {

  public static class PageOrigin implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("router.websocket.allowed-origins", "http://page.example:8083");
    }
  }

  @TestHTTPResource("/ws")
  URI ws;

  @Test
  void aListedOriginConnects() throws Exception {
    assertThat(status("http://page.example:8083")).isEqualTo(101);
  }

  @Test
  void theRoutersOwnOriginConnectsThoughNotListed() throws Exception {
    assertThat(status("http://" + ws.getHost() + ":" + ws.getPort())).isEqualTo(101);
  }

  @Test
  void anyOtherOriginIsRefused() throws Exception {
    assertThat(status("http://page.example:8084")).isEqualTo(403);
    assertThat(status("http://evil.example")).isEqualTo(403);
  }

  private int status(String origin) throws Exception {
    try (RawWebSocket raw =
        RawWebSocket.upgrade(
            ws, Map.of("Origin", origin, "Sec-WebSocket-Protocol", "wamp.2.json"))) {
      return raw.status();
    }
  }
}
