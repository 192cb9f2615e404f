package io.quarkbar.auth.api;

import io.quarkbar.auth.service.AuthException;
import io.quarkbar.wamp.client.WampException;
import io.quarkbar.wamp.protocol.uri.WampUris;

/** The API's error URIs (docs/api.md), and the service layer's refusals mapped to them. */
final class Errors {

  static final String USERNAME_TAKEN = "forum.error.username_taken";
  static final String LOGIN_FAILED = "forum.error.login_failed";
  static final String TOO_MANY_ATTEMPTS = "forum.error.too_many_attempts";

  private Errors() {}

  /** The WAMP error a caller gets for {@code e}, with its message. */
  static WampException toWamp(AuthException e) {
    String uri =
        switch (e.reason()) {
          case USERNAME_TAKEN -> USERNAME_TAKEN;
          case LOGIN_FAILED -> LOGIN_FAILED;
          case TOO_MANY_ATTEMPTS -> TOO_MANY_ATTEMPTS;
          case INVALID_TOKEN -> WampUris.AUTHENTICATION_FAILED;
        };
    return new WampException(uri, e.getMessage());
  }

  static WampException invalidArgument(String message) {
    return new WampException(WampUris.INVALID_ARGUMENT, message);
  }
}
