package io.quarkbar.wamp.protocol.message;

import java.util.Map;

/** {@code [CANCEL, CALL.Request|id, Options|dict]} (Advanced Profile, call canceling). */
public record Cancel(long request, Map<String, Object> options) implements WampMessage {
  public static final int CODE = 49;

  @Override
  public int code() {
    return CODE;
  }
}
