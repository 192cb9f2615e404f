package io.quarkbar.wamp.protocol.message;

/**
 * {@code [EVENT_RECEIVED, EVENT.Publication|id]}: an experimental delivery acknowledgement (the
 * test vectors say 37 on ratification).
 */
public record EventReceived(long publication) implements WampMessage {
  public static final int CODE = 337;

  @Override
  public int code() {
    return CODE;
  }
}
