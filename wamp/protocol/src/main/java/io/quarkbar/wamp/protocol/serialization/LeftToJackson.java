package io.quarkbar.wamp.protocol.serialization;

/**
 * Thrown by our own readers ({@link JsonValueReader}, {@link CborValueReader}) where they leave a
 * message to Jackson's parser: anything but the plain input they are written for, valid or not. One
 * instance without a stack trace, so that giving up costs next to nothing.
 */
final class LeftToJackson extends RuntimeException {

  static final LeftToJackson INSTANCE = new LeftToJackson();

  private LeftToJackson() {
    super("left to Jackson's parser", null, false, false);
  }
}
