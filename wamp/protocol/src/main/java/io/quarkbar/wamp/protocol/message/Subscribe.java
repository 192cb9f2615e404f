package io.quarkbar.wamp.protocol.message;

import java.util.Map;

/** {@code [SUBSCRIBE, Request|id, Options|dict, Topic|uri]}. */
public record Subscribe(long request, Map<String, Object> options, String topic)
    implements WampMessage {
  public static final int CODE = 32;

  @Override
  public int code() {
    return CODE;
  }
}
