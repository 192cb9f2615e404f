package io.quarkbar.wamp.protocol.message;

import java.util.Map;

/**
 * {@code [UNREGISTERED, UNREGISTER.Request|id, Details|dict]}; Details only for a revocation
 * (Advanced Profile).
 */
public record Unregistered(long request, Map<String, Object> details) implements WampMessage {
  public static final int CODE = 67;

  @Override
  public int code() {
    return CODE;
  }
}
