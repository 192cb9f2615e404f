package io.quarkbar.bench.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
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
import io.vertx.core.net.impl.NetSocketInternal;

/**
 * One client connection of the load generator: a WAMP session over WebSocket or RawSocket, or a
 * member of a raw-relay channel. Everything but {@link #request} and {@link #close} must run on the
 * connection's event loop; the load generator has a single one, so every peer's handlers run on one
 * thread and share counters without locks.
 */
public final class Peer {

  /** The RawSocket frame type of a WAMP message; 1 is PING, 2 PONG. */
  private static final int RAW_MESSAGE = 0;

  private static final int RAW_PING = 1;
  private static final int RAW_PONG = 2;

  /** The WebSocket, or null over RawSocket. */
  private final WebSocket ws;

  /** The RawSocket connection, or null over WebSocket. */
  private final NetSocketInternal raw;

  private final Serializer serializer;
  private final Context context;
  private final boolean wamp;

  private ByteBuf partial;
  private Promise<ByteBuf> awaiting;
  private Handler<ByteBuf> handler;
  private Runnable lostHandler;
  private boolean closing;
  private boolean closed;

  /** RawSocket only: bytes of a frame that has not arrived whole, and the handshake's state. */
  private ByteBuf rawPending;

  private Promise<Peer> handshake;

  Peer(WebSocket ws, Serializer serializer, Context context, boolean wamp) {
    this.ws = ws;
    this.raw = null;
    this.serializer = serializer;
    this.context = context;
    this.wamp = wamp;
    ws.frameHandler(this::onFrame);
    ws.closeHandler(v -> onClosed());
    ws.exceptionHandler(e -> {});
  }

  private Peer(NetSocketInternal raw, Serializer serializer, Context context) {
    this.ws = null;
    this.raw = raw;
    this.serializer = serializer;
    this.context = context;
    this.wamp = true;
    raw.messageHandler(this::onRawBytes);
    raw.closeHandler(v -> onClosed());
    raw.exceptionHandler(e -> {});
  }

  /**
   * A peer over a fresh RawSocket connection, once the router has accepted its handshake (this
   * client receives up to 16 MiB, in {@code serializer}). On the connection's event loop.
   */
  static Future<Peer> rawSocket(NetSocketInternal socket, Serializer serializer, Context context) {
    Peer peer = new Peer(socket, serializer, context);
    peer.handshake = Promise.promise();
    int id =
        switch (serializer) {
          case JSON -> 1;
          case MSGPACK -> 2;
          case CBOR -> 3;
        };
    socket.writeMessage(Unpooled.wrappedBuffer(new byte[] {0x7F, (byte) (0xF0 | id), 0, 0}));
    return peer.handshake.future();
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
          byte[] bytes = serializer.encode(message);
          if (raw != null) {
            raw.writeMessage(
                Unpooled.buffer(4 + bytes.length).writeInt(bytes.length).writeBytes(bytes));
          } else {
            ws.writeFrame(
                new WebSocketFrameImpl(
                    serializer.isBinary() ? WebSocketFrameType.BINARY : WebSocketFrameType.TEXT,
                    bytes,
                    true));
          }
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

  /** Sends {@code template}'s message with {@code id}, as a frame of this peer's transport. */
  public void send(Template template, long id) {
    if (closed) {
      return;
    }
    if (raw != null) {
      raw.writeMessage(template.rawSocketFrame(id));
    } else {
      ws.writeFrame(template.frame(id));
    }
  }

  /** Stops reading: the router's writes back up into the socket buffers and its own queue. */
  public void pause() {
    if (raw != null) {
      // The message handler bypasses NetSocket's own pause; stop reading the channel instead.
      raw.channelHandlerContext().channel().config().setAutoRead(false);
    } else {
      ws.pause();
    }
  }

  public void resume() {
    if (raw != null) {
      raw.channelHandlerContext().channel().config().setAutoRead(true);
    } else {
      ws.resume();
    }
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
          } else if (raw != null) {
            raw.close().onComplete(r -> done.tryComplete());
          } else {
            ws.close().onComplete(r -> done.tryComplete());
          }
        });
    return done.future();
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

  /**
   * RawSocket bytes as Netty read them (released here): the handshake reply, then frames, each
   * handed on as a slice of the read buffer where it arrived whole, which is nearly always.
   */
  private void onRawBytes(Object message) {
    if (!(message instanceof ByteBuf in)) {
      ReferenceCountUtil.release(message);
      return;
    }
    ByteBuf buf = in;
    if (rawPending != null) {
      rawPending.writeBytes(in);
      in.release();
      buf = rawPending;
    }
    try {
      while (buf.readableBytes() >= 4 && !closed) {
        int prefix = buf.getInt(buf.readerIndex());
        if (handshake != null) {
          buf.skipBytes(4);
          handshakeReply(prefix);
          continue;
        }
        int length = (prefix & 0xFF_FFFF) + ((prefix & 0x0800_0000) != 0 ? 1 << 24 : 0);
        if (buf.readableBytes() < 4 + length) {
          break;
        }
        buf.skipBytes(4);
        ByteBuf payload = buf.readSlice(length);
        switch ((prefix >>> 24) & 0x07) {
          case RAW_MESSAGE -> deliver(payload);
          case RAW_PING ->
              raw.writeMessage(
                  Unpooled.buffer(4 + length)
                      .writeInt(RAW_PONG << 24 | length)
                      .writeBytes(payload));
          default -> {}
        }
      }
    } finally {
      if (buf == rawPending) {
        if (buf.isReadable()) {
          buf.discardReadBytes();
        } else {
          rawPending.release();
          rawPending = null;
        }
      } else {
        if (buf.isReadable()) {
          rawPending = Unpooled.buffer(Math.max(4096, buf.readableBytes() * 2)).writeBytes(buf);
        }
        buf.release();
      }
    }
  }

  private void handshakeReply(int reply) {
    Promise<Peer> done = handshake;
    handshake = null;
    int second = (reply >>> 16) & 0xFF;
    if (reply >>> 24 != 0x7F || (second & 0x0F) == 0) {
      done.tryFail(
          String.format(
              "RawSocket handshake refused: reply 0x%08x (error %d)", reply, second >>> 4));
      raw.close();
    } else {
      done.tryComplete(this);
    }
  }

  private void deliver(ByteBuf message) {
    if (awaiting != null) {
      Promise<ByteBuf> reply = awaiting;
      awaiting = null;
      // A copy: over RawSocket the message is a slice of a read buffer released after this call.
      reply.tryComplete(raw != null ? Unpooled.copiedBuffer(message) : message);
    } else if (handler != null) {
      handler.handle(message);
    }
  }

  private void onClosed() {
    closed = true;
    if (handshake != null) {
      handshake.tryFail("connection closed during the RawSocket handshake");
      handshake = null;
    }
    if (rawPending != null) {
      rawPending.release();
      rawPending = null;
    }
    if (awaiting != null) {
      awaiting.tryFail("connection closed");
      awaiting = null;
    }
    if (!closing && lostHandler != null) {
      lostHandler.run();
    }
  }
}
