package io.quarkbar.wamp.protocol.message;

import java.util.Map;

/**
 * {@code [CHALLENGE, AuthMethod|string, Extra|dict]}: the router asks the client to authenticate.
 */
public record Challenge(String authMethod, Map<String, Object> extra) implements WampMessage {
  public static final int CODE = 4;

  @Override
  public int code() {
    return CODE;
  }
}
