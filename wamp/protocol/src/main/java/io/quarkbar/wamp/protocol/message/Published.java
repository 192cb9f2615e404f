package io.quarkbar.wamp.protocol.message;

/**
 * {@code [PUBLISHED, PUBLISH.Request|id, Publication|id]}: sent only for an acknowledged publish.
 */
public record Published(long request, long publication) implements WampMessage {
  public static final int CODE = 17;

  @Override
  public int code() {
    return CODE;
  }
}
