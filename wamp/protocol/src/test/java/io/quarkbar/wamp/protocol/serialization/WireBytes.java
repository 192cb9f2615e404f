package io.quarkbar.wamp.protocol.serialization;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Writing test messages as text and hex, and reading them back. */
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
}
