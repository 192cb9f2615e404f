package io.quarkbar.wamp.router.transport;

import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.serialization.Serializer;

/**
 * A message on its way out, with its bytes cached per serializer: an EVENT for a subscription with
 * a thousand JSON subscribers is encoded once, not a thousand times. All subscribers of one
 * subscription share the subscription ID, so they can share the bytes too.
 *
 * <p>The cache is filled by the thread that routes the message (the publisher's); a racing second
 * encode would only cost time, never correctness.
 */
public final class OutgoingMessage {

  private final WampMessage message;
  private final byte[][] encoded = new byte[Serializer.values().length][];

  public OutgoingMessage(WampMessage message) {
    this.message = message;
  }

  public WampMessage message() {
    return message;
  }

  /** The message in {@code serializer}'s bytes, encoded on first use. */
  public byte[] encoded(Serializer serializer) {
    int i = serializer.ordinal();
    byte[] bytes = encoded[i];
    if (bytes == null) {
      bytes = serializer.encode(message);
      encoded[i] = bytes;
    }
    return bytes;
  }
}
