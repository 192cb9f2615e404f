package io.quarkbar.web.config;

import io.quarkus.runtime.Startup;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;

/**
 * What the page gets from the server, worked out once at start-up from {@link WebConfig}: the
 * script {@code /config.js} and the Content-Security-Policy. A router URL that a browser cannot use
 * fails start-up with the key named.
 */
@Startup
@ApplicationScoped
public class PageSettings {

  private final String configScript;
  private final String contentSecurityPolicy;

  @Inject
  PageSettings(WebConfig config) {
    URI router = checkedRouterUrl(config.routerUrl());
    this.configScript = configScript(router, config.realm());
    this.contentSecurityPolicy = contentSecurityPolicy(origin(router));
  }

  /** {@code window.QUARKBAR = {routerUrl, realm}}, as JavaScript. */
  public String configScript() {
    return configScript;
  }

  /** The Content-Security-Policy of every response. */
  public String contentSecurityPolicy() {
    return contentSecurityPolicy;
  }

  private static URI checkedRouterUrl(URI url) {
    String scheme = url.getScheme();
    if (!("ws".equals(scheme) || "wss".equals(scheme)) || url.getHost() == null) {
      throw new IllegalStateException(
          "web.router-url (WEB_ROUTER_URL) must be an absolute ws:// or wss:// URL by which browsers"
              + " reach the router, such as ws://localhost:8080/ws; it is "
              + url);
    }
    return url;
  }

  /** {@code ws://host:port}: what CSP's connect-src matches a WebSocket URL against. */
  private static String origin(URI url) {
    return url.getScheme() + "://" + url.getRawAuthority();
  }

  private static String configScript(URI router, String realm) {
    String json = new JsonObject().put("routerUrl", router.toString()).put("realm", realm).encode();
    return "window.QUARKBAR = Object.freeze(" + scriptSafe(json) + ");\n";
  }

  /**
   * JSON made safe to read as JavaScript anywhere, even inlined into HTML: U+2028 and U+2029 end a
   * line in older JavaScript engines, and {@code <} could close a script element or open an HTML
   * comment. Each can only occur inside a JSON string, where its escape means the same.
   */
  static String scriptSafe(String json) {
    return json.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029");
  }

  /**
   * Scripts, styles and images from this server only, none inline; connections to the router only;
   * no frames, plugins, base URL or form targets.
   */
  private static String contentSecurityPolicy(String routerOrigin) {
    return String.join(
        "; ",
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src " + routerOrigin,
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'");
  }
}
