package io.quarkbar.wamp.protocol.message;

import java.util.Map;

/** {@code [INTERRUPT, INVOCATION.Request|id, Options|dict]} (Advanced Profile, call canceling). */
public record Interrupt(long request, Map<String, Object> options) implements WampMessage {
  public static final int CODE = 69;

  @Override
  public int code() {
    return CODE;
  }
}
