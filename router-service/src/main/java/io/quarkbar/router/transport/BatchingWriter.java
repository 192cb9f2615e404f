package io.quarkbar.router.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes WAMP messages to one connection and flushes them in batches: at most one flush (one socket
 * write) per connection per turn of its event loop, however many messages the router sent it in
 * that turn. The transports (WebSocket, RawSocket) differ only in how a message becomes a frame.
 *
 * <p>Why not Vert.x's own writes: Vert.x flushes a write made on the connection's own event loop at
 * once unless that very connection is reading, so routing a burst of calls or one publication to
 * many subscribers cost one system call per frame (89% of the router's native samples in the call
 * benchmark were socket writes), and every write also created a future. Here frames go to the Netty
 * channel with a void promise; a frame written on the connection's loop is flushed by a task that
 * runs after the loop has handled the current batch of reads, and messages from other loops are
 * queued and written and flushed together by one task on the connection's loop. Order is kept:
 * messages from one thread reach the channel in the order they were sent.
 *
 * <p>A client with more than {@code maxQueued} bytes waiting, or whose channel is past its
 * write-buffer watermark, is refused more: {@link #write} returns false and the caller cuts it.
 */
public abstract class BatchingWriter {

  /** Every writer whose channel is open, for {@link #queuedBytesOfAll}. */
  private static final Set<BatchingWriter> OPEN = ConcurrentHashMap.newKeySet();

  protected final ChannelHandlerContext ctx;
  protected final EventLoop loop;
  private final long maxQueued;

  private final Queue<byte[]> handedOver = new ConcurrentLinkedQueue<>();
  private final AtomicLong handedOverBytes = new AtomicLong();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final Runnable drain = this::drain;
  private final Runnable flush = this::flush;

  /** Only touched on the connection's event loop. */
  private boolean flushScheduled;

  /**
   * @param ctx the context frames are written from: the one of Vert.x's own handler, the last of
   *     the pipeline, so that they go straight to the socket
   * @param maxQueued bytes a client may have waiting before {@link #write} refuses more
   */
  protected BatchingWriter(ChannelHandlerContext ctx, long maxQueued) {
    this.ctx = ctx;
    this.loop = ctx.channel().eventLoop();
    this.maxQueued = maxQueued;
    OPEN.add(this);
    ctx.channel().closeFuture().addListener(f -> OPEN.remove(this));
  }

  /**
   * Runs {@code task} on the connection's event loop (at once when already there): what it writes
   * keeps its order with the frames written there.
   */
  public void execute(Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
    } else {
      loop.execute(task);
    }
  }

  /**
   * Bytes waiting to be sent over every open connection of this process: handed over by other
   * threads, or written and not yet taken by the socket. Read for metrics: the sum moves while it
   * is taken.
   */
  public static long queuedBytesOfAll() {
    long total = 0;
    for (BatchingWriter w : OPEN) {
      total += w.handedOverBytes.get();
      ChannelOutboundBuffer buffer = w.ctx.channel().unsafe().outboundBuffer();
      if (buffer != null) {
        total += buffer.totalPendingWriteBytes();
      }
    }
    return total;
  }

  /** The frame that carries one WAMP message; called on the connection's event loop. */
  protected abstract Object frame(byte[] message);

  /**
   * Sends one WAMP message, from any thread; false, having sent nothing, when the client has more
   * than {@code maxQueued} bytes waiting already (the caller then cuts it).
   */
  public final boolean write(byte[] message) {
    if (!ctx.channel().isWritable() || handedOverBytes.get() > maxQueued) {
      return false;
    }
    if (loop.inEventLoop()) {
      writeOnLoop(frame(message));
    } else {
      handedOverBytes.addAndGet(message.length);
      handedOver.add(message);
      if (drainScheduled.compareAndSet(false, true)) {
        loop.execute(drain);
      }
    }
    return true;
  }

  /**
   * Closes the connection at once, dropping what waits to be sent: a graceful close would wait
   * behind the very backlog a slow client does not read. Closing from Vert.x's handler context
   * skips Vert.x's handler.
   */
  public final void cut() {
    ctx.close();
  }

  /** Writes a frame built on the loop and schedules the turn's flush; on the event loop only. */
  protected final void writeOnLoop(Object frame) {
    ctx.write(frame, ctx.voidPromise());
    if (!flushScheduled) {
      flushScheduled = true;
      loop.execute(flush);
    }
  }

  /** Writes what other threads handed over; on the event loop only. */
  protected final void drain() {
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
}
