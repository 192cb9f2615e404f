package io.quarkbar.wamp.protocol.message;

import java.util.Map;

/** {@code [HELLO, Realm|uri, Details|dict]}: a client asks to join a realm. */
public record Hello(String realm, Map<String, Object> details) implements WampMessage {
  public static final int CODE = 1;

  @Override
  public int code() {
    return CODE;
  }
}
