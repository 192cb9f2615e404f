package io.quarkbar.wamp.protocol.message;

import java.util.Map;

/** {@code [REGISTER, Request|id, Options|dict, Procedure|uri]}. */
public record Register(long request, Map<String, Object> options, String procedure)
    implements WampMessage {
  public static final int CODE = 64;

  @Override
  public int code() {
    return CODE;
  }
}
