package io.quarkbar.wamp.client.deployment.devservices;

import io.quarkbar.wamp.protocol.codec.ProtocolViolationException;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.protocol.uri.UriValidator;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.Router;
import io.quarkbar.wamp.router.config.RealmConfig;
import io.quarkbar.wamp.router.config.RouterConfig;
import io.quarkbar.wamp.router.session.Session;
import io.quarkbar.wamp.router.transport.OutgoingMessage;
import io.quarkbar.wamp.router.transport.Transport;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import java.io.Closeable;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The router of dev mode and tests: the router core with an open realm for each realm the
 * application joins (anonymous sessions may do everything, and callers and publishers are
 * disclosed), on a Vert.x WebSocket server of its own on a random loopback port. It is for trying
 * things, not for production: router-service is the router to deploy, with its limits, batching and
 * security.
 */
public final class EmbeddedRouter implements Closeable {

  private final Vertx vertx;
  private final HttpServer server;
  private final Router router;
  private final Collection<String> realms;

  private EmbeddedRouter(Vertx vertx, HttpServer server, Router router, Collection<String> realms) {
    this.vertx = vertx;
    this.server = server;
    this.router = router;
    this.realms = realms;
  }

  /** Starts a router with open realms {@code realms} on a free port. */
  public static EmbeddedRouter start(Collection<String> realms) throws Exception {
    return start(realms, 0);
  }

  /**
   * The largest message taken from a client, in bytes: the router service's default ({@code
   * router.websocket.max-message-size}), which the client takes from its router too.
   */
  public static final int MAX_MESSAGE_SIZE = 1_048_576;

  /** Starts a router with open realms {@code realms} on {@code port} (0: a free one). */
  public static EmbeddedRouter start(Collection<String> realms, int port) throws Exception {
    List<RealmConfig> open =
        realms.stream().map(r -> RouterConfig.openRealm(r).realms().getFirst()).toList();
    Router router = new Router(new RouterConfig(open, UriValidator.LOOSE));
    Vertx vertx = Vertx.vertx();
    HttpServer server =
        vertx.createHttpServer(
            new HttpServerOptions()
                .setHost("127.0.0.1")
                .setPort(port)
                // The router service's default limit (router.websocket.max-message-size), not
                // Vert.x's 256 KiB: dev and test take what production takes.
                .setMaxWebSocketMessageSize(MAX_MESSAGE_SIZE)
                .setWebSocketSubProtocols(
                    Arrays.stream(Serializer.values()).map(Serializer::subprotocol).toList()));
    server.webSocketHandler(ws -> accept(router, ws));
    server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return new EmbeddedRouter(vertx, server, router, realms);
  }

  private static void accept(Router router, ServerWebSocket ws) {
    // The handshake completes after this handler, so subProtocol() is not known yet: the server
    // picks the first subprotocol in the client's order that it offers, and so does this.
    Serializer serializer = negotiate(ws.headers().get("Sec-WebSocket-Protocol"));
    if (serializer == null) {
      ws.close((short) 1002, "offer a WAMP subprotocol");
      return;
    }
    Session session = router.attach(new Connection(ws, serializer));
    ws.binaryMessageHandler(b -> receive(session, serializer, b));
    ws.textMessageHandler(t -> receive(session, serializer, Buffer.buffer(t)));
    ws.closeHandler(v -> session.transportClosed());
    // Vert.x drops a message over the limit and says so here: the session ends as the router
    // service ends it, rather than the caller waiting for an answer that never comes.
    ws.exceptionHandler(
        e -> {
          if (e instanceof IllegalStateException) {
            session.abort(WampUris.PAYLOAD_SIZE_EXCEEDED, e.getMessage());
          }
        });
  }

  private static Serializer negotiate(String offered) {
    for (String p : offered == null ? new String[0] : offered.split(",")) {
      Serializer s = Serializer.forSubprotocol(p.trim()).orElse(null);
      if (s != null) {
        return s;
      }
    }
    return null;
  }

  private static void receive(Session session, Serializer serializer, Buffer bytes) {
    try {
      session.receive(serializer.decode(bytes.getBytes()));
    } catch (ProtocolViolationException e) {
      session.protocolViolation(e.getMessage());
    }
  }

  /** One WebSocket, as the router core sees it; a frame per message, no batching. */
  private record Connection(ServerWebSocket ws, Serializer serializer) implements Transport {

    @Override
    public void send(OutgoingMessage message) {
      byte[] bytes = message.encoded(serializer);
      if (serializer.isBinary()) {
        ws.writeBinaryMessage(Buffer.buffer(bytes));
      } else {
        ws.writeTextMessage(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
      }
    }

    @Override
    public void close() {
      if (!ws.isClosed()) {
        ws.close();
      }
    }

    @Override
    public String describe() {
      return "embedded/" + ws.remoteAddress();
    }

    @Override
    public String remoteAddress() {
      return ws.remoteAddress() == null ? "local" : ws.remoteAddress().hostAddress();
    }
  }

  /** The URL clients connect to. */
  public String url() {
    return "ws://127.0.0.1:" + server.actualPort() + "/ws";
  }

  public Collection<String> realms() {
    return realms;
  }

  public Map<String, Object> describe() {
    return Map.of("url", url(), "realms", realms);
  }

  @Override
  public void close() {
    router.shutdown(1, TimeUnit.SECONDS);
    server.close();
    vertx.close();
  }
}
