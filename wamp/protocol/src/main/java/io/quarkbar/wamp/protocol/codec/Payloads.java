package io.quarkbar.wamp.protocol.codec;

import java.util.Map;

/**
 * Payload passthru mode (Advanced Profile): when Options or Details carry {@code ppt_scheme} or the
 * older {@code enc_algo}, the payload is one opaque value in place of {@code Arguments|list}. The
 * codec keeps it as the only element of the arguments list, and writes it back unwrapped when the
 * same keys are present, so that the router forwards it untouched.
 */
public final class Payloads {

  private Payloads() {}

  /**
   * Whether the message whose Options or Details are {@code dict} carries a transparent payload.
   */
  public static boolean isTransparent(Map<String, Object> dict) {
    return !dict.isEmpty() && (dict.containsKey("ppt_scheme") || dict.containsKey("enc_algo"));
  }
}
