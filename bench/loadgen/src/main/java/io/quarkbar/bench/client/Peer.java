package io.quarkbar.bench.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;

/**
 * One client connection of the load generator: a WAMP session, or a member of a raw-relay channel.
 * Everything but {@link #request} and {@link #close} must run on the connection's event loop; the
 * load generator has a single one, so every peer's handlers run on one thread and share counters
 * without locks.
 */
public final class Peer {

  private final WebSocket ws;
  private final Serializer serializer;
  private final Context context;
  private final boolean wamp;

  private ByteBuf partial;
  private Promise<ByteBuf> awaiting;
  private Handler<ByteBuf> handler;
  private Runnable lostHandler;
  private boolean closing;
  private boolean closed;

  Peer(WebSocket ws, Serializer serializer, Context context, boolean wamp) {
    this.ws = ws;
    this.serializer = serializer;
    this.context = context;
    this.wamp = wamp;
    ws.frameHandler(this::onFrame);
    ws.closeHandler(v -> onClosed());
    ws.exceptionHandler(e -> {});
  }

  public Serializer serializer() {
    return serializer;
  }

  /** Whether the other end is a WAMP router (false: a raw relay channel). */
  public boolean isWamp() {
    return wamp;
  }

  /**
   * Sends {@code message} and completes with the next message that arrives. Only for set-up (HELLO,
   * REGISTER, SUBSCRIBE), before {@link #onMessage} takes over.
   */
  public Future<ByteBuf> request(WampMessage message) {
    Promise<ByteBuf> reply = Promise.promise();
    context.runOnContext(
        v -> {
          if (closed) {
            reply.tryFail("connection closed");
            return;
          }
          awaiting = reply;
          send(frame(serializer.encode(message)));
        });
    return reply.future();
  }

  /** Handles every message from now on. */
  public void onMessage(Handler<ByteBuf> handler) {
    this.handler = handler;
  }

  /** Called once if the connection ends without {@link #close()}. */
  public void onLost(Runnable lostHandler) {
    this.lostHandler = lostHandler;
  }

  public void send(WebSocketFrame frame) {
    if (!closed) {
      ws.writeFrame(frame);
    }
  }

  /** Stops reading: the router's writes back up into the socket buffers and its own queue. */
  public void pause() {
    ws.pause();
  }

  public void resume() {
    ws.resume();
  }

  public boolean isClosed() {
    return closed;
  }

  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        v -> {
          closing = true;
          if (closed) {
            done.tryComplete();
          } else {
            ws.close().onComplete(r -> done.tryComplete());
          }
        });
    return done.future();
  }

  private WebSocketFrame frame(byte[] bytes) {
    return new WebSocketFrameImpl(
        serializer.isBinary() ? WebSocketFrameType.BINARY : WebSocketFrameType.TEXT, bytes, true);
  }

  private void onFrame(WebSocketFrame frame) {
    // The frame's own buffer: binaryData() would wrap or copy it for every message.
    ByteBuf data = ((WebSocketFrameImpl) frame).getBinaryData();
    if (frame.isText() || frame.isBinary()) {
      if (frame.isFinal()) {
        deliver(data);
      } else {
        partial = Unpooled.buffer().writeBytes(data, data.readerIndex(), data.readableBytes());
      }
    } else if (frame.isContinuation() && partial != null) {
      partial.writeBytes(data, data.readerIndex(), data.readableBytes());
      if (frame.isFinal()) {
        ByteBuf whole = partial;
        partial = null;
        deliver(whole);
      }
    }
  }

  private void deliver(ByteBuf message) {
    if (awaiting != null) {
      Promise<ByteBuf> reply = awaiting;
      awaiting = null;
      reply.tryComplete(message);
    } else if (handler != null) {
      handler.handle(message);
    }
  }

  private void onClosed() {
    closed = true;
    if (awaiting != null) {
      awaiting.tryFail("connection closed");
      awaiting = null;
    }
    if (!closing && lostHandler != null) {
      lostHandler.run();
    }
  }
}
