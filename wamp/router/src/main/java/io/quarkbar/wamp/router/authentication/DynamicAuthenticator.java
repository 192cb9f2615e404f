package io.quarkbar.wamp.router.authentication;

import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.CallFailure;
import io.quarkbar.wamp.router.Stages;
import io.quarkbar.wamp.router.config.DynamicProcedure;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Asks a dynamic authenticator procedure about a join, as Crossbar does: it is called with {@code
 * (realm, authid, details)} and answers a role (a string) or a dict with at least {@code role}, and
 * optionally {@code authid} and {@code extra} (plus what the method needs, such as the WAMP-CRA
 * {@code secret}); or it answers an ERROR, which refuses the join.
 */
final class DynamicAuthenticator {

  /** Errors an authenticator may answer that reach the client as they are. */
  private static final Set<String> PASSED_ON =
      Set.of(
          WampUris.AUTHENTICATION_DENIED,
          WampUris.AUTHENTICATION_FAILED,
          WampUris.NO_SUCH_PRINCIPAL,
          WampUris.NO_SUCH_ROLE,
          WampUris.NOT_AUTHORIZED,
          WampUris.AUTHENTICATION_REQUIRED,
          WampUris.NO_MATCHING_AUTH_METHOD);

  /** What the authenticator answered. */
  record Reply(String role, String authid, Map<String, Object> extra, Map<String, Object> all) {}

  private DynamicAuthenticator() {}

  /**
   * Calls {@code authenticator}; {@code onReply} gets a well-formed answer, every other outcome
   * ends the attempt here with the reason.
   */
  static void ask(
      Authentication authentication,
      DynamicProcedure authenticator,
      JoinAttempt attempt,
      String authid,
      Map<String, Object> details,
      Consumer<Reply> onReply) {
    authentication
        .callAuthenticator(authenticator, attempt, authid, details)
        .whenComplete(
            (result, error) -> {
              if (error != null) {
                refused(authenticator, attempt, authid, Stages.cause(error));
                return;
              }
              Reply reply = parse(result);
              if (reply == null) {
                attempt.fail(
                    authid,
                    WampUris.AUTHENTICATION_FAILED,
                    "the authenticator "
                        + authenticator.procedure()
                        + " answered neither a role nor a dict with a role");
              } else {
                onReply.accept(reply);
              }
            });
  }

  private static void refused(
      DynamicProcedure authenticator, JoinAttempt attempt, String authid, Throwable error) {
    if (!(error instanceof CallFailure failure)) {
      attempt.fail(
          authid,
          WampUris.AUTHENTICATION_FAILED,
          "the authenticator " + authenticator.procedure() + " failed: " + error);
      return;
    }
    switch (failure.error()) {
      case WampUris.NO_SUCH_PROCEDURE ->
          attempt.fail(
              authid,
              WampUris.AUTHENTICATION_FAILED,
              "the authenticator "
                  + authenticator.procedure()
                  + " is not registered in realm "
                  + authenticator.realm());
      case WampUris.TIMEOUT ->
          attempt.fail(
              authid,
              WampUris.AUTHENTICATION_FAILED,
              "the authenticator "
                  + authenticator.procedure()
                  + " did not answer within "
                  + authenticator.timeout().toMillis()
                  + " ms");
      default -> {
        String uri =
            PASSED_ON.contains(failure.error()) ? failure.error() : WampUris.AUTHENTICATION_FAILED;
        String text = failure.text();
        attempt.deny(
            authid,
            uri,
            text != null ? text : "the authenticator refused (" + failure.error() + ")");
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Reply parse(Result result) {
    Object first = result.arguments().isEmpty() ? null : result.arguments().getFirst();
    if (first == null && !result.argumentsKw().isEmpty()) {
      first = result.argumentsKw();
    }
    if (first instanceof String role && !role.isEmpty()) {
      return new Reply(role, null, Map.of(), Map.of());
    }
    if (first instanceof Map<?, ?> m && m.get("role") instanceof String role && !role.isEmpty()) {
      Map<String, Object> all = (Map<String, Object>) m;
      String authid = all.get("authid") instanceof String s && !s.isEmpty() ? s : null;
      Map<String, Object> extra =
          all.get("extra") instanceof Map<?, ?> e ? (Map<String, Object>) e : Map.of();
      return new Reply(role, authid, extra, all);
    }
    return null;
  }
}
