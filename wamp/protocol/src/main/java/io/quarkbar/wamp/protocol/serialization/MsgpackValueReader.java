package io.quarkbar.wamp.protocol.serialization;

import io.quarkbar.wamp.protocol.codec.MessageCodec;
import io.quarkbar.wamp.protocol.codec.ProtocolViolationException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.core.buffer.ArrayBufferInput;
import org.msgpack.value.ValueType;

/**
 * Reads msgpack into the same plain Java values as {@link ValueReader}, with msgpack-core's
 * unpacker, one per thread, reset for each message.
 *
 * <p>Why not msgpack-jackson's parser, which {@link ValueReader} used: it was created per message
 * and reports no byte offsets, so a second pass over every message was needed to find a payload's
 * bytes and any trailing data; the two cost more than routing the message. The unpacker counts the
 * bytes it has read, which gives both in one pass. What that parser made of odd input is kept: map
 * keys that are numbers, booleans or binary become their text, a string with invalid UTF-8 has the
 * bad bytes replaced, and an unknown extension type means "no value".
 */
final class MsgpackValueReader {

  private final ArrayBufferInput input = new ArrayBufferInput(new byte[0]);

  /**
   * msgpack-core's default unpacker: it decodes a string with {@code new String(bytes, UTF_8)},
   * which replaces malformed input with U+FFFD. Configured to report malformed input instead, it
   * takes a CharsetDecoder path for every string, which made msgpack's WAMP work per routed call a
   * quarter slower (bench CompareBuilds). {@link #string} checks strictness itself, only for the
   * rare string that holds U+FFFD.
   */
  private final MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(input);

  private byte[] bytes;
  private int offset;

  /** Where the message ends in {@link #bytes}. */
  private int end;

  /** Lists and dicts open around the current value. */
  private int depth;

  /** Values read so far in this message, and the limits ({@link DecodeLimits}) for it. */
  private int elements;

  private int maxNesting;
  private int maxElements;

  /** The message in {@code length} bytes of {@code bytes} at {@code offset}, as its wire list. */
  List<Object> readMessage(byte[] bytes, int offset, int length) throws IOException {
    start(bytes, offset, length);
    if (!unpacker.hasNext() || unpacker.getNextFormat().getValueType() != ValueType.ARRAY) {
      throw new ProtocolViolationException(
          "a WAMP message must be a list, got " + (unpacker.hasNext() ? kind() : "nothing"));
    }
    int n = unpacker.unpackArrayHeader();
    List<Object> message = new ArrayList<>(Math.min(n, 7));
    depth = 1;
    int payloadAt = -1;
    for (int index = 0; index < n; index++) {
      int start = position();
      Object v = read();
      if (index == 0 && v instanceof Long code) {
        payloadAt = MessageCodec.payloadIndex(code);
      } else if (ValueReader.isPayload(index, payloadAt)) {
        v =
            ValueReader.withBytes(
                v, new Encoded.Bytes(Serializer.MSGPACK, bytes, start, position() - start));
      }
      message.add(v == ValueReader.UNDEFINED ? null : v);
    }
    if (unpacker.hasNext()) {
      throw new ProtocolViolationException("unexpected data after the message");
    }
    return message;
  }

  /** One value, alone in the input ({@link Serializer#decodeValue}). */
  Object readValue(byte[] bytes, int offset, int length) throws IOException {
    start(bytes, offset, length);
    depth = 0;
    Object v = read();
    return v == ValueReader.UNDEFINED ? null : v;
  }

  private void start(byte[] bytes, int offset, int length) throws IOException {
    elements = 0;
    maxNesting = DecodeLimits.maxNesting();
    maxElements = DecodeLimits.maxElements();
    this.bytes = bytes;
    this.offset = offset;
    this.end = offset + length;
    input.reset(bytes, offset, length);
    unpacker.reset(input);
  }

  /** Where the unpacker is, as an index into the input array. */
  private int position() {
    return offset + (int) unpacker.getTotalReadBytes();
  }

  private Object read() throws IOException {
    MessageFormat format = unpacker.getNextFormat();
    return switch (format.getValueType()) {
      case NIL -> {
        unpacker.unpackNil();
        yield null;
      }
      case BOOLEAN -> unpacker.unpackBoolean();
      case INTEGER -> readInteger(format);
      case FLOAT -> Values.finite(unpacker.unpackDouble());
      case STRING -> Values.binaryText(string(format));
      case BINARY -> binary(format);
      case ARRAY -> readList();
      case MAP -> readDict();
      case EXTENSION -> {
        unpacker.skipValue();
        yield ValueReader.UNDEFINED;
      }
    };
  }

  /**
   * A str value, strictly UTF-8. Its length is checked against the bytes that are left before
   * anything is read: msgpack-core would otherwise trust the header.
   */
  private String string(MessageFormat format) throws IOException {
    int at = position();
    long n = declaredLength(format);
    need(n);
    String s = unpacker.unpackString();
    if (s.indexOf('\uFFFD') >= 0) {
      // Malformed UTF-8 or a real U+FFFD: only the bytes can tell.
      strictUtf8(bytes, at + headerLength(format), (int) n);
    }
    return s;
  }

  /** The size of a str header of {@code format}. */
  private static int headerLength(MessageFormat format) {
    return switch (format) {
      case FIXSTR -> 1;
      case STR8 -> 2;
      case STR16 -> 3;
      default -> 5;
    };
  }

  /**
   * A bin value. msgpack-core allocates as many bytes as the header says, up to 2 GiB, before it
   * finds out that they are not there: the length is checked against the input first.
   */
  private byte[] binary(MessageFormat format) throws IOException {
    need(declaredLength(format));
    return unpacker.readPayload(unpacker.unpackBinaryHeader());
  }

  /** The length a str or bin header at the current position declares, without reading it. */
  private long declaredLength(MessageFormat format) {
    int at = position();
    int b = bytes[at] & 0xff;
    return switch (format) {
      case FIXSTR -> b & 0x1f;
      case STR8, BIN8 -> at + 1 < end ? bytes[at + 1] & 0xff : Long.MAX_VALUE;
      case STR16, BIN16 ->
          at + 2 < end ? ((bytes[at + 1] & 0xff) << 8) | (bytes[at + 2] & 0xff) : Long.MAX_VALUE;
      case STR32, BIN32 ->
          at + 4 < end
              ? ((long) (bytes[at + 1] & 0xff) << 24)
                  | ((bytes[at + 2] & 0xff) << 16)
                  | ((bytes[at + 3] & 0xff) << 8)
                  | (bytes[at + 4] & 0xff)
              : Long.MAX_VALUE;
      default -> 0;
    };
  }

  private void need(long n) {
    if (n > end - position()) {
      throw new ProtocolViolationException(
          "invalid MSGPACK: a value claims " + n + " bytes, more than the message has left");
    }
  }

  private static String strictUtf8(byte[] b) {
    return strictUtf8(b, 0, b.length);
  }

  /** The {@code length} bytes at {@code offset} as a string, if they are well-formed UTF-8. */
  private static String strictUtf8(byte[] b, int offset, int length) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(b, offset, length))
          .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new ProtocolViolationException("invalid MSGPACK: a string that is not UTF-8");
    }
  }

  /** A {@link Long}, or a {@link BigInteger} for an unsigned 64-bit value beyond it. */
  private Object readInteger(MessageFormat format) throws IOException {
    if (format == MessageFormat.UINT64) {
      BigInteger big = unpacker.unpackBigInteger();
      return big.bitLength() < 64 ? (Object) big.longValue() : big;
    }
    return unpacker.unpackLong();
  }

  private List<Object> readList() throws IOException {
    int n = unpacker.unpackArrayHeader();
    enter();
    List<Object> list = new ArrayList<>(Math.min(n, 7));
    for (int i = 0; i < n; i++) {
      count();
      Object v = read();
      list.add(v == ValueReader.UNDEFINED ? null : v);
    }
    depth--;
    return list;
  }

  private Map<String, Object> readDict() throws IOException {
    int n = unpacker.unpackMapHeader();
    enter();
    if (n == 0) {
      depth--;
      // Most Options and Details dicts are empty: one shared immutable map, nothing allocated.
      return Map.of();
    }
    Map<String, Object> dict = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String key = readKey();
      count();
      Object v = read();
      if (v != ValueReader.UNDEFINED) {
        dict.put(key, v);
      }
    }
    depth--;
    return dict;
  }

  /** A dict key: a string, or a number, boolean or binary as its text. */
  private String readKey() throws IOException {
    MessageFormat format = unpacker.getNextFormat();
    return switch (format.getValueType()) {
      case STRING -> Values.binaryText(string(format));
      case INTEGER -> String.valueOf(readInteger(format));
      case FLOAT -> String.valueOf(unpacker.unpackDouble());
      case BOOLEAN -> String.valueOf(unpacker.unpackBoolean());
      case BINARY -> Values.unicode(strictUtf8(binary(format)));
      default -> throw new ProtocolViolationException("dict keys must be strings");
    };
  }

  private void enter() {
    if (++depth > maxNesting) {
      throw DecodeLimits.tooDeep(Serializer.MSGPACK, maxNesting);
    }
  }

  private void count() {
    if (++elements > maxElements) {
      throw DecodeLimits.tooMany(maxElements);
    }
  }

  /** What the next value is, in the words of the codec's messages. */
  private String kind() throws IOException {
    return switch (unpacker.getNextFormat().getValueType()) {
      case NIL -> "null";
      case BOOLEAN -> "a bool";
      case INTEGER -> "an integer";
      case FLOAT -> "a float";
      case STRING -> "a string";
      case BINARY, EXTENSION -> "binary";
      case MAP -> "a dict";
      case ARRAY -> "a list";
    };
  }
}
