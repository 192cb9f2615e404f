package io.quarkbar.web.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** How {@code web.router-url} becomes the policy's connect-src, and which URLs are refused. */
class PageSettingsTest {

  private static PageSettings settings(String routerUrl) {
    return new PageSettings(
        new WebConfig() {
          @Override
          public URI routerUrl() {
            return URI.create(routerUrl);
          }

          @Override
          public String realm() {
            return "forum";
          }
        });
  }

  @Test
  void connectionsAreAllowedToTheRoutersOriginOnly() {
    assertThat(settings("ws://127.0.0.1:8080/ws").contentSecurityPolicy())
        .contains("; connect-src ws://127.0.0.1:8080;");
    assertThat(settings("wss://forum.example.org/ws").contentSecurityPolicy())
        .contains("; connect-src wss://forum.example.org;");
  }

  @Test
  void aUrlThatIsNotAnAbsoluteWebSocketUrlFailsStartUpNamingTheKey() {
    for (String url : new String[] {"http://localhost:8080/ws", "/ws", "localhost:8080"}) {
      assertThatThrownBy(() -> settings(url))
          .as(url)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("web.router-url")
          .hasMessageContaining(url);
    }
  }
}
