package io.quarkbar.wamp.client.runtime;

import io.quarkbar.wamp.client.core.ClientTransport;
import io.quarkbar.wamp.protocol.codec.MessageCodec;
import io.quarkbar.wamp.protocol.codec.ProtocolViolationException;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkus.websockets.next.BasicWebSocketConnector;
import io.quarkus.websockets.next.WebSocketClientConnection;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Connects to a router with websockets-next' {@link BasicWebSocketConnector}: the WAMP subprotocol
 * of the configured serializer, text frames for JSON and binary ones for msgpack and CBOR, TLS
 * through the Quarkus TLS registry. Messages arrive on the connection's event loop.
 */
final class WebSocketConnector implements ClientTransport.Connector {

  private static final Logger LOG = Logger.getLogger(WebSocketConnector.class);

  private final URI url;
  private final Serializer serializer;
  private final Optional<String> tlsConfiguration;

  WebSocketConnector(URI url, Serializer serializer, Optional<String> tlsConfiguration) {
    this.url = url;
    this.serializer = serializer;
    this.tlsConfiguration = tlsConfiguration;
  }

  @Override
  public CompletionStage<ClientTransport> connect(ClientTransport.Listener listener) {
    AtomicReference<Transport> transport = new AtomicReference<>();
    BasicWebSocketConnector connector =
        BasicWebSocketConnector.create()
            // The path apart: as part of the base URI, websockets-next would append "/" to it
            // (GET /ws/), which routers that match the path exactly (jawampa, fox-wamp) refuse.
            .baseUri(authority(url))
            .path(url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
            .addSubprotocol(serializer.subprotocol())
            .executionModel(BasicWebSocketConnector.ExecutionModel.NON_BLOCKING)
            .onTextMessage(
                (c, text) ->
                    deliver(listener, c, text.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
            .onBinaryMessage((c, bytes) -> deliver(listener, c, bytes.getBytes()))
            .onClose((c, reason) -> listener.onClose("closed (" + reason.getCode() + ")"))
            .onError(
                (c, e) -> {
                  // A broken connection is said by its close; anything else (a message over
                  // quarkus.websockets-next.client.max-message-size, dropped) must be seen.
                  if (e instanceof java.io.IOException) {
                    LOG.debugf("WAMP connection to %s: %s", url, e.toString());
                  } else {
                    LOG.warnf("WAMP connection to %s: %s", url, e.toString());
                  }
                });
    tlsConfiguration.ifPresent(connector::tlsConfigurationName);
    return connector
        .connect()
        .map(
            c -> {
              if (!serializer.subprotocol().equals(c.subprotocol())) {
                c.closeAndAwait();
                throw new IllegalStateException(
                    "the router at " + url + " does not speak " + serializer.subprotocol());
              }
              Transport t = new Transport(c);
              transport.set(t);
              return (ClientTransport) t;
            })
        .subscribeAsCompletionStage();
  }

  private void deliver(
      ClientTransport.Listener listener, WebSocketClientConnection c, byte[] bytes) {
    WampMessage message;
    try {
      message = MessageCodec.fromList(absentForNull(serializer.decodeList(bytes, 0, bytes.length)));
    } catch (ProtocolViolationException e) {
      LOG.warnf(
          "the router at %s sent a message that is not valid WAMP (%s); closing",
          url, e.getMessage());
      c.close().subscribe().with(v -> {}, f -> {});
      return;
    }
    listener.onMessage(message);
  }

  /** {@code url} without its path: scheme, authority and query. */
  private static URI authority(URI url) {
    return URI.create(
        url.getScheme()
            + "://"
            + url.getRawAuthority()
            + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()));
  }

  /**
   * The wire list with a {@code null} Arguments or ArgumentsKw read as absent (an empty list or
   * dict). Some routers write {@code null} for "none" (fox-wamp: {@code [50, 10, {}, [5], null]});
   * the specification wants a list and a dict, but refusing a router's {@code null} gains a client
   * nothing, and Autobahn|JS reads it the same way. The router stays strict with clients.
   */
  static List<Object> absentForNull(List<Object> wire) {
    if (wire.isEmpty() || !(wire.getFirst() instanceof Number code)) {
      return wire;
    }
    int at = MessageCodec.payloadIndex(code.longValue());
    boolean argsNull = at > 0 && wire.size() > at && wire.get(at) == null;
    boolean kwargsNull = at > 0 && wire.size() > at + 1 && wire.get(at + 1) == null;
    if (!argsNull && !kwargsNull) {
      return wire;
    }
    List<Object> fixed = new ArrayList<>(wire);
    if (argsNull) {
      fixed.set(at, List.of());
    }
    if (kwargsNull) {
      fixed.set(at + 1, Map.of());
    }
    return fixed;
  }

  /**
   * One open connection: sends encoded messages, never waiting; through its {@link LoopFrameWriter}
   * where there is one.
   */
  private final class Transport implements ClientTransport {
    private final WebSocketClientConnection connection;
    private final LoopFrameWriter writer;

    Transport(WebSocketClientConnection connection) {
      this.connection = connection;
      this.writer = LoopFrameWriter.of(connection);
    }

    @Override
    public void send(WampMessage message) {
      if (!connection.isOpen()) {
        return;
      }
      byte[] bytes = serializer.encode(message);
      if (writer != null) {
        writer.write(bytes, serializer.isBinary());
        return;
      }
      var sent =
          serializer.isBinary()
              ? connection.sendBinary(Buffer.buffer(bytes))
              : connection.sendText(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
      sent.subscribe()
          .with(v -> {}, e -> LOG.debugf("sending to %s failed: %s", url, e.toString()));
    }

    @Override
    public void close() {
      if (writer != null) {
        // After the messages sent before (a GOODBYE, a YIELD from a worker): never before them.
        writer.afterPending(this::closeNow);
      } else {
        closeNow();
      }
    }

    private void closeNow() {
      if (connection.isOpen()) {
        connection.close().subscribe().with(v -> {}, e -> {});
      }
    }
  }
}
