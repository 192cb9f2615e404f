package io.quarkbar.router.websocket;

import io.quarkbar.router.config.RouterServiceConfig;
import io.quarkbar.router.telemetry.RouterMetrics;
import io.quarkbar.router.transport.KeepAliveTimer;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.router.Router;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The WAMP WebSocket endpoint, a route on the Vert.x HTTP server that Quarkus already runs.
 *
 * <p>Why not quarkus-websockets-next: measured on one core, its endpoints spent 2.5 to 10 times the
 * CPU per message of a plain Vert.x {@code ServerWebSocket}, more than the routing itself costs.
 * This route upgrades the request to a {@code ServerWebSocket} and handles frames directly.
 *
 * <p>Before upgrading it refuses, with a plain HTTP status and a sentence, what cannot become a
 * WAMP session: no WebSocket upgrade (426), a browser page from an origin that is not allowed
 * (403), no WAMP subprotocol offered (400), a router that is shutting down or holds as many
 * sessions as it may (503).
 */
@ApplicationScoped
public class WampWebSocketEndpoint implements HttpServerOptionsCustomizer {

  private static final Logger LOG = Logger.getLogger(WampWebSocketEndpoint.class);

  private static final List<String> SUBPROTOCOLS =
      Arrays.stream(Serializer.values()).map(Serializer::subprotocol).toList();

  @Inject Router router;

  @Inject RouterMetrics metrics;

  @Inject RouterServiceConfig config;

  /** Pings quiet connections, one timer per event loop; null with pings off. */
  private KeepAliveTimer keepAlive;

  /**
   * Lets Netty answer the handshake with the subprotocol it selects: the first one in the client's
   * order that we support, which is what {@link #negotiate} picks too. The frame limit leaves room
   * above the message limit so that a message slightly too large gets a WAMP ABORT instead of a
   * bare WebSocket close.
   */
  @Override
  public void customizeHttpsServer(HttpServerOptions options) {
    // The TLS port (quarkus.tls.*) is a server of its own: without this, it would upgrade WAMP
    // connections without naming a subprotocol, and every client would refuse them.
    customizeHttpServer(options);
  }

  @Override
  public void customizeHttpServer(HttpServerOptions options) {
    int maxMessage = config.websocket().maxMessageSize();
    int maxFrame = (int) Math.min(Integer.MAX_VALUE, 2L * maxMessage);
    options
        .setWebSocketSubProtocols(SUBPROTOCOLS)
        .setMaxWebSocketFrameSize(maxFrame)
        .setMaxWebSocketMessageSize(maxFrame);
  }

  /** Stops the keep-alive's sweeps; the event loops outlive the application in dev mode. */
  void stop(@Observes ShutdownEvent event) {
    if (keepAlive != null) {
      keepAlive.close();
    }
  }

  void route(@Observes io.vertx.ext.web.Router http) {
    Duration pingInterval = config.websocket().pingInterval();
    keepAlive = pingInterval.isZero() ? null : new KeepAliveTimer(pingInterval);
    http.route(config.websocket().path()).handler(this::upgrade);
  }

  private void upgrade(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (!"websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))) {
      refuse(ctx, 426, "this is a WAMP WebSocket endpoint: connect with a WebSocket client");
      return;
    }
    if (!router.isAcceptingSessions()) {
      refuse(ctx, 503, "the router is shutting down");
      return;
    }
    if (router.connectionCount() >= router.maxSessions()) {
      // Before the upgrade, so that a full router answers at once instead of taking a connection
      // it cannot hold; the client may try another node or come back later.
      LOG.debugf("refused WebSocket: %d sessions, the router's limit", router.maxSessions());
      // Closed after the answer: a client that gives up without closing would otherwise hold a
      // descriptor until the HTTP idle timeout, taking from router.limits.reserved-files.
      ctx.response().putHeader("Retry-After", "5").putHeader(HttpHeaders.CONNECTION, "close");
      refuse(
          ctx,
          503,
          "the router holds its limit of " + router.maxSessions() + " sessions; try again later");
      return;
    }
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    if (origin != null && !isAllowedOrigin(origin, request.getHeader(HttpHeaders.HOST))) {
      LOG.debugf("refused WebSocket from origin %s", origin);
      refuse(ctx, 403, "origin " + origin + " is not allowed to connect");
      return;
    }
    Optional<Serializer> serializer = negotiate(request.getHeader("Sec-WebSocket-Protocol"));
    if (serializer.isEmpty()) {
      refuse(
          ctx,
          400,
          "no supported WAMP subprotocol offered; offer one of " + String.join(", ", SUBPROTOCOLS));
      return;
    }
    var connection = request.connection();
    request
        .toWebSocket()
        .onSuccess(
            ws -> {
              KeepAlive.install(connection, keepAlive, config.websocket().pingInterval());
              new WampWebSocketConnection(
                  ws,
                  connection,
                  Serializer.forSubprotocol(ws.subProtocol()).orElse(serializer.get()),
                  router,
                  metrics,
                  config.websocket().maxMessageSize(),
                  config.websocket().maxOutboundQueue());
            })
        .onFailure(e -> LOG.debugf("WebSocket handshake failed: %s", e.toString()));
  }

  /**
   * The serializer for a {@code Sec-WebSocket-Protocol} header: the first of the client's list that
   * we support. Clients write the list in different shapes ({@code "a, b"}, {@code "a,b"}, {@code
   * "a,"}), so it is split on commas, trimmed, and empty entries are skipped.
   */
  static Optional<Serializer> negotiate(String header) {
    if (header == null) {
      return Optional.empty();
    }
    for (String offered : header.split(",")) {
      Optional<Serializer> s = Serializer.forSubprotocol(offered.trim());
      if (s.isPresent()) {
        return s;
      }
    }
    return Optional.empty();
  }

  /**
   * Whether a browser page from {@code origin} may connect: listed in {@code allowed-origins} (or
   * {@code *} listed), or served from the router's own host and port.
   */
  boolean isAllowedOrigin(String origin, String host) {
    List<String> allowed = config.websocket().allowedOrigins().orElse(List.of());
    if (allowed.contains("*") || allowed.contains(origin)) {
      return true;
    }
    // The router's own origin is always allowed, listed origins or not: it is where pages the
    // router's host serves come from, and what Vert.x' WebSocket client (the services' client)
    // sends as Origin. A list that left it out locked the platform's own services out.
    try {
      URI uri = URI.create(origin);
      String authority = uri.getRawAuthority();
      return authority != null && authority.equalsIgnoreCase(host);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void refuse(RoutingContext ctx, int status, String message) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .end(message + "\n");
  }
}
