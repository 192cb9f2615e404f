package io.quarkbar.wamp.router.authentication;

import io.quarkbar.wamp.protocol.message.Challenge;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.config.AuthMethod;
import io.quarkbar.wamp.router.config.DynamicProcedure;
import io.quarkbar.wamp.router.config.MethodConfig;
import io.quarkbar.wamp.router.config.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ticket authentication: CHALLENGE "ticket", and the client's AUTHENTICATE carries the ticket. A
 * static principal's ticket is compared in constant time, as given or as its SHA-256 ({@code
 * sha256:<hex>}); a dynamic authenticator gets the ticket in {@code details["ticket"]}.
 */
final class TicketAuth implements AuthMethodHandler {

  /** Marks a ticket given as its SHA-256 in hex. */
  static final String SHA256_PREFIX = "sha256:";

  private static final Challenge CHALLENGE = new Challenge("ticket", Map.of());

  private final MethodConfig config;
  private final Authentication authentication;

  TicketAuth(MethodConfig config, Authentication authentication) {
    this.config = config;
    this.authentication = authentication;
  }

  @Override
  public void start(JoinAttempt attempt) {
    String authid = attempt.requestedAuthid();
    if (config.authenticator().isPresent()) {
      DynamicProcedure authenticator = config.authenticator().get();
      attempt.challenge(
          CHALLENGE,
          (session, authenticate) ->
              askAuthenticator(attempt, authenticator, authid, authenticate.signature()));
      return;
    }
    if (authid == null) {
      attempt.deny(null, WampUris.NO_SUCH_PRINCIPAL, "ticket authentication needs an authid");
      return;
    }
    Principal principal = config.principals().get(authid);
    if (principal == null) {
      attempt.deny(authid, WampUris.NO_SUCH_PRINCIPAL, "no principal " + authid);
      return;
    }
    attempt.challenge(
        CHALLENGE,
        (session, authenticate) -> {
          if (matches(principal.secret(), authenticate.signature())) {
            attempt.grant(
                new Grant(
                    authid,
                    principal.role(),
                    AuthMethod.TICKET.wampName(),
                    Grant.STATIC,
                    Map.of()));
          } else {
            attempt.deny(authid, WampUris.AUTHENTICATION_DENIED, "wrong ticket for " + authid);
          }
        });
  }

  private void askAuthenticator(
      JoinAttempt attempt, DynamicProcedure authenticator, String authid, String ticket) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("authmethod", AuthMethod.TICKET.wampName());
    details.put("ticket", ticket);
    if (authid != null) {
      details.put("authid", authid);
    }
    details.put("authextra", attempt.authextra());
    details.put("transport", Map.of("peer", attempt.session().transport().remoteAddress()));
    DynamicAuthenticator.ask(
        authentication,
        authenticator,
        attempt,
        authid,
        details,
        reply -> {
          String granted = reply.authid() != null ? reply.authid() : authid;
          if (granted == null) {
            attempt.fail(
                null,
                WampUris.AUTHENTICATION_FAILED,
                "neither the client nor the authenticator named an authid");
            return;
          }
          attempt.grant(
              new Grant(
                  granted,
                  reply.role(),
                  AuthMethod.TICKET.wampName(),
                  Grant.DYNAMIC,
                  reply.extra()));
        });
  }

  /** Whether {@code ticket} is the configured one, compared in constant time. */
  static boolean matches(String configured, String ticket) {
    byte[] given = ticket.getBytes(StandardCharsets.UTF_8);
    if (configured.startsWith(SHA256_PREFIX)) {
      byte[] expected;
      try {
        expected = HexFormat.of().parseHex(configured.substring(SHA256_PREFIX.length()));
      } catch (IllegalArgumentException e) {
        return false;
      }
      return MessageDigest.isEqual(expected, sha256(given));
    }
    // Hashing both sides first makes the comparison's time independent of the lengths too.
    return MessageDigest.isEqual(
        sha256(configured.getBytes(StandardCharsets.UTF_8)), sha256(given));
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
