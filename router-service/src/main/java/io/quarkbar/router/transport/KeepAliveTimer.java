package io.quarkbar.router.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Dead-peer detection for every connection of one transport, with one timer per event loop: after a
 * ping interval in which nothing arrived from a peer, the connection pings it; when another
 * interval passes with nothing (not even the pong), the connection is closed and its session ends
 * as if the peer had left.
 *
 * <p>Why not Netty's {@code IdleStateHandler}, one per connection, as before: each connection had
 * its own scheduled task, re-armed on every expiry, so N quiet sessions meant N timers in the event
 * loop's queue and a wake-up of the loop for almost every ping. Here each event loop runs one sweep
 * {@value #TICKS_PER_INTERVAL} times per interval; a read only resets a counter of its connection,
 * and the sweep pings, in one pass, every connection that has been quiet long enough. A ping went
 * from 19 to 13 µs of router CPU, most of what is left being the kernel's socket write and read
 * (bench/README.md, "Idle sessions and keep-alive pings"). The price is precision: a ping goes out
 * after one to 1¼ intervals of silence, and a dead peer is closed after two to 2¼.
 */
public final class KeepAliveTimer {

  private static final Logger LOG = Logger.getLogger(KeepAliveTimer.class);

  /** Sweeps per ping interval. */
  static final int TICKS_PER_INTERVAL = 4;

  /** Quiet sweeps after which a connection is pinged: a whole interval has passed, at least. */
  private static final int PING_AFTER = TICKS_PER_INTERVAL + 1;

  /** Quiet sweeps after which a connection is closed: a whole second interval after the ping. */
  private static final int GONE_AFTER = 2 * TICKS_PER_INTERVAL + 1;

  /** What a quiet connection does; called on the connection's event loop. */
  public interface Peer {

    /**
     * Quiet for an interval: send a ping.
     *
     * @param ctx the context of the keep-alive handler in the connection's pipeline
     */
    void ping(ChannelHandlerContext ctx);

    /**
     * Quiet for two intervals, the ping unanswered: close the connection.
     *
     * @param ctx the context of the keep-alive handler in the connection's pipeline
     */
    void gone(ChannelHandlerContext ctx);
  }

  private final long tickNanos;
  private final Map<EventExecutor, Sweep> sweeps = new ConcurrentHashMap<>();

  /**
   * @param interval silence after which a connection is pinged; positive
   */
  public KeepAliveTimer(Duration interval) {
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("ping interval must be positive: " + interval);
    }
    this.tickNanos = Math.max(1, interval.toNanos() / TICKS_PER_INTERVAL);
  }

  /**
   * Watches a connection: puts a handler into its pipeline before {@code beforeHandler} (so that it
   * sees every read that reaches that handler) and hands the connection to its event loop's sweep.
   * The watch ends with the connection.
   */
  public void watch(ChannelPipeline pipeline, String beforeHandler, Peer peer) {
    pipeline.addBefore(beforeHandler, "wampKeepAlive", new Watch(peer));
  }

  /**
   * Stops every sweep (at shutdown, or when the transport stops; in dev mode the event loops
   * outlive a reload, and so would the sweeps). Connections still open are no longer pinged.
   */
  public void close() {
    sweeps.values().forEach(sweep -> sweep.task.cancel(false));
    sweeps.clear();
  }

  /** The connections of one event loop; touched on that loop only, by its own task. */
  private final class Sweep implements Runnable {

    private final ArrayList<Watch> watched = new ArrayList<>();
    private final ScheduledFuture<?> task;

    Sweep(EventExecutor loop) {
      // With a fixed delay, not a fixed rate: after the loop stalled (a long GC pause), a fixed
      // rate would run the missed sweeps back to back, and a quiet peer would go from pinged to
      // closed before its pong could arrive.
      task = loop.scheduleWithFixedDelay(this, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void run() {
      int n = watched.size();
      int i = 0;
      while (i < n) {
        Watch w = watched.get(i);
        if (w.ended) {
          // Order does not matter: the last one takes its place.
          watched.set(i, watched.get(n - 1));
          watched.remove(--n);
          continue;
        }
        int quiet = ++w.quietTicks;
        try {
          if (quiet == PING_AFTER) {
            w.peer.ping(w.ctx);
          } else if (quiet >= GONE_AFTER) {
            w.ended = true;
            w.peer.gone(w.ctx);
          }
        } catch (RuntimeException e) {
          // A task that throws is never scheduled again: one bad connection must not end the
          // keep-alive of every other connection on this loop.
          LOG.errorf(e, "keep-alive of %s failed; closing it", w.ctx.channel());
          w.ended = true;
          w.ctx.close();
        }
        i++;
      }
    }
  }

  /** One connection's handler: counts the sweeps since its last read. */
  private final class Watch extends ChannelInboundHandlerAdapter {

    private final Peer peer;
    private ChannelHandlerContext ctx;
    private int quietTicks;
    private boolean ended;

    Watch(Peer peer) {
      this.peer = peer;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      // Netty calls this on the channel's event loop, which owns the sweep.
      this.ctx = ctx;
      sweeps.computeIfAbsent(ctx.executor(), Sweep::new).watched.add(this);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      ended = true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      quietTicks = 0;
      ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      ended = true;
      ctx.fireChannelInactive();
    }
  }
}
