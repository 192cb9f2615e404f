package io.quarkbar.wamp.router.transport;

import io.quarkbar.wamp.protocol.codec.ProtocolViolationException;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.router.Router;
import io.quarkbar.wamp.router.session.Session;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory connection to a {@link Router}, for fast, deterministic tests and for embedding:
 * what the client sends is handed to the router on the caller's thread; what the router sends waits
 * in a queue until the client takes it. With a {@link Serializer}, every message in both directions
 * goes through its bytes, so tests exercise the encoders as a socket would.
 */
public final class LocalTransport implements Transport {

  /** The remote address of a local connection unless the test gives one. */
  public static final String LOCAL_ADDRESS = "local";

  private final Serializer serializer;
  private final String remoteAddress;
  private final BlockingQueue<WampMessage> inbox = new LinkedBlockingQueue<>();
  private final Session session;
  private volatile boolean closed;

  private LocalTransport(Router router, Serializer serializer, String remoteAddress) {
    this.serializer = serializer;
    this.remoteAddress = remoteAddress;
    this.session = router.attach(this);
  }

  /** A new connection to {@code router}; messages pass as objects, without serialization. */
  public static LocalTransport connect(Router router) {
    return new LocalTransport(router, null, LOCAL_ADDRESS);
  }

  /** A new connection whose messages are encoded and decoded with {@code serializer}. */
  public static LocalTransport connect(Router router, Serializer serializer) {
    return new LocalTransport(router, serializer, LOCAL_ADDRESS);
  }

  /**
   * A new connection that seems to come from {@code remoteAddress}, for what the router counts per
   * address (sessions, failed authentications).
   */
  public static LocalTransport connect(Router router, Serializer serializer, String remoteAddress) {
    return new LocalTransport(router, serializer, remoteAddress);
  }

  /** Sends a message from the client to the router; processed before this returns. */
  public synchronized void sendToRouter(WampMessage message) {
    if (closed) {
      throw new IllegalStateException("the connection is closed");
    }
    WampMessage received = message;
    if (serializer != null) {
      try {
        received = serializer.decode(serializer.encode(message));
      } catch (ProtocolViolationException e) {
        session.protocolViolation(e.getMessage());
        return;
      }
    }
    session.receive(received);
  }

  /**
   * Sends raw bytes from the client, as a socket would deliver them. The router may forward parts
   * of them as they are (a message's payload), so they must not change afterwards.
   */
  public synchronized void sendBytesToRouter(byte[] bytes) {
    try {
      session.receive(serializer.decode(bytes));
    } catch (ProtocolViolationException e) {
      session.protocolViolation(e.getMessage());
    }
  }

  /** The next message from the router, or {@code null} if none comes within {@code timeout}. */
  public WampMessage poll(Duration timeout) {
    try {
      return inbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The client drops the connection without a word. */
  public synchronized void disconnect() {
    if (!closed) {
      closed = true;
      session.transportClosed();
    }
  }

  public boolean isClosed() {
    return closed;
  }

  /** The router-side session of this connection. */
  public Session session() {
    return session;
  }

  @Override
  public void send(OutgoingMessage message) {
    if (closed) {
      return;
    }
    inbox.add(
        serializer == null ? message.message() : serializer.decode(message.encoded(serializer)));
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String describe() {
    return remoteAddress + (serializer == null ? "" : "/" + serializer.subprotocol());
  }

  @Override
  public String remoteAddress() {
    return remoteAddress;
  }
}
