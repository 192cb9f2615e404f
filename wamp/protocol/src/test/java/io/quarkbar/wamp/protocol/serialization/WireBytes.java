package io.quarkbar.wamp.protocol.serialization;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Writing test messages as text and hex, reading them back, and describing decoded values. */
final class WireBytes {

  private WireBytes() {}

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** The bytes that {@code hex} spells. */
  static byte[] bytes(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  /** The UTF-8 bytes of {@code text}, in hex. */
  static String hexOf(String text) {
    return hex(utf8(text));
  }

  /**
   * A decoded value as text that shows every type, every byte of binary and where a payload's bytes
   * are, so that equal text means equal values: two readers of one input can be compared with it.
   */
  static String describe(Object value) {
    String bytes = "";
    if (value instanceof Encoded e) {
      for (Serializer s : Serializer.values()) {
        Encoded.Bytes b = e.bytesIn(s);
        if (b != null) {
          bytes = "@" + b.offset() + "+" + b.length();
        }
      }
    }
    return switch (value) {
      case null -> "null";
      case List<?> list -> list.stream().map(WireBytes::describe).toList() + bytes;
      case Map<?, ?> map ->
          "{"
              + String.join(
                  ", ",
                  map.entrySet().stream()
                      .map(e -> describe(e.getKey()) + "=" + describe(e.getValue()))
                      .toList())
              + "}"
              + bytes;
      case byte[] b -> "bytes:" + hex(b);
      case Exception e -> "refused: " + e;
      default -> value.getClass().getSimpleName() + ":" + value;
    };
  }
}
