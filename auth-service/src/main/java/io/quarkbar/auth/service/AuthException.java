package io.quarkbar.auth.service;

/**
 * An expected refusal of the service layer: the reason says which, the message says it to a user.
 * The WAMP layer maps the reason to the API's error URI. No stack trace: nothing went wrong in the
 * code.
 */
public class AuthException extends RuntimeException {

  /** Why the request was refused. */
  public enum Reason {
    /** Registration of a username that exists. */
    USERNAME_TAKEN,
    /** Unknown username or wrong password: the caller is not told which. */
    LOGIN_FAILED,
    /** Too many failed logins for the username or from the session. */
    TOO_MANY_ATTEMPTS,
    /** A token that is unknown, expired, revoked, or another user's. */
    INVALID_TOKEN
  }

  private final Reason reason;

  public AuthException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
