package io.quarkbar.router.rawsocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.quarkbar.router.transport.BatchingWriter;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Writes RawSocket frames to one connection, flushed in batches as {@link BatchingWriter} explains.
 *
 * <p>The 4-byte prefix and the payload are copied into one buffer from the channel's allocator, a
 * direct one, which the socket writes without another copy (Netty would copy a heap buffer into a
 * direct one before writing it anyway). The buffer is allocated on the connection's loop, whose
 * allocator cache it uses. Besides messages it writes PING and PONG frames, and closes gracefully
 * once what was written has gone out.
 */
final class RawSocketWriter extends BatchingWriter {

  /** How long a closing connection may take to hand its last frames to a client that reads. */
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

  /**
   * @param ctx the context of Vert.x's own handler, the last one of the pipeline: frames written
   *     there go straight to the socket
   * @param maxQueued bytes a client may have waiting before {@link #write} refuses more; the
   *     channel's write-buffer watermark must be set to it too
   */
  RawSocketWriter(ChannelHandlerContext ctx, long maxQueued) {
    super(ctx, maxQueued);
  }

  /** Sends a PING or PONG; on the connection's event loop only. False when the client is behind. */
  boolean writeControl(int type, byte[] payload) {
    if (!ctx.channel().isWritable()) {
      return false;
    }
    writeOnLoop(frame(type, payload));
    return true;
  }

  /**
   * Closes the connection once what was written before (from this thread) has gone out, or after
   * {@link #CLOSE_GRACE} if the client does not take it.
   */
  void close() {
    if (loop.inEventLoop()) {
      closeOnLoop();
    } else {
      // Queued behind any drain this thread's writes scheduled, so those go out first.
      loop.execute(this::closeOnLoop);
    }
  }

  private void closeOnLoop() {
    if (!ctx.channel().isOpen()) {
      return;
    }
    drain();
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    ScheduledFuture<?> deadline =
        loop.schedule(() -> ctx.close(), CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    ctx.channel().closeFuture().addListener(f -> deadline.cancel(false));
  }

  @Override
  protected Object frame(byte[] message) {
    return frame(Framing.MESSAGE, message);
  }

  private ByteBuf frame(int type, byte[] payload) {
    ByteBuf frame = ctx.alloc().ioBuffer(4 + payload.length);
    frame.writeInt(Framing.prefix(type, payload.length));
    frame.writeBytes(payload);
    return frame;
  }
}
