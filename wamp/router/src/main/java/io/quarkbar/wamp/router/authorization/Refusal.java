package io.quarkbar.wamp.router.authorization;

import io.quarkbar.wamp.protocol.uri.UriValidator;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.config.Action;
import io.quarkbar.wamp.router.config.MatchPolicy;
import io.quarkbar.wamp.router.session.Session;

/**
 * Why a request is refused: the ERROR URI and a sentence for the client. The checks that SUBSCRIBE
 * and REGISTER share live here, so that a topic and a procedure are judged by the same rules.
 */
public record Refusal(String error, String message) {

  /**
   * Why {@code session} may not {@code action} (subscribe or register) the pattern {@code uri}
   * under {@code match}, or {@code null} when it may: the pattern must be a valid URI pattern, must
   * not lie under the router's reserved {@code wamp.} prefix, and the session's role must allow the
   * action.
   */
  public static Refusal forPattern(
      Session session,
      String uri,
      MatchPolicy match,
      Action action,
      UriValidator uris,
      Authorizer authorizer) {
    String what = action == Action.SUBSCRIBE ? "topic" : "procedure";
    if (!uris.isValidPattern(uri, match.wampName())) {
      return new Refusal(WampUris.INVALID_URI, "invalid " + what + " " + uri);
    }
    if (UriValidator.isReserved(uri)) {
      return new Refusal(WampUris.NOT_AUTHORIZED, what + "s under wamp. are reserved");
    }
    String role = session.identity().authrole();
    if (!authorizer.isAllowed(role, uri, action)) {
      return new Refusal(
          WampUris.NOT_AUTHORIZED,
          "role "
              + role
              + " may not "
              + action.name().toLowerCase(java.util.Locale.ROOT)
              + " "
              + uri);
    }
    return null;
  }
}
