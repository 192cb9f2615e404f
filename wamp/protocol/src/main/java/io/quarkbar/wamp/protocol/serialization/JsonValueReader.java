package io.quarkbar.wamp.protocol.serialization;

import io.quarkbar.wamp.protocol.codec.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the JSON that WAMP clients write, into the same values as {@link ValueReader} gets through
 * Jackson, and gives up on anything else: then {@link Serializer} reads the message through
 * Jackson, whose values and error messages stay the reference.
 *
 * <p>Why by hand: Jackson's per-thread non-blocking parser was half of the JSON WAMP work per call
 * (a state machine that costs 15 to 20 ns per token), and its blocking parser cannot be reset to
 * new input. This reader takes the plain part of JSON: outside the payload, integers of up to 18
 * digits, strings without escapes, {@code true}, {@code false}, {@code null}, lists and dicts; the
 * payload (Arguments and ArgumentsKw) is only checked and measured, as {@link ValueReader} does,
 * with escapes and numbers of every form. It gives up on floats and escapes outside the payload, a
 * {@code \u0000} escape anywhere (binary, decoded at once by Jackson), control characters, invalid
 * UTF-8, numbers of more than 100 characters, nesting of 100 and more, and anything that is not
 * JSON. So it never refuses a message and never reads one differently: where it answers, Jackson
 * would have answered the same.
 */
final class JsonValueReader {

  /** Deeper than this is left to Jackson, which enforces {@link DecodeLimits}. */
  private static final int MAX_DEPTH = 100;

  /** Longer numbers are left to Jackson, which has limits of its own for them. */
  private static final int MAX_NUMBER_LENGTH = 100;

  private final byte[] in;
  private final int end;
  private int pos;
  private int depth;

  /** Values read or skipped so far, and the limits ({@link DecodeLimits}) for this message. */
  private int elements;

  private final int maxNesting = DecodeLimits.maxNesting();
  private final int maxElements = DecodeLimits.maxElements();

  private JsonValueReader(byte[] in, int offset, int length) {
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
    return new JsonValueReader(bytes, offset, length).message();
  }

  private List<Object> message() {
    if (nextToken() != '[') {
      throw LeftToJackson.INSTANCE;
    }
    pos++;
    depth = 1;
    List<Object> message = new ArrayList<>(7);
    if (nextToken() == ']') {
      pos++;
    } else {
      int payloadAt = -1;
      while (true) {
        int index = message.size();
        Object v;
        if (ValueReader.isPayload(index, payloadAt)) {
          v = payload();
        } else {
          v = value();
          if (index == 0 && v instanceof Long code) {
            payloadAt = MessageCodec.payloadIndex(code);
          }
        }
        message.add(v);
        if (!endOfElement(']')) {
          break;
        }
      }
    }
    while (pos < end && isWhitespace(in[pos])) {
      pos++;
    }
    if (pos != end) {
      throw LeftToJackson.INSTANCE; // trailing data
    }
    return message;
  }

  // --- values, outside the payload ---

  private Object value() {
    return switch (nextToken()) {
      case '"' -> string();
      case '{' -> dict();
      case '[' -> list();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> integer();
    };
  }

  private List<Object> list() {
    pos++;
    enter();
    List<Object> list = new ArrayList<>(7);
    if (nextToken() == ']') {
      pos++;
    } else {
      do {
        count();
        list.add(value());
      } while (endOfElement(']'));
    }
    depth--;
    return list;
  }

  private Map<String, Object> dict() {
    pos++;
    enter();
    if (nextToken() == '}') {
      pos++;
      depth--;
      // Most Options and Details dicts are empty: one shared immutable map, nothing allocated.
      return Map.of();
    }
    Map<String, Object> dict = new LinkedHashMap<>();
    do {
      if (nextToken() != '"') {
        throw LeftToJackson.INSTANCE;
      }
      String key = string();
      colon();
      count();
      dict.put(key, value());
    } while (endOfElement('}'));
    depth--;
    return dict;
  }

  /** A string without escapes or control characters, in valid UTF-8; at its opening quote. */
  private String string() {
    int start = ++pos;
    boolean ascii = true;
    while (true) {
      if (pos >= end) {
        throw LeftToJackson.INSTANCE;
      }
      int b = in[pos];
      if (b == '"') {
        break;
      }
      if (b == '\\' || (b >= 0 && b < 0x20)) {
        throw LeftToJackson.INSTANCE;
      }
      if (b < 0) {
        ascii = false;
        utf8Sequence();
      } else {
        pos++;
      }
    }
    String s =
        new String(
            in, start, pos - start, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    pos++;
    return s;
  }

  /** An integer of at most 18 digits, as a {@link Long}. */
  private Long integer() {
    boolean negative = pos < end && in[pos] == '-';
    if (negative) {
      pos++;
    }
    int digitsAt = pos;
    long v = 0;
    while (pos < end && in[pos] >= '0' && in[pos] <= '9') {
      v = v * 10 + (in[pos++] - '0');
    }
    int digits = pos - digitsAt;
    if (digits == 0
        || digits > 18
        || (digits > 1 && in[digitsAt] == '0')
        || (pos < end && (in[pos] == '.' || in[pos] == 'e' || in[pos] == 'E'))) {
      throw LeftToJackson.INSTANCE; // not an integer, a float, or too long for this reader
    }
    return negative ? -v : v;
  }

  private Object literal(String word, Object value) {
    int n = word.length();
    if (end - pos < n) {
      throw LeftToJackson.INSTANCE;
    }
    for (int i = 0; i < n; i++) {
      if (in[pos + i] != word.charAt(i)) {
        throw LeftToJackson.INSTANCE;
      }
    }
    pos += n;
    return value;
  }

  // --- the payload: checked and measured, not decoded ---

  /**
   * Arguments or ArgumentsKw: a non-empty list or dict becomes an {@link EncodedList} or {@link
   * EncodedMap} of its bytes, decoded only if someone looks into it, as {@link ValueReader} makes
   * them; anything else is read as a value.
   */
  private Object payload() {
    int token = nextToken();
    if (token != '[' && token != '{') {
      return value();
    }
    int start = pos;
    boolean list = token == '[';
    int size = skipContainer(list ? ']' : '}');
    if (size == 0) {
      return list ? List.of() : Map.of();
    }
    Encoded.Bytes bytes = new Encoded.Bytes(Serializer.JSON, in, start, pos - start);
    return list ? new EncodedList(size, bytes) : new EncodedMap(bytes);
  }

  private void skipValue() {
    switch (nextToken()) {
      case '"' -> skipString();
      case '[' -> skipContainer(']');
      case '{' -> skipContainer('}');
      case 't' -> literal("true", null);
      case 'f' -> literal("false", null);
      case 'n' -> literal("null", null);
      default -> skipNumber();
    }
  }

  /**
   * A list or dict, at its opening bracket, up to {@code close}; returns its number of elements (of
   * values, for a dict).
   */
  private int skipContainer(int close) {
    pos++;
    enter();
    int size = 0;
    if (nextToken() == close) {
      pos++;
    } else {
      do {
        if (close == '}') {
          if (nextToken() != '"') {
            throw LeftToJackson.INSTANCE;
          }
          skipString();
          colon();
        }
        count();
        skipValue();
        size++;
      } while (endOfElement(close));
    }
    depth--;
    return size;
  }

  /** A string with any escape but {@code \u0000}, at its opening quote. */
  private void skipString() {
    pos++;
    while (true) {
      if (pos >= end) {
        throw LeftToJackson.INSTANCE;
      }
      int b = in[pos];
      if (b == '"') {
        pos++;
        return;
      }
      if (b == '\\') {
        escape();
      } else if (b >= 0 && b < 0x20) {
        throw LeftToJackson.INSTANCE;
      } else if (b < 0) {
        utf8Sequence();
      } else {
        pos++;
      }
    }
  }

  /** One escape sequence, at its backslash. */
  private void escape() {
    if (end - pos < 2) {
      throw LeftToJackson.INSTANCE;
    }
    switch (in[pos + 1]) {
      case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> pos += 2;
      case 'u' -> {
        if (end - pos < 6) {
          throw LeftToJackson.INSTANCE;
        }
        int code = 0;
        for (int i = 2; i < 6; i++) {
          code = (code << 4) | hexDigit(in[pos + i]);
        }
        if (code == 0) {
          // The start of a binary value by the JSON convention: Jackson decodes those at once.
          throw LeftToJackson.INSTANCE;
        }
        pos += 6;
        if (Character.isSurrogate((char) code)) {
          lowSurrogate(code);
        }
      }
      default -> throw LeftToJackson.INSTANCE;
    }
  }

  /**
   * After a {@code \\u} escape of a surrogate: it must be a high one, followed at once by the
   * escape of a low one (a string must be Unicode, {@link Values}); else Jackson's path refuses it.
   */
  private void lowSurrogate(int high) {
    if (!Character.isHighSurrogate((char) high)
        || end - pos < 6
        || in[pos] != '\\'
        || in[pos + 1] != 'u') {
      throw LeftToJackson.INSTANCE;
    }
    int low = 0;
    for (int i = 2; i < 6; i++) {
      low = (low << 4) | hexDigit(in[pos + i]);
    }
    if (!Character.isLowSurrogate((char) low)) {
      throw LeftToJackson.INSTANCE;
    }
    pos += 6;
  }

  private static int hexDigit(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    throw LeftToJackson.INSTANCE;
  }

  /** A number as JSON writes it: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}. */
  private void skipNumber() {
    int start = pos;
    if (pos < end && in[pos] == '-') {
      pos++;
    }
    int intDigits = digits();
    if (intDigits == 0 || (intDigits > 1 && in[pos - intDigits] == '0')) {
      throw LeftToJackson.INSTANCE;
    }
    boolean integer = true;
    if (pos < end && in[pos] == '.') {
      integer = false;
      pos++;
      if (digits() == 0) {
        throw LeftToJackson.INSTANCE;
      }
    }
    boolean exponent = pos < end && (in[pos] == 'e' || in[pos] == 'E');
    if (exponent) {
      integer = false;
      pos++;
      if (pos < end && (in[pos] == '+' || in[pos] == '-')) {
        pos++;
      }
      if (digits() == 0) {
        throw LeftToJackson.INSTANCE;
      }
    }
    if (pos - start > MAX_NUMBER_LENGTH) {
      throw LeftToJackson.INSTANCE;
    }
    // What every serializer can carry (Values): a long integer within 64 bits, a finite float.
    // Rare in payloads, so checked by parsing the text; the rest is left to Jackson's path.
    if ((integer && intDigits > 18) || exponent) {
      String text = new String(in, start, pos - start, StandardCharsets.ISO_8859_1);
      try {
        if (integer) {
          Values.integer(new java.math.BigInteger(text));
        } else {
          Values.finite(Double.parseDouble(text));
        }
      } catch (io.quarkbar.wamp.protocol.codec.ProtocolViolationException e) {
        throw LeftToJackson.INSTANCE;
      }
    }
  }

  private int digits() {
    int start = pos;
    while (pos < end && in[pos] >= '0' && in[pos] <= '9') {
      pos++;
    }
    return pos - start;
  }

  // --- shared steps ---

  /**
   * One well-formed UTF-8 sequence of two to four bytes (RFC 3629: no overlong forms, no
   * surrogates, nothing above U+10FFFF), at its first byte.
   */
  private void utf8Sequence() {
    int b0 = in[pos] & 0xff;
    int n;
    int lo = 0x80;
    int hi = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      n = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      n = 3;
      if (b0 == 0xe0) {
        lo = 0xa0;
      } else if (b0 == 0xed) {
        hi = 0x9f;
      }
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      n = 4;
      if (b0 == 0xf0) {
        lo = 0x90;
      } else if (b0 == 0xf4) {
        hi = 0x8f;
      }
    } else {
      throw LeftToJackson.INSTANCE;
    }
    if (end - pos < n) {
      throw LeftToJackson.INSTANCE;
    }
    int b1 = in[pos + 1] & 0xff;
    if (b1 < lo || b1 > hi) {
      throw LeftToJackson.INSTANCE;
    }
    for (int i = 2; i < n; i++) {
      int b = in[pos + i] & 0xff;
      if (b < 0x80 || b > 0xbf) {
        throw LeftToJackson.INSTANCE;
      }
    }
    pos += n;
  }

  /**
   * After a list's element or a dict's value: true at a comma (another one follows), false at
   * {@code close} (the end), which is consumed either way.
   */
  private boolean endOfElement(int close) {
    int c = nextToken();
    pos++;
    if (c == ',') {
      return true;
    }
    if (c == close) {
      return false;
    }
    throw LeftToJackson.INSTANCE;
  }

  private void colon() {
    if (nextToken() != ':') {
      throw LeftToJackson.INSTANCE;
    }
    pos++;
  }

  /** The next byte that is not white space, not consumed; at the end of input, gives up. */
  private int nextToken() {
    while (pos < end) {
      byte b = in[pos];
      if (!isWhitespace(b)) {
        return b;
      }
      pos++;
    }
    throw LeftToJackson.INSTANCE;
  }

  private static boolean isWhitespace(byte b) {
    return b == ' ' || b == '\n' || b == '\r' || b == '\t';
  }

  /**
   * One level deeper. Beyond the configured limit the message is refused here, as Jackson would
   * refuse it; a deep message within the limit is left to Jackson, whose stack use is bounded.
   */
  private void enter() {
    if (++depth > maxNesting) {
      throw DecodeLimits.tooDeep(Serializer.JSON, maxNesting);
    }
    if (depth >= MAX_DEPTH) {
      throw LeftToJackson.INSTANCE;
    }
  }

  private void count() {
    if (++elements > maxElements) {
      throw DecodeLimits.tooMany(maxElements);
    }
  }
}
