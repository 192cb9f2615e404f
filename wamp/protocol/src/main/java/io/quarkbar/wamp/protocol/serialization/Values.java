package io.quarkbar.wamp.protocol.serialization;

import io.quarkbar.wamp.protocol.codec.ProtocolViolationException;
import java.math.BigInteger;

/**
 * What every serializer can carry, checked on arrival: the router converts a message to the
 * receiver's serializer, so a value that one of them cannot write must be refused when it comes in,
 * not fail halfway through a delivery.
 *
 * <ul>
 *   <li>Strings are Unicode: no unpaired surrogate (msgpack and CBOR carry UTF-8, which has none).
 *   <li>A msgpack or CBOR string does not start with U+0000: in WAMP's JSON that marks base64
 *       binary, so a JSON receiver would get bytes, or nothing readable.
 *   <li>Integers lie in [-2^63, 2^64 - 1], what msgpack holds.
 *   <li>Floats are finite: JSON has no NaN or infinity.
 * </ul>
 */
final class Values {

  private static final BigInteger MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private Values() {}

  /** {@code s}, if it has no unpaired surrogate. */
  static String unicode(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          throw new ProtocolViolationException("a string holds an unpaired surrogate");
        }
      }
    }
    return s;
  }

  /** {@code s} from a binary serializer: Unicode, and not starting with U+0000. */
  static String binaryText(String s) {
    if (!s.isEmpty() && s.charAt(0) == '\0') {
      throw new ProtocolViolationException(
          "a string may not start with U+0000: WAMP's JSON would read it as binary");
    }
    return s;
  }

  static BigInteger integer(BigInteger v) {
    if (v.compareTo(MIN) < 0 || v.compareTo(MAX) > 0) {
      throw new ProtocolViolationException("an integer beyond what msgpack holds (64 bits): " + v);
    }
    return v;
  }

  static double finite(double d) {
    if (!Double.isFinite(d)) {
      throw new ProtocolViolationException("a float that is not finite: " + d);
    }
    return d;
  }
}
