package io.quarkbar.wamp.protocol;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Brings plain values from different sources (Jackson databind, our own reader, hand-built
 * messages) to one comparable form: every integral number becomes a {@link BigInteger}, every
 * floating-point number a {@link Double} (so 3 and 3.0 stay different), binary a {@link Binary}
 * that compares by content, and collections their normalized copies. Map equality ignores key
 * order; list equality does not.
 */
public final class WireValues {

  /** Binary in a form whose {@code equals} compares content. */
  public record Binary(String hex) {
    @Override
    public String toString() {
      return "bin:" + hex;
    }
  }

  private WireValues() {}

  public static Object normalize(Object v) {
    return switch (v) {
      case null -> null;
      case BigInteger b -> b;
      case BigDecimal d -> d.doubleValue();
      case Double d -> d;
      case Float f -> f.doubleValue();
      case Number n -> BigInteger.valueOf(n.longValue());
      case byte[] b -> new Binary(HexFormat.of().formatHex(b));
      case Map<?, ?> m -> {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, x) -> out.put(String.valueOf(k), normalize(x)));
        yield out;
      }
      case List<?> l -> {
        List<Object> out = new ArrayList<>(l.size());
        l.forEach(x -> out.add(normalize(x)));
        yield out;
      }
      default -> v;
    };
  }

  public static Binary binary(String hex) {
    return new Binary(hex.toLowerCase(Locale.ROOT));
  }
}
