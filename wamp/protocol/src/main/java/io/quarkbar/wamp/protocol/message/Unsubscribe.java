package io.quarkbar.wamp.protocol.message;

/** {@code [UNSUBSCRIBE, Request|id, SUBSCRIBED.Subscription|id]}. */
public record Unsubscribe(long request, long subscription) implements WampMessage {
  public static final int CODE = 34;

  @Override
  public int code() {
    return CODE;
  }
}
