package io.quarkbar.wamp.client.core;

import io.quarkbar.wamp.protocol.message.Challenge;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a client proves who it is when it joins: one authentication method and its secret. The secret
 * never leaves the client but as the method's answer to the router's CHALLENGE.
 */
public sealed interface Credentials {

  /** The authid to ask for in HELLO, or {@code null}. */
  String authid();

  /** The method, by its WAMP name. */
  String authmethod();

  /** What HELLO.Details.authextra carries for the method. */
  default Map<String, Object> authextra() {
    return Map.of();
  }

  /** The AUTHENTICATE signature for {@code challenge}. */
  String answer(Challenge challenge);

  /** No credentials: the realm's anonymous role. */
  record Anonymous() implements Credentials {
    @Override
    public String authid() {
      return null;
    }

    @Override
    public String authmethod() {
      return "anonymous";
    }

    @Override
    public String answer(Challenge challenge) {
      throw new WampError(
          "wamp.error.authentication_failed", "anonymous sessions are not challenged");
    }
  }

  /** A ticket (a password or a login token), sent as it is: use it over TLS. */
  record Ticket(String authid, String ticket) implements Credentials {
    @Override
    public String authmethod() {
      return "ticket";
    }

    @Override
    public String answer(Challenge challenge) {
      return ticket;
    }

    @Override
    public String toString() {
      return "Ticket[authid=" + authid + "]";
    }
  }

  /**
   * WAMP-CRA: the HMAC-SHA256 of the router's challenge, keyed by the secret; when the challenge
   * carries a salt, by the key derived from the secret (PBKDF2-HMAC-SHA256, base64), as Autobahn
   * derives it.
   */
  record WampCra(String authid, String secret) implements Credentials {
    @Override
    public String authmethod() {
      return "wampcra";
    }

    @Override
    public String answer(Challenge challenge) {
      Map<String, Object> extra = challenge.extra();
      String key = secret;
      if (extra.get("salt") instanceof String salt) {
        key =
            deriveKey(
                secret,
                salt,
                number(extra.get("iterations"), 1000),
                number(extra.get("keylen"), 32));
      }
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] sig =
            mac.doFinal(String.valueOf(extra.get("challenge")).getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(sig);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("every JDK has HmacSHA256", e);
      }
    }

    /** Autobahn's {@code derive_key}: base64(PBKDF2-HMAC-SHA256(secret, salt)). */
    public static String deriveKey(String secret, String salt, int iterations, int keylen) {
      try {
        PBEKeySpec spec =
            new PBEKeySpec(
                secret.toCharArray(),
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

    private static int number(Object v, int otherwise) {
      return v instanceof Number n ? n.intValue() : otherwise;
    }

    @Override
    public String toString() {
      return "WampCra[authid=" + authid + "]";
    }
  }

  /**
   * WAMP-Cryptosign: an Ed25519 key, given by its 32-byte private seed, signs the router's
   * challenge; HELLO names the public key. Channel binding is not used.
   */
  final class Cryptosign implements Credentials {

    private static final HexFormat HEX = HexFormat.of();

    private final String authid;
    private final KeyPair keys;
    private final String publicKey;

    /**
     * @param privateKeyHex the 32-byte seed in hex, as Autobahn writes private keys
     */
    public Cryptosign(String authid, String privateKeyHex) {
      this.authid = authid;
      byte[] seed = HEX.parseHex(privateKeyHex.strip());
      if (seed.length != 32) {
        throw new IllegalArgumentException(
            "a cryptosign private key is 32 bytes (64 hex digits), got " + seed.length);
      }
      this.keys = fromSeed(seed);
      byte[] der = keys.getPublic().getEncoded();
      this.publicKey = HEX.formatHex(Arrays.copyOfRange(der, der.length - 32, der.length));
    }

    @Override
    public String authid() {
      return authid;
    }

    @Override
    public String authmethod() {
      return "cryptosign";
    }

    @Override
    public Map<String, Object> authextra() {
      return Map.of("pubkey", publicKey);
    }

    /** The public key in hex: what the router's principal lists. */
    public String publicKey() {
      return publicKey;
    }

    /** The signature followed by the challenge, 96 bytes in hex, as Autobahn answers. */
    @Override
    public String answer(Challenge challenge) {
      byte[] data = HEX.parseHex(String.valueOf(challenge.extra().get("challenge")));
      try {
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(keys.getPrivate());
        signer.update(data);
        return HEX.formatHex(signer.sign()) + HEX.formatHex(data);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("every JDK 15+ has Ed25519", e);
      }
    }

    /**
     * The key pair of an Ed25519 seed. The JDK has no public API from seed to key pair, but its
     * generator draws exactly the 32 seed bytes from the random source it is given.
     */
    private static KeyPair fromSeed(byte[] seed) {
      try {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        generator.initialize(
            NamedParameterSpec.ED25519,
            new SecureRandom() {
              @Override
              public void nextBytes(byte[] bytes) {
                System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
              }
            });
        return generator.generateKeyPair();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("every JDK 15+ has Ed25519", e);
      }
    }

    @Override
    public String toString() {
      return "Cryptosign[authid=" + authid + ", pubkey=" + publicKey + "]";
    }
  }

  /** The authmethods list of HELLO. */
  static List<String> methods(Credentials c) {
    return List.of(c.authmethod());
  }
}
