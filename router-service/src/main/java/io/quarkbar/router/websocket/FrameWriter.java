package io.quarkbar.router.websocket;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.quarkbar.router.transport.BatchingWriter;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Writes WAMP messages to one WebSocket as text or binary frames, flushed in batches (see {@link
 * BatchingWriter} for why not {@code ServerWebSocket.writeFrame}).
 *
 * <p>Public for one other user: the benchmark's raw relay writes through this class too, so that
 * the ceiling it measures has the same write path as the router.
 */
public final class FrameWriter extends BatchingWriter {

  private final boolean binary;

  private FrameWriter(HttpConnection connection, boolean binary, long maxQueued) {
    super(((ConnectionBase) connection).channelHandlerContext(), maxQueued);
    this.binary = binary;
  }

  /**
   * A writer for the WebSocket on {@code connection}, sending binary or text frames. The Netty
   * channel context comes from a Vert.x internal ({@link ConnectionBase}): there is no public way
   * to write to the channel without Vert.x's per-frame flush. Revisit on a Vert.x 5 upgrade.
   *
   * @param maxQueued bytes a client may have waiting before {@link #write} refuses more
   */
  public static FrameWriter of(HttpConnection connection, boolean binary, long maxQueued) {
    return new FrameWriter(connection, binary, maxQueued);
  }

  @Override
  protected Object frame(byte[] message) {
    // Wrapping shares the encoded bytes (one array for every subscriber of an EVENT): no copy.
    return binary
        ? new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message))
        : new TextWebSocketFrame(Unpooled.wrappedBuffer(message));
  }
}
