package io.quarkbar.wamp.protocol.message;

import java.util.Map;

/** {@code [WELCOME, Session|id, Details|dict]}: the router opened the session. */
public record Welcome(long session, Map<String, Object> details) implements WampMessage {
  public static final int CODE = 2;

  @Override
  public int code() {
    return CODE;
  }
}
