package io.quarkbar.wamp.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;

/**
 * The buffer handling both ends of a NATS-protocol connection share ({@link NatsWire} reading what
 * NATS or a node sends, {@link CallListener} reading what a node publishes): control lines ended by
 * CRLF, in a heap buffer that grows for a payload larger than it.
 */
final class ControlLines {

  private ControlLines() {}

  /**
   * The next whole control line of {@code in} (in read mode), without its CRLF, moving past it;
   * null (nothing moved) while its end has not arrived.
   */
  static String next(ByteBuffer in) {
    byte[] a = in.array();
    for (int i = in.position(), end = in.limit() - 1; i < end; i++) {
      if (a[i] == '\r' && a[i + 1] == '\n') {
        String line = new String(a, in.position(), i - in.position(), UTF_8);
        in.position(i + 2);
        return line;
      }
    }
    return null;
  }

  /** {@code in} (in write mode) copied into a buffer of {@code capacity}, in write mode. */
  static ByteBuffer grown(ByteBuffer in, int capacity) {
    ByteBuffer bigger = ByteBuffer.allocate(capacity);
    in.flip();
    bigger.put(in);
    return bigger;
  }
}
