package io.quarkbar.wamp.client.deployment.devservices;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The embedded router of dev mode takes a WAMP client over a real socket. */
class EmbeddedRouterTest {

  @Test
  void aClientJoinsAnOpenRealm() throws Exception {
    try (EmbeddedRouter router = EmbeddedRouter.start(List.of("forum"))) {
      CompletableFuture<String> first = new CompletableFuture<>();
      WebSocket ws =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .subprotocols("wamp.2.json")
              .buildAsync(
                  URI.create(router.url()),
                  new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                      first.complete(data.toString());
                      return null;
                    }
                  })
              .get(5, TimeUnit.SECONDS);

      assertThat(ws.getSubprotocol()).isEqualTo("wamp.2.json");
      ws.sendText("[1, \"forum\", {\"roles\": {\"caller\": {}}}]", true);
      assertThat(first.get(5, TimeUnit.SECONDS)).startsWith("[2,");
    }
  }
}
