package io.quarkbar.wamp.protocol.codec;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Typed, checked access to the elements of one wire list; every failure names the element. */
final class Fields {

  private final List<?> wire;

  Fields(List<?> wire) {
    this.wire = wire;
  }

  int messageType() {
    Object type = wire.getFirst();
    if (!isIntegral(type)) {
      throw new ProtocolViolationException(
          "the message type must be an integer, got " + kind(type));
    }
    return (int) Math.min(Integer.MAX_VALUE, Math.max(Integer.MIN_VALUE, asLong(type)));
  }

  void count(String message, int min, int max) {
    int n = wire.size();
    if (n < min || n > max) {
      String expected = min == max ? String.valueOf(min) : min + " to " + max;
      throw new ProtocolViolationException(
          message + " must have " + expected + " elements, got " + n);
    }
  }

  String string(int index, String name) {
    Object v = wire.get(index);
    if (v instanceof String s) {
      return s;
    }
    throw wrongType(name, "a string", v);
  }

  long integer(int index, String name) {
    Object v = wire.get(index);
    if (isIntegral(v)) {
      return asLong(v);
    }
    throw wrongType(name, "an integer", v);
  }

  /**
   * An ID in [0, 2^53]. An integral float is accepted: wampy encodes integers of 2^32 and more as
   * float64. Zero is accepted because some clients use it for "no request" (e.g. an ERROR to a
   * message that had none); the router never hands it out.
   */
  long id(int index, String name) {
    Object v = wire.get(index);
    if (isIntegral(v)) {
      long id = asLong(v);
      if (id >= 0 && id <= MessageCodec.MAX_ID) {
        return id;
      }
      throw new ProtocolViolationException(name + " must be an ID in [0, 2^53], got " + v);
    }
    throw wrongType(name, "an ID", v);
  }

  Map<String, Object> dict(int index, String name) {
    Object v = wire.get(index);
    if (v instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, Object> dict = (Map<String, Object>) m;
      // An option that is null (CBOR "undefined" from wampy, JSON null) means "not set", like an
      // absent key; decoded dicts are ours to change.
      if (hasNullValue(dict)) {
        dict.values().removeIf(Objects::isNull);
      }
      OptionsValidator.validate(name, dict);
      return dict;
    }
    throw wrongType(name, "a dict", v);
  }

  /** Without {@code containsValue(null)}, which immutable maps refuse. */
  private static boolean hasNullValue(Map<String, Object> dict) {
    for (Object v : dict.values()) {
      if (v == null) {
        return true;
      }
    }
    return false;
  }

  Map<String, Object> optionalDict(int index, String name) {
    return index < wire.size() ? dict(index, name) : Map.of();
  }

  List<Object> args(int index) {
    return args(index, Map.of());
  }

  /** Arguments; a transparent (payload passthru) payload when {@code dict} announces one. */
  @SuppressWarnings("unchecked")
  /** Whether the payload at {@code index} is the last element, but for an empty ArgumentsKw. */
  private boolean nothingFollows(int index) {
    return index == wire.size() - 1
        || (index == wire.size() - 2 && wire.getLast() instanceof Map<?, ?> kw && kw.isEmpty());
  }

  List<Object> args(int index, Map<String, Object> dict) {
    if (index >= wire.size()) {
      return List.of();
    }
    Object v = wire.get(index);
    if (v != null && Payloads.isTransparent(dict) && nothingFollows(index)) {
      // One opaque value, whatever its type: a list of one element must not lose its brackets
      // when it is written back unwrapped. An empty ArgumentsKw after it changes nothing (the
      // writer leaves it out): Autobahn|JS always sends one.
      return List.of(v);
    }
    if (v instanceof List<?> l) {
      return (List<Object>) l;
    }
    throw wrongType("Arguments", "a list", v);
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> kwargs(int index) {
    if (index >= wire.size()) {
      return Map.of();
    }
    Object v = wire.get(index);
    if (v instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw wrongType("ArgumentsKw", "a dict", v);
  }

  static boolean isIntegral(Object v) {
    return switch (v) {
      case Long l -> true;
      case Integer i -> true;
      case Short s -> true;
      case Byte b -> true;
      case BigInteger b -> b.bitLength() < 64;
      case Double d -> d == Math.rint(d) && !d.isInfinite() && Math.abs(d) <= 0x1p62;
      case Float x -> x == Math.rint(x) && !x.isInfinite() && Math.abs(x) <= 0x1p62;
      case null, default -> false;
    };
  }

  static long asLong(Object v) {
    return ((Number) v).longValue();
  }

  static String kind(Object v) {
    return switch (v) {
      case null -> "null";
      case String s -> "a string";
      case Boolean b -> "a bool";
      case Map<?, ?> m -> "a dict";
      case List<?> l -> "a list";
      case byte[] b -> "binary";
      case Number n -> isIntegral(n) ? "an integer" : "a float";
      default -> v.getClass().getSimpleName();
    };
  }

  private static ProtocolViolationException wrongType(String name, String expected, Object v) {
    return new ProtocolViolationException(name + " must be " + expected + ", got " + kind(v));
  }
}
