package io.quarkbar.wamp.protocol.message;

/** {@code [SUBSCRIBED, SUBSCRIBE.Request|id, Subscription|id]}. */
public record Subscribed(long request, long subscription) implements WampMessage {
  public static final int CODE = 33;

  @Override
  public int code() {
    return CODE;
  }
}
