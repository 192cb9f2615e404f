package io.quarkbar.router.rawsocket;

import io.quarkbar.wamp.protocol.serialization.Serializer;
import java.util.Optional;

/**
 * The bytes of the WAMP RawSocket transport (wamp-proto,
 * rfc/text/advanced/ap_38_transport_rawsocket.md), all big-endian.
 *
 * <p>Handshake, client to router and back: {@code 0x7F}, then {@code LLLL SSSS} (the sender's
 * maximum message length {@code 2^(9+L)} and the serializer), then two reserved zero bytes. An
 * error reply is {@code 0x7F}, {@code EEEE 0000}, 0, 0.
 *
 * <p>Frame: a 4-byte prefix {@code RRRR XTTT} + 24-bit length, then the payload. {@code R} is
 * reserved (zero); {@code TTT} is the frame type (0 WAMP message, 1 PING, 2 PONG); {@code X} is the
 * 25th length bit, set only for a payload of exactly 16 MiB.
 */
public final class Framing {

  /** The first byte of every handshake; no HTTP request starts with it. */
  public static final int MAGIC = 0x7F;

  /** The smallest maximum message length a handshake can announce (L = 0): 512 bytes. */
  public static final int MIN_LENGTH = 1 << 9;

  /** The largest maximum message length a handshake can announce (L = 15): 16 MiB. */
  public static final int MAX_LENGTH = 1 << 24;

  /** Frame types ({@code TTT}). */
  static final int MESSAGE = 0;

  static final int PING = 1;
  static final int PONG = 2;

  /** Handshake error codes ({@code EEEE}). */
  static final int ERROR_SERIALIZER_UNSUPPORTED = 1;

  static final int ERROR_MAX_LENGTH_UNACCEPTABLE = 2;
  static final int ERROR_RESERVED_BITS = 3;
  static final int ERROR_MAX_CONNECTIONS = 4;

  private Framing() {}

  /** The maximum length {@code 2^(9+exponent)} of a handshake's {@code LLLL}. */
  static int maxLength(int exponent) {
    return 1 << (9 + exponent);
  }

  /**
   * What the router announces for a configured maximum: the largest power of two from {@link
   * #MIN_LENGTH} to {@link #MAX_LENGTH} that is not above it (or {@link #MIN_LENGTH} when it is
   * below). The router enforces what it announced.
   */
  public static int announceable(int configured) {
    int clamped = Math.clamp(configured, MIN_LENGTH, MAX_LENGTH);
    return Integer.highestOneBit(clamped);
  }

  /** The handshake's {@code LLLL} for {@code length}, a power of two from 512 to 16 MiB. */
  static int exponent(int length) {
    return Integer.numberOfTrailingZeros(length) - 9;
  }

  /** The serializer of a handshake's {@code SSSS}: 1 JSON, 2 MessagePack, 3 CBOR. */
  static Optional<Serializer> serializer(int id) {
    return switch (id) {
      case 1 -> Optional.of(Serializer.JSON);
      case 2 -> Optional.of(Serializer.MSGPACK);
      case 3 -> Optional.of(Serializer.CBOR);
      default -> Optional.empty();
    };
  }

  /** The handshake's {@code SSSS} for {@code serializer}. */
  static int id(Serializer serializer) {
    return switch (serializer) {
      case JSON -> 1;
      case MSGPACK -> 2;
      case CBOR -> 3;
    };
  }

  /** A successful handshake reply: our maximum message length and the client's serializer. */
  static byte[] accept(int maxLength, Serializer serializer) {
    return new byte[] {MAGIC, (byte) (exponent(maxLength) << 4 | id(serializer)), 0, 0};
  }

  /** A handshake error reply with {@code code}. */
  static byte[] refuse(int code) {
    return new byte[] {MAGIC, (byte) (code << 4), 0, 0};
  }

  /** The 4-byte prefix of a frame of {@code type} with {@code length} bytes (at most 16 MiB). */
  static int prefix(int type, int length) {
    // 16 MiB exactly: the X bit (bit 27) set, the 24 length bits clear.
    int extra = length == MAX_LENGTH ? 0x0800_0000 : 0;
    return extra | type << 24 | (length & 0xFF_FFFF);
  }

  /** The payload length of a frame prefix; above {@link #MAX_LENGTH} when the X bit is misused. */
  static int payloadLength(int prefix) {
    int low = prefix & 0xFF_FFFF;
    return (prefix & 0x0800_0000) != 0 ? MAX_LENGTH + low : low;
  }
}
