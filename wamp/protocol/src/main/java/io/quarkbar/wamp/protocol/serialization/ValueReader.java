package io.quarkbar.wamp.protocol.serialization;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.quarkbar.wamp.protocol.codec.MessageCodec;
import io.quarkbar.wamp.protocol.codec.ProtocolViolationException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one JSON or CBOR value, through a Jackson parser, into plain Java: {@link List}, {@link
 * LinkedHashMap} with string keys, {@link String}, {@link Long} (or {@link java.math.BigInteger}
 * beyond it), {@link Double}, {@link Boolean}, {@code byte[]} and {@code null}.
 *
 * <p>Binary is {@code byte[]} whatever the serializer: msgpack {@code bin} and CBOR byte strings
 * directly, a JSON string that starts with {@code \0} by the specification's base64 convention.
 * Unknown msgpack extension types (wampy writes JavaScript {@code undefined} as extension type 0)
 * mean "no value": the key is left out of a dict, and the element is {@code null} in a list.
 * msgpack has a reader of its own, {@link MsgpackValueReader}, which reads the same values.
 *
 * <p>A message's payload, its {@code Arguments|list} and {@code ArgumentsKw|dict}, is read with the
 * bytes it came in ({@link Encoded}), so that the router can send it on as it is.
 */
final class ValueReader {

  /** How deep lists and dicts may nest at most, the message's own list included. */
  static final int MAX_NESTING = DecodeLimits.MAX_NESTING;

  /** Marks a value that is to be left out (an unknown msgpack extension type). */
  static final Object UNDEFINED = new Object();

  private final JsonParser parser;
  private final Serializer serializer;
  private final boolean json;

  /** Whether the parser is a non-blocking one that takes one message after another. */
  private final boolean fed;

  private final byte[] input;
  private final int offset;
  private final int length;

  /** What to add to the parser's byte offsets to get positions in {@link #input}. */
  private final long locationBase;

  /** Lists and dicts open around the current value. */
  private int depth;

  /** Values read or skipped so far, and the limits ({@link DecodeLimits}) for this message. */
  private int elements;

  private final int maxNesting = DecodeLimits.maxNesting();
  private final int maxElements = DecodeLimits.maxElements();

  ValueReader(
      JsonParser parser,
      Serializer serializer,
      byte[] input,
      int offset,
      int length,
      long locationBase) {
    this.parser = parser;
    this.fed = parser.canParseAsync();
    this.locationBase = locationBase;
    this.serializer = serializer;
    this.json = serializer == Serializer.JSON;
    this.input = input;
    this.offset = offset;
    this.length = length;
  }

  List<Object> readMessage() throws IOException {
    JsonToken first = parser.nextToken();
    if (first == JsonToken.NOT_AVAILABLE) {
      first = null;
    }
    if (first != JsonToken.START_ARRAY) {
      throw new ProtocolViolationException("a WAMP message must be a list, got " + kind(first));
    }
    List<Object> message = new ArrayList<>(7);
    depth = 1;
    int payloadAt = -1;
    JsonToken t;
    while ((t = next()) != JsonToken.END_ARRAY) {
      int index = message.size();
      Object v;
      if (isPayload(index, payloadAt)) {
        v = readPayload(t);
      } else {
        v = read(t);
        if (index == 0 && v instanceof Long code) {
          payloadAt = MessageCodec.payloadIndex(code);
        }
      }
      message.add(v == UNDEFINED ? null : v);
    }
    if (hasTrailingData()) {
      throw new ProtocolViolationException("unexpected data after the message");
    }
    return message;
  }

  /**
   * Whether element {@code index} of a message whose Arguments are at {@code payloadAt} ({@link
   * MessageCodec#payloadIndex}) is its Arguments or ArgumentsKw.
   */
  static boolean isPayload(int index, int payloadAt) {
    return payloadAt > 0 && (index == payloadAt || index == payloadAt + 1);
  }

  /** One value, alone in the input: a payload decoded on first use ({@link Encoded}). */
  Object readValue() throws IOException {
    Object v = read(next());
    return v == UNDEFINED ? null : v;
  }

  /**
   * A payload element (JSON or CBOR) that starts with {@code token}, with its bytes. A JSON list or
   * dict is only skipped over here and decoded if someone looks into it, which the router does not:
   * skipping checks what decoding would (syntax, escapes, UTF-8, nesting), except the base64 of
   * binary strings, so a payload with an escaped NUL character anywhere is decoded at once.
   */
  private Object readPayload(JsonToken token) throws IOException {
    int start = tokenStart();
    if (!json || (token != JsonToken.START_ARRAY && token != JsonToken.START_OBJECT)) {
      Object v = read(token);
      return withBytes(v, start, position() - start);
    }
    boolean list = token == JsonToken.START_ARRAY;
    int size = skipContainer();
    if (size == 0) {
      return list ? List.of() : Map.of();
    }
    Encoded.Bytes bytes = new Encoded.Bytes(serializer, input, start, position() - start);
    if (hasNulEscape(bytes)) {
      return withBytes(serializer.decodeValue(bytes), bytes);
    }
    return list ? new EncodedList(size, bytes) : new EncodedMap(bytes);
  }

  /**
   * Where in {@link #input} the current token starts. Jackson's non-blocking parser reports the
   * byte after a token's first byte (it notes the location once it has read that byte).
   */
  private int tokenStart() {
    return (int) (locationBase + parser.currentTokenLocation().getByteOffset()) - (fed ? 1 : 0);
  }

  /** Where in {@link #input} the parser is: just after the current token, if it is complete. */
  private int position() {
    return (int) (locationBase + parser.currentLocation().getByteOffset());
  }

  /**
   * Skips the rest of the list or dict whose start token was just read; returns its number of
   * elements, or of values for a dict.
   */
  private int skipContainer() throws IOException {
    int depth = 0;
    int size = 0;
    if (this.depth + 1 > maxNesting) {
      throw DecodeLimits.tooDeep(serializer, maxNesting);
    }
    while (true) {
      JsonToken t = next();
      if (t == null) {
        throw new ProtocolViolationException("the message ends inside a list or dict");
      }
      if (t.isStructEnd()) {
        if (depth == 0) {
          return size;
        }
        depth--;
      } else if (t == JsonToken.FIELD_NAME) {
        Values.unicode(parser.currentName());
      } else {
        check(t);
        count();
        if (depth == 0) {
          size++;
        }
        if (t.isStructStart() && this.depth + 1 + ++depth > maxNesting) {
          throw DecodeLimits.tooDeep(serializer, maxNesting);
        }
      }
    }
  }

  /**
   * What reading a skipped payload value would refuse ({@link Values}), so that a payload accepted
   * on arrival can be converted for any receiver. Only Jackson's path skips payloads this way.
   */
  private void check(JsonToken t) throws IOException {
    switch (t) {
      case VALUE_STRING -> {
        if (json) {
          Values.unicode(parser.getText());
        }
      }
      case VALUE_NUMBER_INT -> {
        if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          Values.integer(parser.getBigIntegerValue());
        }
      }
      case VALUE_NUMBER_FLOAT -> Values.finite(parser.getDoubleValue());
      default -> {}
    }
  }

  private void count() {
    if (++elements > maxElements) {
      throw DecodeLimits.tooMany(maxElements);
    }
  }

  /** Whether JSON text holds an escaped NUL character, which starts a binary string. */
  private static boolean hasNulEscape(Encoded.Bytes bytes) {
    byte[] b = bytes.buffer();
    for (int i = bytes.offset(), end = i + bytes.length() - 5; i < end; i++) {
      if (b[i] == '\\'
          && b[i + 1] == 'u'
          && b[i + 2] == '0'
          && b[i + 3] == '0'
          && b[i + 4] == '0'
          && b[i + 5] == '0') {
        return true;
      }
    }
    return false;
  }

  /** {@link #withBytes(Object, Encoded.Bytes)} for the {@code length} bytes at {@code start}. */
  private Object withBytes(Object v, int start, int length) {
    return length > 0 ? withBytes(v, new Encoded.Bytes(serializer, input, start, length)) : v;
  }

  /**
   * The payload value {@code v} with the bytes it was read from, when it is a non-empty list or
   * dict (the ones worth forwarding as bytes); else {@code v}.
   */
  @SuppressWarnings("unchecked")
  static Object withBytes(Object v, Encoded.Bytes bytes) {
    if (v instanceof List<?> l && !l.isEmpty()) {
      return new EncodedList((List<Object>) l, bytes);
    }
    if (v instanceof Map<?, ?> m && !m.isEmpty()) {
      return new EncodedMap((Map<String, Object>) m, bytes);
    }
    return v;
  }

  /**
   * The next token. A fed parser answers "not available" where the input ends before the value
   * does; a message is one whole frame, so that is the end of the message.
   */
  private JsonToken next() throws IOException {
    JsonToken t = parser.nextToken();
    if (t == JsonToken.NOT_AVAILABLE) {
      throw new ProtocolViolationException("invalid JSON: the message ends inside a list or dict");
    }
    return t;
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
   * Whether bytes follow the message. Jackson's parsers return {@code null} at the end of input.
   */
  private boolean hasTrailingData() throws IOException {
    if (fed) {
      // Only white space may follow, and the parser must take it now: the next message is fed
      // to it next, and anything else left over would be taken as that message's start.
      for (int i = position(), end = offset + length; i < end; i++) {
        byte b = input[i];
        if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
          return true;
        }
      }
      return parser.nextToken() != JsonToken.NOT_AVAILABLE;
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
            default -> Values.integer(parser.getBigIntegerValue());
          };
      case VALUE_NUMBER_FLOAT -> Values.finite(parser.getDoubleValue());
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      case VALUE_EMBEDDED_OBJECT -> readEmbedded();
      default -> throw new ProtocolViolationException("unexpected " + token.asString());
    };
  }

  private List<Object> readList() throws IOException {
    enter();
    // Room for a whole WAMP message, the largest list most messages hold, without regrowing.
    List<Object> list = new ArrayList<>(7);
    JsonToken t;
    while ((t = next()) != JsonToken.END_ARRAY) {
      count();
      Object v = read(t);
      list.add(v == UNDEFINED ? null : v);
    }
    depth--;
    return list;
  }

  private Map<String, Object> readDict() throws IOException {
    enter();
    JsonToken t = next();
    if (t == JsonToken.END_OBJECT) {
      depth--;
      // Most Options and Details dicts are empty: one shared immutable map, nothing allocated.
      return Map.of();
    }
    Map<String, Object> dict = new LinkedHashMap<>();
    for (; t != JsonToken.END_OBJECT; t = next()) {
      if (t != JsonToken.FIELD_NAME) {
        throw new ProtocolViolationException("dict keys must be strings");
      }
      String key = Values.unicode(parser.currentName());
      if (!json) {
        Values.binaryText(key);
      }
      count();
      Object v = read(next());
      if (v != UNDEFINED) {
        dict.put(key, v);
      }
    }
    depth--;
    return dict;
  }

  /**
   * One level deeper into lists and dicts. Jackson's JSON and CBOR parsers stop at {@link
   * #MAX_NESTING} themselves; this check applies the configured limit, and keeps the recursion
   * bounded whatever the parser does.
   */
  private void enter() {
    if (++depth > maxNesting) {
      throw DecodeLimits.tooDeep(serializer, maxNesting);
    }
  }

  private Object readString() throws IOException {
    String s = Values.unicode(parser.getText());
    if (!json) {
      return Values.binaryText(s);
    }
    if (!s.isEmpty() && s.charAt(0) == '\0') {
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
