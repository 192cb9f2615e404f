package io.quarkbar.wamp.protocol.serialization;

import io.quarkbar.wamp.protocol.codec.MessageCodec;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the CBOR that WAMP clients write, into the same plain Java values as {@link ValueReader}
 * gets through Jackson's CBOR parser, and gives up on anything else: then {@link Serializer} reads
 * the message again through Jackson, whose values and error messages stay the reference.
 *
 * <p>Why by hand: Jackson's CBOR parser is created per message (it cannot be reset to new input),
 * and in Jackson 2.21 takes a lock on every list, dict and string (its string-reference stack is a
 * {@code java.util.Stack}; jackson-dataformats-binary#742, fixed in 3.1 only). The two cost more
 * than routing the message. CBOR's encoding is small (RFC 8949, section 3), and this reader takes
 * only its plainest part: integers, floats, definite-length strings, lists and dicts with string
 * keys, and {@code false}, {@code true}, {@code null}, {@code undefined}. Tags, indefinite lengths,
 * other simple values, non-string keys, invalid UTF-8, deep nesting, truncated input and trailing
 * bytes all go to Jackson, which reads them as before. So this reader never refuses a message and
 * never reads one differently: where it answers, Jackson would have answered the same.
 */
final class CborValueReader {

  private final byte[] in;
  private final int end;
  private int pos;

  /** Lists and dicts open around the current value. */
  private int depth;

  /** Values read so far, and the limits ({@link DecodeLimits}) for this message. */
  private int elements;

  private final int maxNesting = DecodeLimits.maxNesting();
  private final int maxElements = DecodeLimits.maxElements();

  private CborValueReader(byte[] in, int offset, int length) {
    this.in = in;
    this.pos = offset;
    this.end = offset + length;
  }

  /**
   * The message in {@code length} bytes of {@code bytes} at {@code offset}, as its wire list.
   *
   * @throws LeftToJackson where Jackson must read the message
   */
  static List<Object> readMessage(byte[] bytes, int offset, int length) {
    return new CborValueReader(bytes, offset, length).message();
  }

  private List<Object> message() {
    int initial = next();
    if (initial >>> 5 != 4) {
      throw LeftToJackson.INSTANCE;
    }
    int n = length(initial);
    List<Object> message = new ArrayList<>(Math.min(n, 7));
    depth = 1;
    int payloadAt = -1;
    for (int index = 0; index < n; index++) {
      int start = pos;
      Object v = read();
      if (index == 0 && v instanceof Long code) {
        payloadAt = MessageCodec.payloadIndex(code);
      } else if (ValueReader.isPayload(index, payloadAt)) {
        v = ValueReader.withBytes(v, new Encoded.Bytes(Serializer.CBOR, in, start, pos - start));
      }
      message.add(v);
    }
    if (pos != end) {
      throw LeftToJackson.INSTANCE; // trailing data
    }
    return message;
  }

  private Object read() {
    int initial = next();
    return switch (initial >>> 5) {
      case 0 -> unsigned(initial);
      case 1 -> negative(initial);
      case 2 -> bytes(length(initial));
      case 3 -> text(length(initial));
      case 4 -> list(length(initial));
      case 5 -> dict(length(initial));
      case 7 -> simple(initial);
      default -> throw LeftToJackson.INSTANCE; // a tag
    };
  }

  /** A major type 0 integer: a {@link Long}, or a {@link BigInteger} above {@code 2^63 - 1}. */
  private Object unsigned(int initial) {
    long n = argument(initial);
    return n >= 0 ? (Object) n : new BigInteger(Long.toUnsignedString(n));
  }

  /** A major type 1 integer, {@code -1 - n}, which must fit a {@link Long}. */
  private Object negative(int initial) {
    long n = argument(initial);
    if (n < 0) {
      // Below -2^63: beyond what msgpack holds.
      Values.integer(BigInteger.valueOf(-1).subtract(new BigInteger(Long.toUnsignedString(n))));
    }
    return -1 - n;
  }

  private byte[] bytes(int length) {
    need(length);
    byte[] b = new byte[length];
    System.arraycopy(in, pos, b, 0, length);
    pos += length;
    return b;
  }

  private String text(int length) {
    need(length);
    int start = pos;
    pos += length;
    for (int i = start; i < pos; i++) {
      if (in[i] < 0) {
        return Values.binaryText(utf8(start, length));
      }
    }
    if (length > 0 && in[start] == 0) {
      Values.binaryText("\0");
    }
    // All ASCII, the usual case: no decoder needed.
    return new String(in, start, length, StandardCharsets.ISO_8859_1);
  }

  /** Text with non-ASCII characters; Jackson decides about text that is not valid UTF-8. */
  private String utf8(int start, int length) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(in, start, length))
          .toString();
    } catch (CharacterCodingException e) {
      throw LeftToJackson.INSTANCE;
    }
  }

  private List<Object> list(int n) {
    enter();
    // Never more room than the bytes left could fill: the count comes from the input.
    List<Object> list = new ArrayList<>(Math.min(n, Math.min(end - pos, 7)));
    for (int i = 0; i < n; i++) {
      count();
      list.add(read());
    }
    depth--;
    return list;
  }

  private Map<String, Object> dict(int n) {
    enter();
    if (n == 0) {
      depth--;
      // Most Options and Details dicts are empty: one shared immutable map, nothing allocated.
      return Map.of();
    }
    Map<String, Object> dict = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      int initial = next();
      if (initial >>> 5 != 3) {
        // Jackson turns integer keys into text and refuses others; rare, so left to it.
        throw LeftToJackson.INSTANCE;
      }
      String key = text(length(initial));
      count();
      dict.put(key, read());
    }
    depth--;
    return dict;
  }

  /**
   * Major type 7: {@code false}, {@code true}, {@code null}, {@code undefined} (null) or a float.
   */
  private Object simple(int initial) {
    return switch (initial & 0x1f) {
      case 20 -> Boolean.FALSE;
      case 21 -> Boolean.TRUE;
      case 22, 23 -> null;
      case 25 -> Values.finite(Float.float16ToFloat((short) fixed(2)));
      case 26 -> Values.finite(Float.intBitsToFloat((int) fixed(4)));
      case 27 -> Values.finite(Double.longBitsToDouble(fixed(8)));
      default -> throw LeftToJackson.INSTANCE;
    };
  }

  private void enter() {
    if (++depth > maxNesting) {
      throw DecodeLimits.tooDeep(Serializer.CBOR, maxNesting);
    }
  }

  private void count() {
    if (++elements > maxElements) {
      throw DecodeLimits.tooMany(maxElements);
    }
  }

  /** A length or count, which must fit an int; indefinite lengths are left to Jackson. */
  private int length(int initial) {
    long n = argument(initial);
    if (n < 0 || n > Integer.MAX_VALUE) {
      throw LeftToJackson.INSTANCE;
    }
    return (int) n;
  }

  /** The argument of an initial byte: in its low five bits, or in the 1, 2, 4 or 8 bytes after. */
  private long argument(int initial) {
    int info = initial & 0x1f;
    if (info < 24) {
      return info;
    }
    return switch (info) {
      case 24 -> fixed(1);
      case 25 -> fixed(2);
      case 26 -> fixed(4);
      case 27 -> fixed(8);
      default -> throw LeftToJackson.INSTANCE; // reserved, or an indefinite length
    };
  }

  /** The next {@code n} bytes as a big-endian unsigned number (for n = 8, its 64 bits). */
  private long fixed(int n) {
    need(n);
    long v = 0;
    for (int i = 0; i < n; i++) {
      v = (v << 8) | (in[pos++] & 0xff);
    }
    return v;
  }

  private int next() {
    need(1);
    return in[pos++] & 0xff;
  }

  private void need(int n) {
    if (end - pos < n) {
      throw LeftToJackson.INSTANCE;
    }
  }
}
