package io.quarkbar.router.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import io.quarkbar.router.transport.KeepAliveTimer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Keeps a WAMP WebSocket open while its peer is alive, and closes it when the peer is gone: after
 * {@code interval} in which nothing arrived from the peer, the router sends a WebSocket ping; when
 * another {@code interval} passes with nothing (not even the pong every WebSocket stack answers
 * with), the connection is closed and the session ends as if the peer had left. The timing is
 * {@link KeepAliveTimer}'s: one timer per event loop for all its connections.
 *
 * <p>It takes the place of the HTTP idle timeout ({@code quarkus.http.idle-timeout}, 30 minutes by
 * default) on upgraded connections. That timeout would close a healthy session that is merely
 * quiet, such as a subscriber to rare events, and Netty's handler for it makes every write carry a
 * promise and a listener (about 8% of the router's CPU per routed call in bench/). The keep-alive
 * watches reads only, which leaves writes alone, and the ping finds a dead peer that a quiet
 * connection would never notice.
 */
final class KeepAlive implements KeepAliveTimer.Peer {

  private static final Logger LOG = Logger.getLogger(KeepAlive.class);

  /**
   * A ping frame as a server sends it (FIN, opcode 9, no mask, no payload), written as bytes: a
   * control frame is never compressed or fragmented, so it needs no encoder, and every ping shares
   * these two bytes.
   */
  private static final ByteBuf PING =
      Unpooled.unreleasableBuffer(
          Unpooled.directBuffer(2).writeBytes(new byte[] {(byte) 0x89, 0}).asReadOnly());

  private final Duration interval;

  private KeepAlive(Duration interval) {
    this.interval = interval;
  }

  /**
   * Watches an upgraded connection with {@code timer}, replacing the HTTP idle timeout if Vert.x
   * installed one; with no timer (pings off), only removes that timeout. The pipeline is reached
   * through a Vert.x internal ({@link ConnectionBase}), as in {@link FrameWriter}.
   */
  static void install(HttpConnection connection, KeepAliveTimer timer, Duration interval) {
    ChannelPipeline pipeline = ((ConnectionBase) connection).channel().pipeline();
    // Where the HTTP idle timeout was (Vert.x puts it right before its own handler, after the
    // WebSocket decoder), or else before Vert.x's handler, the last one: the same place either way,
    // where reads reach it as frames.
    String before = pipeline.lastContext().name();
    ChannelHandler httpIdle = pipeline.get(IdleStateHandler.class);
    if (httpIdle != null) {
      List<String> names = pipeline.names();
      before = names.get(names.indexOf(pipeline.context(httpIdle).name()) + 1);
      pipeline.remove(httpIdle);
    }
    if (timer != null) {
      timer.watch(pipeline, before, new KeepAlive(interval));
    }
  }

  @Override
  public void ping(ChannelHandlerContext ctx) {
    ctx.writeAndFlush(PING.duplicate(), ctx.voidPromise());
  }

  @Override
  public void gone(ChannelHandlerContext ctx) {
    LOG.debugf(
        "closing %s: nothing received for %d s, not even a pong",
        ctx.channel().remoteAddress(), interval.multipliedBy(2).toSeconds());
    ctx.close();
  }
}
