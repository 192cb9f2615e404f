package io.quarkbar.wamp.protocol.message;

import java.util.Map;

/** {@code [AUTHENTICATE, Signature|string, Extra|dict]}: the client answers a challenge. */
public record Authenticate(String signature, Map<String, Object> extra) implements WampMessage {
  public static final int CODE = 5;

  @Override
  public int code() {
    return CODE;
  }
}
