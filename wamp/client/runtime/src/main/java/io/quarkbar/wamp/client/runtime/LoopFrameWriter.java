package io.quarkbar.wamp.client.runtime;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.EventExecutor;
import io.quarkus.websockets.next.WebSocketClientConnection;
import java.lang.reflect.Method;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Writes the messages of one websockets-next client connection straight to its Netty channel, in
 * the order they were sent, and flushes once per turn of the connection's event loop instead of
 * once per message.
 *
 * <p>Written by hand, for a reason measured: websockets-next hands each received message to a task
 * of its own on the event loop, outside Netty's read, and Vert.x flushes every frame written there
 * at once. A procedure that answers on the event loop ({@code Uni}) then sent one TCP segment per
 * YIELD, which cost the router and the callers a system call and a wake-up per message: the router
 * spent 11 to 13 µs per call serving such a callee instead of 3 to 4 (bench/README.md,
 * rpc-extension). Neither websockets-next' connection nor Vert.x's WebSocket writes without
 * flushing, so this reaches the channel through websockets-next' package-private {@code
 * WebSocketConnectionBase.webSocket()} and Vert.x's {@code WebSocketImplBase}; where either is
 * missing (another Quarkus or Vert.x version), {@link #of} returns null and messages go through
 * {@code sendText}/{@code sendBinary}, one flush each, as before. The handshake, TLS, pings, close
 * and every received message stay websockets-next'.
 *
 * <p>Order: a message sent on the event loop is written at once unless messages from other threads
 * wait to be written, which it then follows; those are handed to the loop in the order they were
 * sent. Messages longer than {@link #MAX_FRAME} bytes go out in fragments of that size, as Vert.x
 * would send them.
 */
final class LoopFrameWriter {

  private static final Logger LOG = Logger.getLogger(LoopFrameWriter.class);

  /** Vert.x's default largest frame of a WebSocket client; longer messages are fragmented. */
  static final int MAX_FRAME = 65_536;

  /** {@code WebSocketConnectionBase.webSocket()}, or null where this Quarkus has none. */
  private static final Method WEB_SOCKET = webSocketAccessor();

  private final ChannelHandlerContext ctx;
  private final EventExecutor loop;

  /**
   * What other threads sent, in order, until the loop writes it: messages (each its frames: the
   * fragments of one message stay together) and what must follow them ({@link #afterPending}).
   */
  private final Queue<Object> handedOver = new ConcurrentLinkedQueue<>();

  /** How many entries {@link #handedOver} holds or is about to hold. */
  private final AtomicInteger waiting = new AtomicInteger();

  /** Whether a flush is due at the end of this turn; event loop only. */
  private boolean flushDue;

  private final Runnable drain = this::drain;
  private final Runnable flush = this::flush;

  private LoopFrameWriter(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.loop = ctx.executor();
  }

  /**
   * A writer for {@code connection}'s channel, or null when the Quarkus and Vert.x on the class
   * path do not let one reach it (said once at start, at INFO).
   */
  static LoopFrameWriter of(WebSocketClientConnection connection) {
    if (WEB_SOCKET == null) {
      return null;
    }
    try {
      Object webSocket = WEB_SOCKET.invoke(connection);
      if (webSocket instanceof io.vertx.core.http.impl.WebSocketImplBase<?> vertx) {
        return new LoopFrameWriter(vertx.channelHandlerContext());
      }
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      LOG.debugf("a WAMP connection's channel cannot be reached: %s", e);
    }
    return null;
  }

  /** Whether {@link #of} can reach a connection's channel with this Quarkus and Vert.x. */
  static boolean available() {
    return WEB_SOCKET != null;
  }

  private static Method webSocketAccessor() {
    try {
      Method m =
          io.quarkus.websockets.next.runtime.WebSocketConnectionBase.class.getDeclaredMethod(
              "webSocket");
      m.setAccessible(true);
      Class.forName("io.vertx.core.http.impl.WebSocketImplBase");
      return m;
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      LOG.infof(
          "WAMP messages are flushed one at a time: this Quarkus's WebSocket client does not let"
              + " them be written together (%s)",
          e.toString());
      return null;
    }
  }

  /** Writes one message, a text frame or a binary one, from any thread. */
  void write(byte[] message, boolean binary) {
    WebSocketFrame[] frames = frames(message, binary);
    if (loop.inEventLoop() && waiting.get() == 0) {
      writeNow(frames);
      flushAfterTurn();
      return;
    }
    handOver(frames);
  }

  /**
   * Runs {@code action} on the event loop once every message sent before it is written: closing the
   * connection must not put its close frame before them (Vert.x's own writes do not queue behind
   * this writer's).
   */
  void afterPending(Runnable action) {
    if (loop.inEventLoop() && waiting.get() == 0) {
      action.run();
      return;
    }
    handOver(action);
  }

  private void handOver(Object entry) {
    handedOver.add(entry);
    if (waiting.getAndIncrement() == 0) {
      execute(drain);
    }
  }

  /**
   * Runs {@code task} on the loop; dropped when the loop is shutting down (so is the connection).
   */
  private void execute(Runnable task) {
    try {
      loop.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debugf("a WAMP message was not sent: the event loop is shutting down");
    }
  }

  private void writeNow(WebSocketFrame[] frames) {
    for (WebSocketFrame frame : frames) {
      ctx.write(frame);
    }
  }

  /** Event loop: writes what other threads handed over, and runs what follows it, in order. */
  private void drain() {
    do {
      Object next = handedOver.poll();
      if (next instanceof Runnable action) {
        try {
          action.run();
        } catch (RuntimeException e) {
          // The messages after it must still go (or be dropped by a closed channel).
          LOG.debugf("after the pending WAMP messages: %s", e);
        }
      } else {
        writeNow((WebSocketFrame[]) next);
      }
    } while (waiting.decrementAndGet() > 0);
    flushAfterTurn();
  }

  private void flushAfterTurn() {
    if (!flushDue) {
      flushDue = true;
      // Runs after the tasks already queued: the other messages of this turn go in the same flush.
      execute(flush);
    }
  }

  private void flush() {
    flushDue = false;
    ctx.flush();
  }

  /** {@code message} as one frame, or as fragments of at most {@link #MAX_FRAME} bytes. */
  private static WebSocketFrame[] frames(byte[] message, boolean binary) {
    if (message.length <= MAX_FRAME) {
      ByteBuf all = Unpooled.wrappedBuffer(message);
      return new WebSocketFrame[] {
        binary ? new BinaryWebSocketFrame(all) : new TextWebSocketFrame(all)
      };
    }
    int count = (message.length + MAX_FRAME - 1) / MAX_FRAME;
    WebSocketFrame[] frames = new WebSocketFrame[count];
    for (int i = 0; i < count; i++) {
      int from = i * MAX_FRAME;
      ByteBuf part =
          Unpooled.wrappedBuffer(message, from, Math.min(MAX_FRAME, message.length - from));
      boolean last = i == count - 1;
      frames[i] =
          i > 0
              ? new ContinuationWebSocketFrame(last, 0, part)
              : binary
                  ? new BinaryWebSocketFrame(false, 0, part)
                  : new TextWebSocketFrame(false, 0, part);
    }
    return frames;
  }
}
