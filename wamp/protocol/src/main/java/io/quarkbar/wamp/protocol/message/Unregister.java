package io.quarkbar.wamp.protocol.message;

/** {@code [UNREGISTER, Request|id, REGISTERED.Registration|id]}. */
public record Unregister(long request, long registration) implements WampMessage {
  public static final int CODE = 66;

  @Override
  public int code() {
    return CODE;
  }
}
