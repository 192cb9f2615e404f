package io.quarkbar.interop;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The secrets of one test run, made up fresh each time and handed out through environment variables
 * only (auth.yaml references them as {@code ${INTEROP_...}}): nothing secret is committed, written
 * to a file or put on a command line.
 *
 * @param ticket ticket of {@code ticket-user} (realm {@code secure}) and {@code authz-user}
 * @param providerTicket ticket of {@code provider}, the session that serves the authenticator and
 *     authorizer (auth_provider.py)
 * @param craSecret WAMP-CRA secret of {@code cra-user}
 * @param craPassword password of {@code cra-salted-user}; the router knows only the key derived
 *     from it
 * @param craSalt its PBKDF2 salt
 * @param craSaltedKey {@code derive_key(craPassword, craSalt, CRA_ITERATIONS, CRA_KEYLEN)}, as
 *     Autobahn|Python computes it
 * @param cryptosignSeed Ed25519 private key (seed) of {@code sign-user}, hex
 * @param cryptosignPubkey its public key, hex
 * @param dynamicToken the one ticket the dynamic authenticator accepts
 */
record Credentials(
    String ticket,
    String providerTicket,
    String craSecret,
    String craPassword,
    String craSalt,
    String craSaltedKey,
    String cryptosignSeed,
    String cryptosignPubkey,
    String dynamicToken) {

  /** Must match {@code iterations} and {@code keylen} of cra-salted-user in auth.yaml. */
  static final int CRA_ITERATIONS = 600;

  static final int CRA_KEYLEN = 32;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  static Credentials generate() {
    String password = token();
    String salt = HEX.formatHex(bytes(8));
    byte[][] ed25519 = ed25519();
    return new Credentials(
        token(),
        token(),
        token(),
        password,
        salt,
        deriveKey(password, salt, CRA_ITERATIONS, CRA_KEYLEN),
        HEX.formatHex(ed25519[0]),
        HEX.formatHex(ed25519[1]),
        token());
  }

  /** What the router's config file references. */
  Map<String, String> routerEnv() {
    return Map.of(
        "INTEROP_TICKET", ticket,
        "INTEROP_PROVIDER_TICKET", providerTicket,
        "INTEROP_CRA_SECRET", craSecret,
        "INTEROP_CRA_SALT", craSalt,
        "INTEROP_CRA_SALTED_KEY", craSaltedKey,
        "INTEROP_CRYPTOSIGN_PUBKEY", cryptosignPubkey);
  }

  /** What the clients under test log in with. */
  Map<String, String> clientEnv() {
    return Map.of(
        "INTEROP_TICKET", ticket,
        "INTEROP_CRA_SECRET", craSecret,
        "INTEROP_CRA_PASSWORD", craPassword,
        "INTEROP_CRYPTOSIGN_SEED", cryptosignSeed,
        "INTEROP_DYNAMIC_TOKEN", dynamicToken);
  }

  /** What auth_provider.py needs: its own login, and the token it accepts. */
  Map<String, String> providerEnv() {
    return Map.of("INTEROP_PROVIDER_TICKET", providerTicket, "INTEROP_DYNAMIC_TOKEN", dynamicToken);
  }

  /** 18 random bytes as URL-safe base64: 24 characters, no padding. */
  static String token() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(18));
  }

  /**
   * Autobahn's {@code derive_key}: PBKDF2-HMAC-SHA256 of the UTF-8 password and salt, in standard
   * base64.
   */
  static String deriveKey(String password, String salt, int iterations, int keylen) {
    try {
      PBEKeySpec spec =
          new PBEKeySpec(
              password.toCharArray(),
              salt.getBytes(StandardCharsets.UTF_8),
              iterations,
              keylen * 8);
      byte[] key =
          SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
      return Base64.getEncoder().encodeToString(key);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has PBKDF2WithHmacSHA256", e);
    }
  }

  /** A new Ed25519 key pair as raw bytes: {seed (32 bytes), public key (32 bytes)}. */
  private static byte[][] ed25519() {
    try {
      KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      // PKCS#8 of an Ed25519 key is a fixed 16-byte header and the 32-byte seed; X.509 of the
      // public key a fixed 12-byte header and the 32 raw bytes.
      byte[] pkcs8 = pair.getPrivate().getEncoded();
      byte[] x509 = pair.getPublic().getEncoded();
      if (pkcs8.length != 48 || x509.length != 44) {
        throw new IllegalStateException(
            "unexpected Ed25519 encodings: " + pkcs8.length + " and " + x509.length + " bytes");
      }
      return new byte[][] {Arrays.copyOfRange(pkcs8, 16, 48), Arrays.copyOfRange(x509, 12, 44)};
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK since 15 has Ed25519", e);
    }
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /** Never print a secret, not even in a failure message. */
  @Override
  public String toString() {
    return "Credentials[secrets not shown]";
  }
}
