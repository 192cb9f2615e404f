package io.quarkbar.bench.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongFunction;

/**
 * A message encoded once by the real serializer, with a hole where its request ID goes: sending it
 * costs two byte copies and the digits of the ID, so the load generator spends its core on socket
 * I/O, not on encoding.
 */
public final class Template {

  /** An ID no real message holds, of the widest integer encoding, so its bytes are findable. */
  private static final long MARKER = 0x1F2E3D4C5B6A79L;

  private final Serializer serializer;
  private final byte[] prefix;
  private final byte[] suffix;

  private Template(Serializer serializer, byte[] prefix, byte[] suffix) {
    this.serializer = serializer;
    this.prefix = prefix;
    this.suffix = suffix;
  }

  /** The message that {@code message} builds for an ID, with that ID left open. */
  public static Template of(Serializer serializer, LongFunction<WampMessage> message) {
    byte[] full = serializer.encode(message.apply(MARKER));
    // The marker alone, as the serializer writes it inside a list: strip the one-element list.
    byte[] list = serializer.encodeList(List.of(MARKER));
    byte[] marker = Arrays.copyOfRange(list, 1, list.length - (serializer.isBinary() ? 0 : 1));
    int at = indexOf(full, marker, 0);
    if (at < 0 || indexOf(full, marker, at + 1) >= 0) {
      throw new IllegalArgumentException("the ID must occur exactly once in the message");
    }
    return new Template(
        serializer,
        Arrays.copyOfRange(full, 0, at),
        Arrays.copyOfRange(full, at + marker.length, full.length));
  }

  /** The encoded message with {@code id} in its place. */
  public ByteBuf render(long id) {
    ByteBuf out = Unpooled.buffer(prefix.length + 20 + suffix.length);
    out.writeBytes(prefix);
    Wire.writeInt(serializer, out, id);
    out.writeBytes(suffix);
    return out;
  }

  /**
   * The message as one RawSocket frame: the 4-byte prefix (type 0, a WAMP message; the 24-bit
   * length), then the message.
   */
  public ByteBuf rawSocketFrame(long id) {
    ByteBuf out = Unpooled.buffer(4 + prefix.length + 20 + suffix.length);
    out.writeInt(0);
    out.writeBytes(prefix);
    Wire.writeInt(serializer, out, id);
    out.writeBytes(suffix);
    out.setInt(0, out.readableBytes() - 4);
    return out;
  }

  /** The message as one final WebSocket frame of the serializer's type. */
  public WebSocketFrame frame(long id) {
    return new WebSocketFrameImpl(
        serializer.isBinary() ? WebSocketFrameType.BINARY : WebSocketFrameType.TEXT,
        render(id),
        true);
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
