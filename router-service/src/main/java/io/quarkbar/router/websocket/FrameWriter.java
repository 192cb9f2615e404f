package io.quarkbar.router.websocket;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes WAMP frames to one connection and flushes them in batches: at most one flush (one socket
 * write) per connection per turn of its event loop, however many frames the router sent it in that
 * turn.
 *
 * <p>Why not {@code ServerWebSocket.writeFrame}: Vert.x flushes a write made on the connection's
 * own event loop at once unless that very connection is reading, so routing a burst of calls or one
 * publication to many subscribers cost one system call per frame (89% of the router's native
 * samples in the call benchmark were socket writes), and every write also created a future. Here
 * frames go to the Netty channel with a void promise; a frame written on the connection's loop is
 * flushed by a task that runs after the loop has handled the current batch of reads, and frames
 * from other loops are queued and written and flushed together by one task on the connection's
 * loop. Order is kept: frames from one thread reach the channel in the order they were sent.
 *
 * <p>Public for one other user: the benchmark's raw relay writes through this class too, so that
 * the ceiling it measures has the same write path as the router.
 */
public final class FrameWriter {

  private final ChannelHandlerContext ctx;
  private final EventLoop loop;
  private final boolean binary;
  private final long maxQueued;

  private final Queue<byte[]> handedOver = new ConcurrentLinkedQueue<>();
  private final AtomicLong handedOverBytes = new AtomicLong();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final Runnable drain = this::drain;
  private final Runnable flush = this::flush;

  /** Only touched on the connection's event loop. */
  private boolean flushScheduled;

  private FrameWriter(ChannelHandlerContext ctx, boolean binary, long maxQueued) {
    this.ctx = ctx;
    this.loop = ctx.channel().eventLoop();
    this.binary = binary;
    this.maxQueued = maxQueued;
  }

  /**
   * A writer for the WebSocket on {@code connection}, sending binary or text frames. The Netty
   * channel context comes from a Vert.x internal ({@link ConnectionBase}): there is no public way
   * to write to the channel without Vert.x's per-frame flush. Revisit on a Vert.x 5 upgrade.
   *
   * @param maxQueued bytes a client may have waiting before {@link #write} refuses more
   */
  public static FrameWriter of(HttpConnection connection, boolean binary, long maxQueued) {
    return new FrameWriter(
        ((ConnectionBase) connection).channelHandlerContext(), binary, maxQueued);
  }

  /**
   * Sends one frame; false, having sent nothing, when the client has more than {@code maxQueued}
   * bytes waiting already (the caller then cuts it).
   */
  public boolean write(byte[] bytes) {
    if (!ctx.channel().isWritable() || handedOverBytes.get() > maxQueued) {
      return false;
    }
    if (loop.inEventLoop()) {
      ctx.write(frame(bytes), ctx.voidPromise());
      if (!flushScheduled) {
        flushScheduled = true;
        loop.execute(flush);
      }
    } else {
      handedOverBytes.addAndGet(bytes.length);
      handedOver.add(bytes);
      if (drainScheduled.compareAndSet(false, true)) {
        loop.execute(drain);
      }
    }
    return true;
  }

  /**
   * Closes the connection at once, dropping what waits to be sent. A WebSocket close through Vert.x
   * (HttpConnection.close(), or Channel.close(), which Vert.x's handler turns into it) is graceful:
   * its close frame would wait behind the very backlog a slow client does not read. Closing from
   * Vert.x's handler context skips that handler.
   */
  public void cut() {
    ctx.close();
  }

  private void drain() {
    drainScheduled.set(false);
    byte[] bytes;
    boolean wrote = false;
    while ((bytes = handedOver.poll()) != null) {
      handedOverBytes.addAndGet(-bytes.length);
      if (ctx.channel().isActive()) {
        ctx.write(frame(bytes), ctx.voidPromise());
        wrote = true;
      }
    }
    if (wrote) {
      ctx.flush();
    }
  }

  private void flush() {
    flushScheduled = false;
    ctx.flush();
  }

  private WebSocketFrame frame(byte[] bytes) {
    // Wrapping shares the encoded bytes (one array for every subscriber of an EVENT): no copy.
    return binary
        ? new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes))
        : new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes));
  }
}
