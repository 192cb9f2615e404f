package io.quarkbar.wamp.protocol.message;

/** {@code [REGISTERED, REGISTER.Request|id, Registration|id]}. */
public record Registered(long request, long registration) implements WampMessage {
  public static final int CODE = 65;

  @Override
  public int code() {
    return CODE;
  }
}
