package io.quarkbar.wamp.protocol.codec;

/**
 * Bytes that are not a valid WAMP message: undecodable, not a list, an unknown type code, or an
 * element of the wrong type or count. A router answers it with ABORT {@code
 * wamp.error.protocol_violation} and closes that one session; the message says what was wrong.
 */
public class ProtocolViolationException extends RuntimeException {

  public ProtocolViolationException(String message) {
    super(message, null, false, false);
  }

  public ProtocolViolationException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
