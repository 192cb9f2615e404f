package io.quarkbar.wamp.client.it;

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
 * The secrets of one test run, made up fresh each time: nothing secret is committed, written to a
 * file or put on a command line. The router gets them through its environment (its config file
 * references them as {@code ${CLIENT_IT_...}}), the service through the test resource's
 * configuration, which lives in this JVM's memory only.
 *
 * <p>Adapted from interop-tests/src/test/java/io/quarkbar/interop/Credentials.java (key derivation
 * and Ed25519 key generation as there).
 *
 * @param ticket ticket of {@code ticket-service}
 * @param craSecret WAMP-CRA secret of {@code cra-service}
 * @param craPassword password of {@code cra-salted-service}; the router knows only the key derived
 *     from it
 * @param craSalt its PBKDF2 salt
 * @param craSaltedKey {@code derive_key(craPassword, craSalt, CRA_ITERATIONS, CRA_KEYLEN)}, as
 *     Autobahn|Python computes it
 * @param cryptosignSeed Ed25519 private key (seed) of {@code sign-service}, hex
 * @param cryptosignPubkey its public key, hex
 */
record Secrets(
    String ticket,
    String craSecret,
    String craPassword,
    String craSalt,
    String craSaltedKey,
    String cryptosignSeed,
    String cryptosignPubkey) {

  /**
   * Must match {@code iterations} and {@code keylen} of cra-salted-service in the router config.
   */
  static final int CRA_ITERATIONS = 600;

  static final int CRA_KEYLEN = 32;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  static Secrets generate() {
    String password = token();
    String salt = HEX.formatHex(bytes(8));
    byte[][] ed25519 = ed25519();
    return new Secrets(
        token(),
        token(),
        password,
        salt,
        deriveKey(password, salt, CRA_ITERATIONS, CRA_KEYLEN),
        HEX.formatHex(ed25519[0]),
        HEX.formatHex(ed25519[1]));
  }

  /** What the router's config file references. */
  Map<String, String> routerEnv() {
    return Map.of(
        "CLIENT_IT_TICKET", ticket,
        "CLIENT_IT_CRA_SECRET", craSecret,
        "CLIENT_IT_CRA_SALT", craSalt,
        "CLIENT_IT_CRA_SALTED_KEY", craSaltedKey,
        "CLIENT_IT_CRYPTOSIGN_PUBKEY", cryptosignPubkey);
  }

  /** 18 random bytes as URL-safe base64: 24 characters, no padding. */
  static String token() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(18));
  }

  /**
   * Autobahn's {@code derive_key}: PBKDF2-HMAC-SHA256 of the UTF-8 password and salt, in standard
   * base64. Computed here independently of the client's own derivation, which is under test.
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
    return "Secrets[not shown]";
  }
}
