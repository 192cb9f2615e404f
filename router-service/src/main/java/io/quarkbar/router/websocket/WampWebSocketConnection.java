package io.quarkbar.router.websocket;

import io.quarkbar.router.telemetry.RouterMetrics;
import io.quarkbar.wamp.protocol.codec.ProtocolViolationException;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.Router;
import io.quarkbar.wamp.router.session.Session;
import io.quarkbar.wamp.router.transport.OutgoingMessage;
import io.quarkbar.wamp.router.transport.Transport;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * One WAMP session over one Vert.x {@link ServerWebSocket}: frames in, decoded and handed to the
 * router's {@link Session} on this connection's event loop; messages out, encoded once per
 * serializer and written as single frames.
 *
 * <p>Reads run on the connection's event loop. Writes come from any session's event loop and go
 * through {@link FrameWriter}, which keeps their order and flushes them in batches.
 */
final class WampWebSocketConnection implements Transport {

  private static final Logger LOG = Logger.getLogger(WampWebSocketConnection.class);

  /** Crossbar's URI for an error inside the router; the specification defines none. */
  private static final String RUNTIME_ERROR = "wamp.error.runtime_error";

  private final ServerWebSocket ws;
  private final Serializer serializer;
  private final int maxMessageSize;
  private final int maxOutboundQueue;
  private final String remote;
  private final String address;
  private final Session session;
  private final FrameWriter writer;
  private final RouterMetrics metrics;
  private final Context context;

  /** A message arriving in several frames, gathered here (event loop only). */
  private Buffer fragments;

  private volatile boolean closed;

  WampWebSocketConnection(
      ServerWebSocket ws,
      HttpConnection connection,
      Serializer serializer,
      Router router,
      RouterMetrics metrics,
      int maxMessageSize,
      int maxOutboundQueue) {
    this.ws = ws;
    this.metrics = metrics;
    this.serializer = serializer;
    this.maxMessageSize = maxMessageSize;
    this.maxOutboundQueue = maxOutboundQueue;
    this.remote = String.valueOf(ws.remoteAddress()) + "/" + serializer.subprotocol();
    this.address = ws.remoteAddress() == null ? "unknown" : ws.remoteAddress().hostAddress();
    // Created on the connection's event loop (the upgrade's handler), whose context it keeps.
    this.context = Vertx.currentContext();
    this.session = router.attach(this);
    // Sets the channel's write-buffer watermark, which FrameWriter reads as "the client is behind".
    ws.setWriteQueueMaxSize(maxOutboundQueue);
    this.writer = FrameWriter.of(connection, serializer.isBinary(), maxOutboundQueue);
    ws.frameHandler(this::onFrame);
    ws.closeHandler(v -> onClosed());
    ws.exceptionHandler(e -> LOG.debugf("connection %s: %s", remote, e.toString()));
  }

  private void onFrame(WebSocketFrame frame) {
    if (closed) {
      return;
    }
    if (frame.isText() || frame.isBinary()) {
      if (fragments != null) {
        session.protocolViolation("a new message started before the previous one ended");
        return;
      }
      if (frame.isBinary() != serializer.isBinary()) {
        session.protocolViolation(
            serializer.subprotocol()
                + " messages come in "
                + (serializer.isBinary() ? "binary" : "text")
                + " frames, got a "
                + (frame.isBinary() ? "binary" : "text")
                + " frame");
        return;
      }
      if (frame.isFinal()) {
        deliver(frame.binaryData());
      } else {
        fragments = Buffer.buffer().appendBuffer(frame.binaryData());
        checkSize(fragments.length());
      }
    } else if (frame.isContinuation()) {
      if (fragments == null) {
        session.protocolViolation("a continuation frame without a message to continue");
        return;
      }
      fragments.appendBuffer(frame.binaryData());
      if (checkSize(fragments.length()) && frame.isFinal()) {
        Buffer message = fragments;
        fragments = null;
        deliver(message);
      }
    }
    // Ping, pong and close frames are answered by Vert.x itself.
  }

  private void deliver(Buffer bytes) {
    if (!checkSize(bytes.length())) {
      return;
    }
    try {
      // A copy, not the frame's pooled buffer: the message keeps its payload's bytes to forward.
      WampMessage message = serializer.decode(bytes.getBytes());
      metrics.received(message.code());
      session.receive(message);
    } catch (ProtocolViolationException e) {
      session.protocolViolation(e.getMessage());
    } catch (RuntimeException e) {
      // A bug of ours must not leave the client waiting for an answer that never comes.
      LOG.errorf(e, "connection %s: internal error while routing a message", remote);
      session.abort(RUNTIME_ERROR, "internal router error; the router's log has the details");
    }
  }

  /** False, with the session aborted, when a message is over the size limit. */
  private boolean checkSize(int size) {
    if (size <= maxMessageSize) {
      return true;
    }
    fragments = null;
    LOG.debugf("connection %s: message of %d bytes over the limit", remote, size);
    // Does nothing when the session has already ended: it said its last word then.
    session.abort(
        WampUris.PAYLOAD_SIZE_EXCEEDED,
        "message of " + size + " bytes or more exceeds the limit of " + maxMessageSize + " bytes");
    return false;
  }

  private void onClosed() {
    closed = true;
    session.transportClosed();
  }

  @Override
  public void send(OutgoingMessage message) {
    if (closed) {
      return;
    }
    metrics.sent(message.message().code());
    if (!writer.write(message.encoded(serializer))) {
      overflow();
    }
  }

  /**
   * The client reads slower than it is sent to. Waiting for it would hold memory without bound, and
   * a graceful close would queue behind the backlog, so the connection is cut; the session then
   * ends as if the network had failed, and the client's reconnect logic takes over.
   */
  private void overflow() {
    if (closed) {
      return;
    }
    closed = true;
    metrics.slowClientCut();
    LOG.warnf(
        "connection %s: more than %d bytes waiting to be sent; disconnecting the slow client",
        remote, maxOutboundQueue);
    writer.cut();
  }

  /** Runs {@code task} on the connection's event loop, where its frames keep their order. */
  @Override
  public void execute(Runnable task) {
    writer.execute(task);
  }

  /**
   * Closes the WebSocket on its own event loop. A close started from another thread (a verdict of
   * an authenticator running on the authenticator's connection) races with the client's own close
   * frame inside Vert.x, which then drops the TCP connection without a close frame now and then.
   */
  @Override
  public void close() {
    if (context == null || Vertx.currentContext() == context) {
      if (!ws.isClosed()) {
        ws.close();
      }
    } else {
      context.runOnContext(v -> close());
    }
  }

  @Override
  public String describe() {
    return remote;
  }

  @Override
  public String remoteAddress() {
    return address;
  }

  @Override
  public Map<String, Object> details() {
    return Map.of(
        "type",
        "websocket",
        "peer",
        String.valueOf(ws.remoteAddress()),
        "protocol",
        serializer.subprotocol());
  }
}
