package io.quarkbar.web.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;

/**
 * The page's run-time settings, under {@code web}: what the browser needs to reach the platform.
 * They reach the page through {@code /config.js}, so one build serves any deployment; an
 * environment variable overrides each ({@code web.router-url} is {@code WEB_ROUTER_URL}).
 */
@ConfigMapping(prefix = "web")
public interface WebConfig {

  /**
   * The router's WebSocket endpoint as the <em>browser</em> reaches it: an absolute {@code ws://}
   * or {@code wss://} URL (behind TLS, {@code wss://}). The page's Content-Security-Policy allows
   * connections to this URL's origin only, and the router must list this service's origin in {@code
   * router.websocket.allowed-origins}.
   */
  @WithDefault("ws://localhost:8080/ws")
  URI routerUrl();

  /** The WAMP realm the page joins (docs/api.md: {@code forum}). */
  @WithDefault("forum")
  String realm();
}
