package io.quarkbar.router.websocket;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Keeps a WAMP WebSocket open while its peer is alive, and closes it when the peer is gone: after
 * {@code interval} in which nothing arrived from the peer, the router sends a WebSocket ping; when
 * another {@code interval} passes with nothing (not even the pong every WebSocket stack answers
 * with), the connection is closed and the session ends as if the peer had left.
 *
 * <p>It takes the place of the HTTP idle timeout ({@code quarkus.http.idle-timeout}, 30 minutes by
 * default) on upgraded connections. That timeout would close a healthy session that is merely
 * quiet, such as a subscriber to rare events, and Netty's handler for it makes every write carry a
 * promise and a listener (about 8% of the router's CPU per routed call in bench/). This handler
 * watches reads only, which leaves writes alone, and the ping finds a dead peer that a quiet
 * connection would never notice.
 */
final class KeepAlive extends IdleStateHandler {

  private static final Logger LOG = Logger.getLogger(KeepAlive.class);

  private final Duration interval;

  private KeepAlive(Duration interval) {
    super(interval.toNanos(), 0, 0, TimeUnit.NANOSECONDS);
    this.interval = interval;
  }

  /**
   * Puts the keep-alive into the pipeline of an upgraded connection, replacing the HTTP idle
   * timeout if Vert.x installed one; with a zero {@code interval}, only removes that timeout. The
   * pipeline is reached through a Vert.x internal ({@link ConnectionBase}), as in {@link
   * FrameWriter}.
   */
  static void install(HttpConnection connection, Duration interval) {
    ChannelPipeline pipeline = ((ConnectionBase) connection).channel().pipeline();
    ChannelHandler httpIdle = pipeline.get(IdleStateHandler.class);
    if (interval.isZero()) {
      if (httpIdle != null) {
        pipeline.remove(httpIdle);
      }
    } else if (httpIdle != null) {
      pipeline.replace(httpIdle, "wampKeepAlive", new KeepAlive(interval));
    } else {
      // Vert.x's own handler is the last one; reads must pass this one before they reach it.
      pipeline.addBefore(pipeline.lastContext().name(), "wampKeepAlive", new KeepAlive(interval));
    }
  }

  @Override
  protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
    if (event.isFirst()) {
      ctx.writeAndFlush(new PingWebSocketFrame(), ctx.voidPromise());
    } else {
      LOG.debugf(
          "closing %s: nothing received for %d s, not even a pong",
          ctx.channel().remoteAddress(), interval.multipliedBy(2).toSeconds());
      ctx.close();
    }
  }
}
