package io.quarkbar.router.rawsocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Dead-peer detection for one RawSocket connection, as {@code
 * io.quarkbar.router.websocket.KeepAlive} does for WebSocket: after {@code interval} in which
 * nothing arrived from the peer, the connection sends a RawSocket PING; when another {@code
 * interval} passes with nothing (not even the PONG), the connection is closed and the session ends
 * as if the peer had left. It watches reads only, so writes carry no promise or listener.
 */
final class RawSocketKeepAlive extends IdleStateHandler {

  private final RawSocketConnection connection;

  private RawSocketKeepAlive(Duration interval, RawSocketConnection connection) {
    super(interval.toNanos(), 0, 0, TimeUnit.NANOSECONDS);
    this.connection = connection;
  }

  /**
   * Puts the keep-alive in front of Vert.x's handler (whose context is {@code vertxHandler}), so
   * that it sees every read. Installed once the handshake is done: a PING is a frame, and there are
   * no frames before the handshake.
   */
  static void install(
      ChannelHandlerContext vertxHandler, Duration interval, RawSocketConnection c) {
    vertxHandler
        .pipeline()
        .addBefore(vertxHandler.name(), "wampKeepAlive", new RawSocketKeepAlive(interval, c));
  }

  @Override
  protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
    if (event.isFirst()) {
      connection.ping();
    } else {
      connection.peerIsGone();
    }
  }
}
