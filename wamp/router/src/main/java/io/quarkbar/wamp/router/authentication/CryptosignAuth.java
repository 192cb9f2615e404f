package io.quarkbar.wamp.router.authentication;

import io.quarkbar.wamp.protocol.message.Challenge;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.config.AuthMethod;
import io.quarkbar.wamp.router.config.DynamicProcedure;
import io.quarkbar.wamp.router.config.MethodConfig;
import io.quarkbar.wamp.router.config.Principal;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * WAMP-Cryptosign: the client names its Ed25519 public key in {@code
 * HELLO.Details.authextra.pubkey} (hex), the router sends 32 random bytes (hex) and checks the
 * client's Ed25519 signature of them with the JDK's own EdDSA. Static principals list their public
 * key; a dynamic authenticator gets the key in {@code details["authextra"]["pubkey"]} and answers
 * the role (and the authid).
 *
 * <p>Channel binding ({@code tls-unique}) is not implemented: a client that asks for it is refused
 * rather than silently authenticated without it.
 */
final class CryptosignAuth implements AuthMethodHandler {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  /** The DER header of an X.509 SubjectPublicKeyInfo for a raw 32-byte Ed25519 key. */
  private static final byte[] X509_ED25519_PREFIX = HEX.parseHex("302a300506032b6570032100");

  private final MethodConfig config;
  private final Authentication authentication;
  private final Map<String, String> authidByKey = new HashMap<>();

  CryptosignAuth(MethodConfig config, Authentication authentication) {
    this.config = config;
    this.authentication = authentication;
    config
        .principals()
        .forEach((authid, p) -> authidByKey.put(p.secret().toLowerCase(Locale.ROOT), authid));
  }

  @Override
  public void start(JoinAttempt attempt) {
    String authid = attempt.requestedAuthid();
    Map<String, Object> authextra = attempt.authextra();
    if (authextra.get("channel_binding") != null) {
      attempt.deny(
          authid,
          WampUris.AUTHENTICATION_FAILED,
          "channel binding " + authextra.get("channel_binding") + " is not supported");
      return;
    }
    if (!(authextra.get("pubkey") instanceof String hex) || publicKey(hex) == null) {
      attempt.deny(
          authid,
          WampUris.AUTHENTICATION_DENIED,
          "cryptosign needs HELLO.Details.authextra.pubkey: an Ed25519 public key in hex");
      return;
    }
    String pubkey = hex.toLowerCase(Locale.ROOT);
    if (config.authenticator().isPresent()) {
      askAuthenticator(attempt, config.authenticator().get(), authid, pubkey);
      return;
    }
    String owner = authidByKey.get(pubkey);
    if (owner == null || (authid != null && !authid.equals(owner))) {
      attempt.deny(
          authid,
          WampUris.NO_SUCH_PRINCIPAL,
          authid == null
              ? "no principal with this public key"
              : "no principal " + authid + " with this public key");
      return;
    }
    Principal principal = config.principals().get(owner);
    challenge(
        attempt, new Grant(owner, principal.role(), method(), Grant.STATIC, Map.of()), pubkey);
  }

  private void askAuthenticator(
      JoinAttempt attempt, DynamicProcedure authenticator, String authid, String pubkey) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("authmethod", method());
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
          if (reply.all().get("pubkey") instanceof String key && !key.equalsIgnoreCase(pubkey)) {
            attempt.deny(
                authid,
                WampUris.AUTHENTICATION_DENIED,
                "the authenticator vouches for another public key");
            return;
          }
          String granted = reply.authid() != null ? reply.authid() : authid;
          if (granted == null) {
            attempt.fail(
                null,
                WampUris.AUTHENTICATION_FAILED,
                "neither the client nor the authenticator named an authid");
            return;
          }
          challenge(
              attempt,
              new Grant(granted, reply.role(), method(), Grant.DYNAMIC, reply.extra()),
              pubkey);
        });
  }

  private void challenge(JoinAttempt attempt, Grant grant, String pubkey) {
    byte[] challenge = new byte[32];
    RANDOM.nextBytes(challenge);
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("challenge", HEX.formatHex(challenge));
    extra.put("channel_binding", null);
    attempt.challenge(
        new Challenge(method(), extra),
        (session, authenticate) -> {
          if (verify(pubkey, challenge, authenticate.signature())) {
            attempt.grant(grant);
          } else {
            attempt.deny(
                grant.authid(),
                WampUris.AUTHENTICATION_DENIED,
                "the signature does not match the public key");
          }
        });
  }

  /**
   * Whether {@code signatureHex} is an Ed25519 signature of {@code challenge} by {@code pubkeyHex}.
   * Clients send the 64-byte signature alone, or followed by the 32 bytes signed (Autobahn); then
   * those must be the challenge.
   */
  static boolean verify(String pubkeyHex, byte[] challenge, String signatureHex) {
    PublicKey key = publicKey(pubkeyHex);
    byte[] signed;
    try {
      signed = HEX.parseHex(signatureHex.strip());
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (key == null || (signed.length != 64 && signed.length != 64 + challenge.length)) {
      return false;
    }
    if (signed.length > 64
        && !Arrays.equals(signed, 64, signed.length, challenge, 0, challenge.length)) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(key);
      verifier.update(challenge);
      return verifier.verify(signed, 0, 64);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The Ed25519 key in {@code hex} (32 bytes), or null when it is not one. */
  static PublicKey publicKey(String hex) {
    try {
      byte[] raw = HEX.parseHex(hex);
      if (raw.length != 32) {
        return null;
      }
      byte[] der = Arrays.copyOf(X509_ED25519_PREFIX, X509_ED25519_PREFIX.length + 32);
      System.arraycopy(raw, 0, der, X509_ED25519_PREFIX.length, 32);
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return null;
    }
  }

  private static String method() {
    return AuthMethod.CRYPTOSIGN.wampName();
  }
}
