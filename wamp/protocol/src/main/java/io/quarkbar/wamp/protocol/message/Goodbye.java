package io.quarkbar.wamp.protocol.message;

import java.util.Map;

/** {@code [GOODBYE, Details|dict, Reason|uri]}: a peer closes the session; the other echoes it. */
public record Goodbye(Map<String, Object> details, String reason) implements WampMessage {
  public static final int CODE = 6;

  @Override
  public int code() {
    return CODE;
  }
}
