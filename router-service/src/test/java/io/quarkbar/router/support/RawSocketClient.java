package io.quarkbar.router.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.quarkbar.wamp.protocol.codec.ProtocolViolationException;
import io.quarkbar.wamp.protocol.message.Abort;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WAMP RawSocket client for tests, written by hand over a plain socket so that it can send
 * anything (any handshake byte, reserved frame types, a prefix that promises more than the router
 * allows) and see exactly what comes back. The wire format is written out here, not taken from the
 * router's code, so that a mistake on either side shows.
 *
 * <p>After the handshake a thread reads frames: WAMP messages and PONGs are queued for {@link
 * #expect} and {@link #poll}; the end of the connection is queued as {@link Closed}; PINGs are
 * counted, not queued, and answered with a PONG echoing them unless {@link #answerPings} says not.
 */
public final class RawSocketClient implements AutoCloseable {

  public static final int MESSAGE = 0;
  public static final int PING = 1;
  public static final int PONG = 2;

  /** The handshake's serializer IDs. */
  public static int serializerId(Serializer serializer) {
    return switch (serializer) {
      case JSON -> 1;
      case MSGPACK -> 2;
      case CBOR -> 3;
    };
  }

  /** Something the client noticed: a frame or the end of the connection. */
  public sealed interface Received permits Frame, Closed {}

  /**
   * One frame from the router; for a WAMP message {@code message} is its decoding, or null with
   * {@code decodeError} saying why it did not decode.
   */
  public record Frame(int type, byte[] payload, WampMessage message, String decodeError)
      implements Received {
    @Override
    public String toString() {
      return switch (type) {
        case MESSAGE ->
            message != null ? "message " + message : "undecodable message (" + decodeError + ")";
        case PING -> "PING of " + payload.length + " bytes";
        case PONG -> "PONG of " + payload.length + " bytes";
        default -> "frame of type " + type;
      };
    }
  }

  /** The router closed the TCP connection (or reset it). */
  public record Closed() implements Received {}

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final AtomicInteger pings = new AtomicInteger();
  private volatile boolean answerPings = true;
  private volatile boolean paused;
  private Serializer serializer;
  private int routerMaxLength;
  private long nextRequest = 1;

  private RawSocketClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** A TCP connection to the router's RawSocket port; nothing sent yet. */
  public static RawSocketClient open(int port) {
    return open(port, 0);
  }

  /**
   * A TCP connection with a receive buffer of {@code receiveBuffer} bytes (0: the system's), small
   * for a client that is to fall behind.
   */
  public static RawSocketClient open(int port, int receiveBuffer) {
    try {
      Socket socket = new Socket();
      if (receiveBuffer > 0) {
        socket.setReceiveBufferSize(receiveBuffer);
      }
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout((int) WampTestClient.TIMEOUT.toMillis());
      return new RawSocketClient(socket);
    } catch (IOException e) {
      throw new UncheckedIOException("RawSocket connection to port " + port + " failed", e);
    }
  }

  /** Connects, says it accepts up to 16 MiB in {@code serializer}, and checks the reply. */
  public static RawSocketClient connect(int port, Serializer serializer) {
    return connect(port, serializer, 15);
  }

  /** Connects with a maximum length of {@code 2^(9+lengthExponent)} bytes for what it receives. */
  public static RawSocketClient connect(int port, Serializer serializer, int lengthExponent) {
    RawSocketClient c = open(port);
    byte[] reply = c.handshake(0x7F, lengthExponent << 4 | serializerId(serializer), 0, 0);
    assertThat(reply[0]).as("magic byte of the reply").isEqualTo((byte) 0x7F);
    assertThat(reply[1] & 0x0F)
        .as("serializer of the reply (0 is an error: %d)", (reply[1] & 0xFF) >> 4)
        .isEqualTo(serializerId(serializer));
    assertThat(reply[2]).isZero();
    assertThat(reply[3]).isZero();
    c.accepted(serializer, 1 << (9 + ((reply[1] & 0xFF) >> 4)));
    return c;
  }

  /** Connects and joins {@code realm}; fails unless WELCOME comes back. */
  public static RawSocketClient join(int port, Serializer serializer, String realm) {
    RawSocketClient c = connect(port, serializer);
    c.join(realm);
    return c;
  }

  /**
   * Sends 4 handshake bytes of the test's choosing and returns the router's 4, or fewer if the
   * router closed the connection first (an empty array: it closed without a word).
   */
  public byte[] handshake(int b0, int b1, int b2, int b3) {
    sendRaw(new byte[] {(byte) b0, (byte) b1, (byte) b2, (byte) b3});
    return reply();
  }

  /** The router's 4 handshake bytes, or fewer if it closed the connection first. */
  public byte[] reply() {
    return readUpTo(4);
  }

  /** The 4 handshake bytes of a client of {@code serializer} that accepts up to 16 MiB. */
  public static byte[] handshakeBytes(Serializer serializer) {
    return new byte[] {0x7F, (byte) (0xF0 | serializerId(serializer)), 0, 0};
  }

  /** Takes the handshake as accepted: frames in {@code serializer} from now on. */
  public void accepted(Serializer serializer, int routerMaxLength) {
    this.serializer = serializer;
    this.routerMaxLength = routerMaxLength;
    Thread reader = new Thread(this::readFrames, "rawsocket-test-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** The maximum message length the router announced. */
  public int routerMaxLength() {
    return routerMaxLength;
  }

  public Serializer serializer() {
    return serializer;
  }

  /** A fresh request ID for this session. */
  public long nextRequest() {
    return nextRequest++;
  }

  /** Sends HELLO for {@code realm} and returns the session ID from WELCOME. */
  public long join(String realm) {
    send(new Hello(realm, Map.of("roles", WampTestClient.ROLES)));
    return expect(Welcome.class).session();
  }

  public void send(WampMessage message) {
    sendEncoded(serializer.encode(message));
  }

  /** Sends a wire list as it is (wrong types and counts included). */
  public void sendList(List<Object> wire) {
    sendEncoded(serializer.encodeList(wire));
  }

  /** Sends bytes as one WAMP message frame. */
  public void sendEncoded(byte[] bytes) {
    sendFrame(MESSAGE, bytes);
  }

  /** Sends one frame of {@code type} (any 8 bits: reserved ones too) with {@code payload}. */
  public void sendFrame(int type, byte[] payload) {
    sendRaw(frame(type, payload));
  }

  /** The bytes of a frame: the prefix {@code type} + 24-bit length, then the payload. */
  public static byte[] frame(int type, byte[] payload) {
    return ByteBuffer.allocate(4 + payload.length)
        .putInt(type << 24 | payload.length)
        .put(payload)
        .array();
  }

  /** Writes bytes as they are. */
  public synchronized void sendRaw(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("sending failed", e);
    }
  }

  /** Whether PINGs are answered (the default); a client that does not is a dead peer. */
  public void answerPings(boolean answer) {
    answerPings = answer;
  }

  /** PINGs received so far. */
  public int pings() {
    return pings.get();
  }

  /** Stops reading: the router's frames back up into the socket buffers, then its own queue. */
  public void pause() {
    paused = true;
  }

  public synchronized void resume() {
    paused = false;
    notifyAll();
  }

  /** The next thing received, or null if nothing comes within {@code timeout}. */
  public Received poll(Duration timeout) {
    try {
      return received.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the router", e);
    }
  }

  /** The next frame must be a WAMP message of {@code type}; fails with what came instead. */
  public <T extends WampMessage> T expect(Class<T> type) {
    Received r = poll(WampTestClient.TIMEOUT);
    if (r instanceof Frame f && type.isInstance(f.message())) {
      return type.cast(f.message());
    }
    return fail(
        "expected %s within %s, got %s",
        type.getSimpleName().toUpperCase(Locale.ROOT),
        WampTestClient.TIMEOUT,
        r == null ? "nothing" : r);
  }

  /** The next frame must be of {@code type} (PONG, say); returns it. */
  public Frame expectFrame(int type) {
    Received r = poll(WampTestClient.TIMEOUT);
    if (r instanceof Frame f && f.type() == type) {
      return f;
    }
    return fail("expected a frame of type %d, got %s", type, r == null ? "nothing" : r);
  }

  public Abort expectAbort(String reason) {
    Abort abort = expect(Abort.class);
    assertThat(abort.reason()).as("ABORT reason (details: %s)", abort.details()).isEqualTo(reason);
    return abort;
  }

  /** The next thing must be the end of the connection. */
  public void expectClosed() {
    Received r = poll(WampTestClient.TIMEOUT);
    if (!(r instanceof Closed)) {
      fail(
          "expected the connection to close within %s, got %s",
          WampTestClient.TIMEOUT, r == null ? "nothing" : r);
    }
  }

  /** ABORT with {@code reason}, then the connection closes. */
  public void expectAbortAndClose(String reason) {
    expectAbort(reason);
    expectClosed();
  }

  /**
   * Before a handshake completes: whether the router closed the connection without sending anything
   * within {@code timeout}.
   */
  public boolean closedWithoutAWord(Duration timeout) {
    return readUpTo(1, timeout).length == 0;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing is all that is left to do.
    }
  }

  private byte[] readUpTo(int n) {
    return readUpTo(n, WampTestClient.TIMEOUT);
  }

  /** Up to {@code n} bytes, fewer if the connection ends; fails if none come within timeout. */
  private byte[] readUpTo(int n, Duration timeout) {
    try {
      socket.setSoTimeout((int) timeout.toMillis());
      byte[] bytes = in.readNBytes(n);
      socket.setSoTimeout(0);
      return bytes;
    } catch (SocketTimeoutException e) {
      return fail("nothing from the router within %s", timeout);
    } catch (IOException e) {
      // A reset: the router dropped the connection.
      return new byte[0];
    }
  }

  private void readFrames() {
    try {
      socket.setSoTimeout(0);
      while (true) {
        awaitResume();
        int prefix = in.readInt();
        int type = prefix >>> 24;
        int length = prefix & 0xFF_FFFF;
        byte[] payload = in.readNBytes(length);
        if (payload.length < length) {
          throw new EOFException("connection closed inside a frame");
        }
        switch (type) {
          case PING -> {
            pings.incrementAndGet();
            if (answerPings) {
              sendRaw(frame(PONG, payload));
            }
          }
          case MESSAGE -> received.add(decoded(payload));
          default -> received.add(new Frame(type, payload, null, null));
        }
      }
    } catch (IOException | RuntimeException e) {
      received.add(new Closed());
    } catch (InterruptedException e) {
      received.add(new Closed());
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void awaitResume() throws InterruptedException {
    while (paused) {
      wait();
    }
  }

  private Frame decoded(byte[] payload) {
    try {
      return new Frame(MESSAGE, payload, serializer.decode(payload), null);
    } catch (ProtocolViolationException e) {
      return new Frame(MESSAGE, payload, null, e.getMessage());
    }
  }
}
