package io.quarkbar.wamp.protocol.serialization;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.quarkbar.wamp.protocol.codec.ProtocolViolationException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.jackson.dataformat.MessagePackParser;

/**
 * Reads one serialized value into plain Java: {@link List}, {@link LinkedHashMap} with string keys,
 * {@link String}, {@link Long} (or {@link java.math.BigInteger} beyond it), {@link Double}, {@link
 * Boolean}, {@code byte[]} and {@code null}.
 *
 * <p>Binary is {@code byte[]} whatever the serializer: msgpack {@code bin} and CBOR byte strings
 * directly, a JSON string that starts with {@code \0} by the specification's base64 convention.
 * Unknown msgpack extension types (wampy writes JavaScript {@code undefined} as extension type 0)
 * mean "no value": the key is left out of a dict, and the element is {@code null} in a list.
 */
final class ValueReader {

  /** Marks a value that is to be left out (an unknown extension type). */
  private static final Object UNDEFINED = new Object();

  private final JsonParser parser;
  private final boolean json;
  private final byte[] input;
  private final int offset;
  private final int length;

  ValueReader(JsonParser parser, boolean json, byte[] input, int offset, int length) {
    this.parser = parser;
    this.json = json;
    this.input = input;
    this.offset = offset;
    this.length = length;
  }

  List<Object> readMessage() throws IOException {
    JsonToken first = parser.nextToken();
    if (first != JsonToken.START_ARRAY) {
      throw new ProtocolViolationException("a WAMP message must be a list, got " + kind(first));
    }
    List<Object> message = readList();
    if (hasTrailingData()) {
      throw new ProtocolViolationException("unexpected data after the message");
    }
    return message;
  }

  /** What a top-level token that is not a list stands for, in the words of the codec's messages. */
  private static String kind(JsonToken token) {
    return switch (token) {
      case null -> "nothing";
      case START_OBJECT -> "a dict";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT -> "an integer";
      case VALUE_NUMBER_FLOAT -> "a float";
      case VALUE_TRUE, VALUE_FALSE -> "a bool";
      case VALUE_NULL -> "null";
      case VALUE_EMBEDDED_OBJECT -> "binary";
      default -> token.name();
    };
  }

  /**
   * Whether bytes follow the message. Jackson's own parsers return {@code null} at the end of the
   * input; the msgpack parser throws instead, and reports no byte offset, so msgpack input is
   * checked by skipping one value with msgpack-core: a cheap second pass, where an exception per
   * message would cost more than the decoding itself.
   */
  private boolean hasTrailingData() throws IOException {
    if (parser instanceof MessagePackParser) {
      try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(input, offset, length)) {
        unpacker.skipValue();
        return unpacker.hasNext();
      }
    }
    return parser.nextToken() != null;
  }

  private Object read(JsonToken token) throws IOException {
    return switch (token) {
      case START_ARRAY -> readList();
      case START_OBJECT -> readDict();
      case VALUE_STRING -> readString();
      case VALUE_NUMBER_INT ->
          switch (parser.getNumberType()) {
            case INT, LONG -> parser.getLongValue();
            default -> parser.getBigIntegerValue();
          };
      case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      case VALUE_EMBEDDED_OBJECT -> readEmbedded();
      default -> throw new ProtocolViolationException("unexpected " + token.asString());
    };
  }

  private List<Object> readList() throws IOException {
    // Room for a whole WAMP message, the largest list most messages hold, without regrowing.
    List<Object> list = new ArrayList<>(7);
    JsonToken t;
    while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
      Object v = read(t);
      list.add(v == UNDEFINED ? null : v);
    }
    return list;
  }

  private Map<String, Object> readDict() throws IOException {
    JsonToken t = parser.nextToken();
    if (t == JsonToken.END_OBJECT) {
      // Most Options and Details dicts are empty: one shared immutable map, nothing allocated.
      return Map.of();
    }
    Map<String, Object> dict = new LinkedHashMap<>();
    for (; t != JsonToken.END_OBJECT; t = parser.nextToken()) {
      if (t != JsonToken.FIELD_NAME) {
        throw new ProtocolViolationException("dict keys must be strings");
      }
      String key = parser.currentName();
      Object v = read(parser.nextToken());
      if (v != UNDEFINED) {
        dict.put(key, v);
      }
    }
    return dict;
  }

  private Object readString() throws IOException {
    String s = parser.getText();
    if (json && !s.isEmpty() && s.charAt(0) == '\0') {
      try {
        return Base64.getDecoder().decode(s.substring(1));
      } catch (IllegalArgumentException e) {
        throw new ProtocolViolationException("binary string with invalid base64");
      }
    }
    return s;
  }

  private Object readEmbedded() throws IOException {
    Object embedded = parser.getEmbeddedObject();
    return embedded instanceof byte[] ? embedded : UNDEFINED;
  }
}
