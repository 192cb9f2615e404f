package io.quarkbar.testing.processes;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Secrets made up fresh for one test run, to hand to a packaged application through its environment
 * (nothing secret is committed, written to a file or put on a command line), and what a WAMP client
 * derives from them, computed here with the JDK alone, independently of any client under test.
 */
public final class RandomSecrets {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private RandomSecrets() {}

  /** 18 random bytes as URL-safe base64: 24 characters, no padding. */
  public static String token() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(18));
  }

  /** {@code n} random bytes as lower-case hex, e.g. a PBKDF2 salt. */
  public static String hex(int n) {
    return HEX.formatHex(bytes(n));
  }

  /**
   * Autobahn's {@code derive_key} for salted WAMP-CRA: PBKDF2-HMAC-SHA256 of the UTF-8 password and
   * salt, in standard base64.
   */
  public static String craKey(String password, String salt, int iterations, int keylen) {
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

  /**
   * A WAMP-Cryptosign key pair as WAMP clients take it: the Ed25519 seed and public key, in hex.
   */
  public record Ed25519Keys(String seed, String publicKey) {

    /** Never print a secret, not even in a failure message. */
    @Override
    public String toString() {
      return "Ed25519Keys[public key " + publicKey + "]";
    }
  }

  /** A new Ed25519 key pair. */
  public static Ed25519Keys ed25519() {
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
      return new Ed25519Keys(
          HEX.formatHex(Arrays.copyOfRange(pkcs8, 16, 48)),
          HEX.formatHex(Arrays.copyOfRange(x509, 12, 44)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK since 15 has Ed25519", e);
    }
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
