package io.quarkbar.wamp.router.dealer;

import java.util.HashMap;
import java.util.Map;

/**
 * Payload passthru mode: the {@code ppt_*} options a sender sets are handed to the receiver as they
 * are (CALL → INVOCATION, YIELD → RESULT, ERROR → ERROR, PUBLISH → EVENT), and the payload, one
 * opaque binary argument, is forwarded without being decoded.
 */
public final class Passthru {

  private static final String[] KEYS = {"ppt_scheme", "ppt_serializer", "ppt_cipher", "ppt_keyid"};

  private Passthru() {}

  /** Whether {@code options} mark a passthru payload. */
  public static boolean isPassthru(Map<String, Object> options) {
    return !options.isEmpty() && options.containsKey("ppt_scheme");
  }

  /** Copies the {@code ppt_*} keys of {@code from} into {@code to}. */
  public static void copy(Map<String, Object> from, Map<String, Object> to) {
    for (String key : KEYS) {
      Object v = from.get(key);
      if (v != null) {
        to.put(key, v);
      }
    }
  }

  /** The {@code ppt_*} keys of {@code from} alone. */
  public static Map<String, Object> only(Map<String, Object> from) {
    Map<String, Object> d = new HashMap<>(4);
    copy(from, d);
    return d;
  }
}
