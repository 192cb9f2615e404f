package io.quarkbar.router.rawsocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import io.quarkbar.router.telemetry.RouterMetrics;
import io.quarkbar.router.transport.KeepAliveTimer;
import io.quarkbar.wamp.protocol.codec.ProtocolViolationException;
import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.Router;
import io.quarkbar.wamp.router.session.Session;
import io.quarkbar.wamp.router.transport.OutgoingMessage;
import io.quarkbar.wamp.router.transport.Transport;
import io.vertx.core.net.impl.NetSocketInternal;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One WAMP session over one RawSocket (TCP) connection: the 4-byte handshake, then frames in,
 * decoded and handed to the router's {@link Session}, and messages out, each as one frame. The
 * session logic is the router core's, exactly as over WebSocket; this class only frames bytes.
 *
 * <p>Reads run on the connection's event loop, as raw Netty buffers from Vert.x ({@link
 * NetSocketInternal#messageHandler}), parsed in place: one copy per message, into the array the
 * decoded message keeps. Writes come from any session's event loop and go through {@link
 * RawSocketWriter}, which keeps their order and flushes them in batches.
 *
 * <p>What ends the connection: a handshake that is not RawSocket (closed without a reply) or that
 * the router refuses (the error reply, then closed); no handshake within {@code
 * router.limits.hello-timeout}; and everything that ends a session: a frame over the router's
 * maximum (ABORT {@code wamp.error.payload_size_exceeded}), a reserved frame type or reserved bits,
 * a message that does not decode, a PONG that does not echo the PING (ABORT {@code
 * wamp.error.protocol_violation}), a client that falls too far behind in reading (cut).
 */
final class RawSocketConnection implements Transport {

  private static final Logger LOG = Logger.getLogger(RawSocketConnection.class);

  /** Crossbar's URI for an error inside the router; the specification defines none. */
  private static final String RUNTIME_ERROR = "wamp.error.runtime_error";

  /**
   * The least a client must accept (its handshake's maximum length), else the handshake is refused
   * with error 2: the router's WELCOME alone takes 580 to 730 bytes (its broker's and dealer's
   * features), so a client of 512 bytes could never join.
   */
  static final int MIN_CLIENT_LENGTH = 1024;

  private static final byte[] EMPTY = new byte[0];

  /** Where the reader is. */
  private enum State {
    /** Waiting for the client's 4 handshake bytes. */
    HANDSHAKE,
    /** Waiting for a frame's 4-byte prefix. */
    PREFIX,
    /** Inside a frame's payload. */
    PAYLOAD,
    /** Reads nothing more: refused, failed, or closing. */
    DONE
  }

  private final NetSocketInternal socket;
  private final ChannelHandlerContext ctx;
  private final Router router;
  private final RouterMetrics metrics;
  private final RawSocketServer.Settings settings;
  private final String peer;
  private final String address;

  // Event loop only.
  private State state = State.HANDSHAKE;
  private final byte[] partialPrefix = new byte[4];
  private int partialPrefixLength;
  private int prefix;
  private int frameType;
  private byte[] payload;
  private int payloadLength;
  private final ScheduledFuture<?> handshakeDeadline;
  private byte[] pingAwaitingPong;
  private long pings;
  private boolean warnedOfDroppedEvents;

  // Set on the event loop before the session exists, and so before any other thread can send.
  private Serializer serializer;
  private int clientMaxLength;
  private RawSocketWriter writer;
  private Session session;

  /** Set when the connection ends or is being closed; from then on nothing is read or sent. */
  private volatile boolean closed;

  /** Created on the connection's event loop, as Vert.x accepts it. */
  RawSocketConnection(
      NetSocketInternal socket,
      Router router,
      RouterMetrics metrics,
      RawSocketServer.Settings settings) {
    this.socket = socket;
    this.metrics = metrics;
    this.ctx = socket.channelHandlerContext();
    this.router = router;
    this.settings = settings;
    this.peer = String.valueOf(socket.remoteAddress());
    this.address =
        socket.remoteAddress() == null ? "unknown" : socket.remoteAddress().hostAddress();
    socket.messageHandler(this::onMessage);
    socket.closeHandler(v -> onClosed());
    socket.exceptionHandler(e -> LOG.debugf("RawSocket %s: %s", peer, e.toString()));
    Duration timeout = settings.handshakeTimeout();
    this.handshakeDeadline =
        ctx.executor().schedule(this::handshakeTimedOut, timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  // --- reading ---

  private void onMessage(Object message) {
    if (!(message instanceof ByteBuf in)) {
      ReferenceCountUtil.release(message);
      return;
    }
    try {
      while (in.isReadable() && state != State.DONE && !closed) {
        switch (state) {
          case HANDSHAKE -> {
            if (readPrefix(in)) {
              handshake();
            }
          }
          case PREFIX -> {
            if (readPrefix(in)) {
              frameStarts();
            }
          }
          case PAYLOAD -> readPayload(in);
          case DONE -> {}
        }
      }
    } finally {
      in.release();
    }
  }

  /** Reads 4 bytes into {@link #prefix}, over several reads if need be; true once all are in. */
  private boolean readPrefix(ByteBuf in) {
    if (partialPrefixLength == 0 && in.readableBytes() >= 4) {
      prefix = in.readInt();
      return true;
    }
    int n = Math.min(4 - partialPrefixLength, in.readableBytes());
    in.readBytes(partialPrefix, partialPrefixLength, n);
    partialPrefixLength += n;
    if (partialPrefixLength < 4) {
      return false;
    }
    partialPrefixLength = 0;
    prefix = ByteBuffer.wrap(partialPrefix).getInt();
    return true;
  }

  private void readPayload(ByteBuf in) {
    int n = Math.min(payload.length - payloadLength, in.readableBytes());
    in.readBytes(payload, payloadLength, n);
    payloadLength += n;
    if (payloadLength == payload.length) {
      frameEnds();
    }
  }

  // --- the handshake ---

  private void handshake() {
    handshakeDeadline.cancel(false);
    int magic = prefix >>> 24;
    int second = (prefix >>> 16) & 0xFF;
    if (magic != Framing.MAGIC) {
      // Not RawSocket at all (an HTTP request, a frame without a handshake): no reply is
      // understood, so the specification says to fail the connection.
      LOG.debugf("RawSocket %s: closed, not a RawSocket handshake (0x%08x)", peer, prefix);
      state = State.DONE;
      ctx.close();
      return;
    }
    if ((prefix & 0xFFFF) != 0) {
      refuse(Framing.ERROR_RESERVED_BITS, "reserved handshake bits set");
      return;
    }
    Optional<Serializer> requested = Framing.serializer(second & 0x0F);
    if (requested.isEmpty()) {
      refuse(Framing.ERROR_SERIALIZER_UNSUPPORTED, "serializer " + (second & 0x0F));
      return;
    }
    int clientMax = Framing.maxLength(second >>> 4);
    if (clientMax < MIN_CLIENT_LENGTH) {
      refuse(Framing.ERROR_MAX_LENGTH_UNACCEPTABLE, "receives at most " + clientMax + " bytes");
      return;
    }
    if (router.connectionCount() >= router.maxSessions()) {
      // Logged as the router core logs a session it refuses at HELLO for the same reason.
      LOG.warnf(
          "RawSocket %s: refused, the router has reached its limit of %d sessions",
          peer, router.maxSessions());
      refuse(Framing.ERROR_MAX_CONNECTIONS, "session limit");
      return;
    }
    serializer = requested.get();
    clientMaxLength = clientMax;
    // The channel's write-buffer watermark, which the writer reads as "the client is behind".
    socket.setWriteQueueMaxSize(settings.maxOutboundQueue());
    writer = new RawSocketWriter(ctx, settings.maxOutboundQueue());
    ctx.writeAndFlush(
        Unpooled.wrappedBuffer(Framing.accept(settings.maxMessageSize(), serializer)),
        ctx.voidPromise());
    session = router.attach(this);
    if (settings.keepAlive() != null) {
      // In front of Vert.x's handler, so that it sees every read; installed once the handshake is
      // done: a PING is a frame, and there are no frames before the handshake.
      settings
          .keepAlive()
          .watch(
              ctx.pipeline(),
              ctx.name(),
              new KeepAliveTimer.Peer() {
                @Override
                public void ping(ChannelHandlerContext ignored) {
                  RawSocketConnection.this.ping();
                }

                @Override
                public void gone(ChannelHandlerContext ignored) {
                  peerIsGone();
                }
              });
    }
    state = State.PREFIX;
  }

  private void refuse(int code, String why) {
    LOG.debugf("RawSocket %s: handshake refused with error %d: %s", peer, code, why);
    state = State.DONE;
    ctx.writeAndFlush(Unpooled.wrappedBuffer(Framing.refuse(code)))
        .addListener(ChannelFutureListener.CLOSE);
  }

  private void handshakeTimedOut() {
    if (state == State.HANDSHAKE) {
      LOG.debugf(
          "RawSocket %s: closed, no handshake within %d s",
          peer, settings.handshakeTimeout().toSeconds());
      state = State.DONE;
      ctx.close();
    }
  }

  // --- frames ---

  private void frameStarts() {
    int reserved = prefix >>> 28;
    int type = (prefix >>> 24) & 0x07;
    int length = Framing.payloadLength(prefix);
    if (reserved != 0) {
      fail("the reserved bits of a frame prefix must be zero");
      return;
    }
    if (type > Framing.PONG) {
      fail("frame type " + type + " is reserved (0 message, 1 PING, 2 PONG)");
      return;
    }
    if (length > settings.maxMessageSize()) {
      LOG.debugf("RawSocket %s: frame of %d bytes over the limit", describe(), length);
      state = State.DONE;
      session.abort(
          WampUris.PAYLOAD_SIZE_EXCEEDED,
          "message of "
              + length
              + " bytes exceeds the limit of "
              + settings.maxMessageSize()
              + " bytes announced in the RawSocket handshake");
      return;
    }
    frameType = type;
    if (length == 0) {
      payload = EMPTY;
      frameEnds();
    } else {
      payload = new byte[length];
      payloadLength = 0;
      state = State.PAYLOAD;
    }
  }

  private void frameEnds() {
    byte[] bytes = payload;
    payload = null;
    state = State.PREFIX;
    switch (frameType) {
      case Framing.MESSAGE -> deliver(bytes);
      case Framing.PING -> {
        // Answered at once (flushed at the end of this read), echoing the payload.
        if (!writer.writeControl(Framing.PONG, bytes)) {
          overflow();
        }
      }
      default -> pong(bytes);
    }
  }

  private void deliver(byte[] bytes) {
    try {
      // The message keeps these bytes (its payload is forwarded as it is): a fresh array each.
      WampMessage message = serializer.decode(bytes);
      metrics.received(message.code());
      session.receive(message);
    } catch (ProtocolViolationException e) {
      session.protocolViolation(e.getMessage());
    } catch (RuntimeException e) {
      // A bug of ours must not leave the client waiting for an answer that never comes.
      LOG.errorf(e, "RawSocket %s: internal error while routing a message", describe());
      session.abort(RUNTIME_ERROR, "internal router error; the router's log has the details");
    }
  }

  private void pong(byte[] bytes) {
    if (pingAwaitingPong == null) {
      // Unsolicited: nothing to check (it shows the peer is alive, like anything it sends).
      return;
    }
    if (Arrays.equals(pingAwaitingPong, bytes)) {
      pingAwaitingPong = null;
    } else {
      fail("a PONG must echo the payload of the PING it answers");
    }
  }

  /** A protocol violation: ABORT, then close; this session only. */
  private void fail(String why) {
    state = State.DONE;
    session.protocolViolation(why);
  }

  // --- keep-alive, on the event loop ---

  /** The peer has been silent for the ping interval: ask it for a sign of life. */
  void ping() {
    if (closed) {
      return;
    }
    byte[] token = ByteBuffer.allocate(Long.BYTES).putLong(++pings).array();
    pingAwaitingPong = token;
    if (!writer.writeControl(Framing.PING, token)) {
      overflow();
    }
  }

  /** Nothing, not even a PONG, for twice the ping interval. */
  void peerIsGone() {
    LOG.debugf(
        "RawSocket %s: closed, nothing received for %d s, not even a PONG",
        describe(), settings.pingInterval().multipliedBy(2).toSeconds());
    closed = true;
    writer.cut();
  }

  // --- the end ---

  private void onClosed() {
    closed = true;
    state = State.DONE;
    payload = null;
    handshakeDeadline.cancel(false);
    if (session != null) {
      session.transportClosed();
    }
  }

  /**
   * The client reads slower than it is sent to: cut, as over WebSocket (waiting would hold memory
   * without bound); the session then ends as if the network had failed.
   */
  private void overflow() {
    if (closed) {
      return;
    }
    closed = true;
    metrics.slowClientCut();
    LOG.warnf(
        "RawSocket %s: more than %d bytes waiting to be sent; disconnecting the slow client",
        describe(), settings.maxOutboundQueue());
    writer.cut();
  }

  // --- Transport ---

  @Override
  public void send(OutgoingMessage message) {
    if (closed) {
      return;
    }
    metrics.sent(message.message().code());
    byte[] bytes = message.encoded(serializer);
    if (bytes.length > clientMaxLength) {
      tooLargeForClient(message, bytes.length);
    } else if (!writer.write(bytes)) {
      overflow();
    }
  }

  /**
   * A message larger than the client said it accepts, which the router must not send. An EVENT is
   * dropped for this client (the specification's first suggestion; any publisher could otherwise
   * disconnect every subscriber with a small maximum). Anything else is part of an exchange that
   * would hang without it, so the session ends with ABORT {@code wamp.error.payload_size_exceeded}.
   */
  private void tooLargeForClient(OutgoingMessage message, int size) {
    String type = message.message().getClass().getSimpleName().toUpperCase(Locale.ROOT);
    if (message.message() instanceof Event) {
      metrics.eventDropped();
      if (!warnedOfDroppedEvents) {
        warnedOfDroppedEvents = true;
        LOG.warnf(
            "RawSocket %s: dropped an EVENT of %d bytes, more than the %d bytes the client accepts"
                + " (further drops are logged at debug level)",
            describe(), size, clientMaxLength);
      } else {
        LOG.debugf("RawSocket %s: dropped an EVENT of %d bytes", describe(), size);
      }
      return;
    }
    LOG.warnf(
        "RawSocket %s: a %s of %d bytes exceeds the %d bytes the client accepts; ending its session",
        describe(), type, size, clientMaxLength);
    // Not from inside send(): the router may be in the middle of routing to this session.
    ctx.executor()
        .execute(
            () ->
                session.abort(
                    WampUris.PAYLOAD_SIZE_EXCEEDED,
                    "a "
                        + type
                        + " of "
                        + size
                        + " bytes exceeds the maximum of "
                        + clientMaxLength
                        + " bytes this client announced in its RawSocket handshake"));
  }

  /** Runs {@code task} on the connection's event loop, where its frames keep their order. */
  @Override
  public void execute(Runnable task) {
    if (ctx.executor().inEventLoop()) {
      task.run();
    } else {
      ctx.executor().execute(task);
    }
  }

  /** Closes the connection once what was sent before has gone out. */
  @Override
  public void close() {
    if (ctx.executor().inEventLoop()) {
      // Whatever else this read holds is not for a session that has ended.
      state = State.DONE;
    }
    if (writer != null) {
      writer.close();
    } else {
      ctx.close();
    }
  }

  @Override
  public String describe() {
    return peer + "/rawsocket/" + (serializer == null ? "?" : serializer.subprotocol());
  }

  @Override
  public String remoteAddress() {
    return address;
  }

  @Override
  public Map<String, Object> details() {
    return Map.of("type", "rawsocket", "peer", peer, "protocol", serializer.subprotocol());
  }
}
