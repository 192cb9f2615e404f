package io.quarkbar.wamp.router.authorization;

import io.quarkbar.wamp.protocol.uri.UriValidator;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.config.Action;
import io.quarkbar.wamp.router.config.MatchPolicy;
import io.quarkbar.wamp.router.config.Permission;
import io.quarkbar.wamp.router.session.Session;

/**
 * Why a request is refused: the ERROR URI and a sentence for the client. The checks that SUBSCRIBE
 * and REGISTER share live here, so that a topic and a procedure are judged by the same rules.
 */
public record Refusal(String error, String message) {

  /**
   * Not refused, not allowed yet: the dynamic authorizer must be asked ({@link Authorizer#ask}).
   */
  public static final Refusal UNDECIDED = new Refusal("", "");

  /**
   * Why {@code permission} (from {@link Authorizer#permission(Session, String, Action)}) does not
   * let {@code role} do {@code action} on {@code uri}, or {@code null} when it does.
   */
  public static Refusal unless(Permission permission, String role, Action action, String uri) {
    if (permission == Authorizer.ASK) {
      return UNDECIDED;
    }
    String verb = action.name().toLowerCase(java.util.Locale.ROOT);
    if (permission == Authorizer.FAILED) {
      return new Refusal(
          WampUris.AUTHORIZATION_FAILED,
          "the authorizer could not decide whether role " + role + " may " + verb + " " + uri);
    }
    if (permission == null || !permission.allow().contains(action)) {
      return new Refusal(WampUris.NOT_AUTHORIZED, "role " + role + " may not " + verb + " " + uri);
    }
    return null;
  }

  /**
   * Why {@code session} may not {@code action} (subscribe or register) the pattern {@code uri}
   * under {@code match}, or {@code null} when it may: the pattern must be a valid URI pattern, a
   * registration must not lie under the router's reserved {@code wamp.} prefix, and the session's
   * role must allow the action; {@link #UNDECIDED} when the dynamic authorizer must be asked.
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
    // The router's meta events may be subscribed to (as the role allows), never its procedures
    // registered: those are the router's own.
    if (action == Action.REGISTER && UriValidator.isReserved(uri)) {
      return new Refusal(WampUris.NOT_AUTHORIZED, what + "s under wamp. are reserved");
    }
    return unless(
        authorizer.permission(session, uri, action), session.identity().authrole(), action, uri);
  }
}
