package io.quarkbar.wamp.router.authentication;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.quarkbar.wamp.protocol.message.Challenge;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.config.AuthMethod;
import io.quarkbar.wamp.router.config.DynamicProcedure;
import io.quarkbar.wamp.router.config.MethodConfig;
import io.quarkbar.wamp.router.config.Principal;
import io.quarkbar.wamp.router.config.Principal.CraSalt;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * WAMP Challenge-Response Authentication: the router sends a JSON string with a random nonce, and
 * the client answers with base64(HMAC-SHA256(key, that string)). The key is the principal's secret
 * as configured. A salted principal's CHALLENGE also carries {@code salt}, {@code iterations} and
 * {@code keylen}: the client then derives its key from its password with PBKDF2-HMAC-SHA256 and
 * base64s it, as Autobahn does, and the configured secret is that derived key (so the router never
 * needs the password). A dynamic authenticator answers the secret (and salt) with the role.
 */
final class WampCraAuth implements AuthMethodHandler {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final JsonFactory JSON = new JsonFactory();

  private final MethodConfig config;
  private final Authentication authentication;

  WampCraAuth(MethodConfig config, Authentication authentication) {
    this.config = config;
    this.authentication = authentication;
  }

  @Override
  public void start(JoinAttempt attempt) {
    String authid = attempt.requestedAuthid();
    if (authid == null) {
      attempt.deny(null, WampUris.NO_SUCH_PRINCIPAL, "wampcra authentication needs an authid");
      return;
    }
    if (config.authenticator().isPresent()) {
      askAuthenticator(attempt, config.authenticator().get(), authid);
      return;
    }
    Principal principal = config.principals().get(authid);
    if (principal == null) {
      attempt.deny(authid, WampUris.NO_SUCH_PRINCIPAL, "no principal " + authid);
      return;
    }
    challenge(attempt, authid, principal, Grant.STATIC, Map.of());
  }

  private void askAuthenticator(
      JoinAttempt attempt, DynamicProcedure authenticator, String authid) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("authmethod", AuthMethod.WAMPCRA.wampName());
    details.put("authid", authid);
    details.put("authextra", attempt.authextra());
    details.put("transport", Map.of("peer", attempt.session().transport().remoteAddress()));
    DynamicAuthenticator.ask(
        authentication,
        authenticator,
        attempt,
        authid,
        details,
        reply -> {
          if (!(reply.all().get("secret") instanceof String secret) || secret.isEmpty()) {
            attempt.fail(
                authid,
                WampUris.AUTHENTICATION_FAILED,
                "the authenticator "
                    + authenticator.procedure()
                    + " answered no secret for wampcra");
            return;
          }
          Optional<CraSalt> salt = Optional.empty();
          if (reply.all().get("salt") instanceof String s) {
            salt =
                Optional.of(
                    new CraSalt(
                        s,
                        intOr(reply.all().get("iterations"), 1000),
                        intOr(reply.all().get("keylen"), 32)));
          }
          String granted = reply.authid() != null ? reply.authid() : authid;
          challenge(
              attempt,
              granted,
              new Principal(reply.role(), secret, salt),
              Grant.DYNAMIC,
              reply.extra());
        });
  }

  private static int intOr(Object value, int otherwise) {
    return value instanceof Number n ? n.intValue() : otherwise;
  }

  private void challenge(
      JoinAttempt attempt,
      String authid,
      Principal principal,
      String provider,
      Map<String, Object> authextra) {
    String challenge = challengeString(authid, principal.role(), provider);
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("challenge", challenge);
    principal
        .salt()
        .ifPresent(
            s -> {
              extra.put("salt", s.salt());
              extra.put("iterations", s.iterations());
              extra.put("keylen", s.keylen());
            });
    attempt.challenge(
        new Challenge(AuthMethod.WAMPCRA.wampName(), extra),
        (session, authenticate) -> {
          if (verify(principal.secret(), challenge, authenticate.signature())) {
            attempt.grant(
                new Grant(
                    authid, principal.role(), AuthMethod.WAMPCRA.wampName(), provider, authextra));
          } else {
            attempt.deny(authid, WampUris.AUTHENTICATION_DENIED, "wrong signature for " + authid);
          }
        });
  }

  /** The challenge Crossbar sends, so that every WAMP-CRA client signs what it expects. */
  private static String challengeString(String authid, String authrole, String provider) {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("authid", authid);
      g.writeStringField("authrole", authrole);
      g.writeStringField("authmethod", AuthMethod.WAMPCRA.wampName());
      g.writeStringField("authprovider", provider);
      g.writeStringField("nonce", Base64.getEncoder().encodeToString(nonce));
      g.writeStringField("timestamp", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Whether {@code signature} is base64(HMAC-SHA256(secret, challenge)), in constant time. */
  static boolean verify(String secret, String challenge, String signature) {
    byte[] given;
    try {
      given = Base64.getDecoder().decode(signature.strip());
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(hmac(secret, challenge), given);
  }

  static byte[] hmac(String key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }
}
