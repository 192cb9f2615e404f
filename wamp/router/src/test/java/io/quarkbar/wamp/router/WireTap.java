package io.quarkbar.wamp.router;

import static org.assertj.core.api.Assertions.fail;

import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.router.transport.OutgoingMessage;
import io.quarkbar.wamp.router.transport.Transport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A transport that keeps the exact bytes the router hands it, decoded only down to the wire list,
 * so a test sees the message as a socket would carry it (element count included). It records even
 * after it was closed, so a test can also check that the router sends nothing more.
 */
final class WireTap implements Transport {

  private final Serializer serializer;
  private final BlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
  private volatile boolean closed;

  WireTap(Serializer serializer) {
    this.serializer = serializer;
  }

  @Override
  public void send(OutgoingMessage message) {
    frames.add(message.encoded(serializer));
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String describe() {
    return "tap/" + serializer.subprotocol();
  }

  boolean isClosed() {
    return closed;
  }

  /** The next message as its wire list; fails when none arrives within two seconds. */
  List<Object> next() {
    try {
      byte[] bytes = frames.poll(2, TimeUnit.SECONDS);
      if (bytes == null) {
        fail("expected a message, but nothing arrived");
      }
      return serializer.decodeList(bytes, 0, bytes.length);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  void expectNothing(Duration within) {
    try {
      byte[] bytes = frames.poll(within.toNanos(), TimeUnit.NANOSECONDS);
      if (bytes != null) {
        fail("expected no message, but got %s", serializer.decodeList(bytes, 0, bytes.length));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
