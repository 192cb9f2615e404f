package io.quarkbar.wamp.protocol.message;

import java.util.Map;

/**
 * {@code [UNSUBSCRIBED, UNSUBSCRIBE.Request|id, Details|dict]}; Details only for a revocation
 * (Advanced Profile).
 */
public record Unsubscribed(long request, Map<String, Object> details) implements WampMessage {
  public static final int CODE = 35;

  @Override
  public int code() {
    return CODE;
  }
}
