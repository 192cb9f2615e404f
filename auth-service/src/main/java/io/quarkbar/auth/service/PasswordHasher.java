package io.quarkbar.auth.service;

import io.quarkbar.auth.config.AuthConfig;
import io.quarkus.elytron.security.common.BcryptUtil;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Hashes and checks passwords with bcrypt, at the configured cost.
 *
 * <p>bcrypt reads only the first 72 bytes of its input, and a password may have 128 characters (up
 * to 512 bytes in UTF-8): two long passwords with a common beginning would be the same password. So
 * bcrypt is given the SHA-256 of the password in hex (64 ASCII characters), as Django's {@code
 * BCryptSHA256PasswordHasher} does; every character of the password counts.
 */
@ApplicationScoped
public class PasswordHasher {

  private final int cost;

  /**
   * The hash of a random password nobody knows, at the same cost: checking a password against it
   * takes as long as checking one against a user's hash, so that a login for a username that does
   * not exist is not answered sooner than one with a wrong password.
   */
  private final String nobody;

  @Inject
  PasswordHasher(AuthConfig config) {
    this(config.bcryptCost());
  }

  PasswordHasher(int cost) {
    this.cost = cost;
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    this.nobody = hash(Base64.getEncoder().encodeToString(random));
  }

  /** A new hash of {@code password}, with a random salt, in modular crypt format. */
  public String hash(String password) {
    return BcryptUtil.bcryptHash(prehash(password), cost);
  }

  /** Whether {@code password} is the one {@code hash} was made from. */
  public boolean matches(String password, String hash) {
    return BcryptUtil.matches(prehash(password), hash);
  }

  /** Takes the time of {@link #matches} and answers false: for a user that does not exist. */
  public boolean matchesNobody(String password) {
    matches(password, nobody);
    return false;
  }

  private static String prehash(String password) {
    return HexFormat.of().formatHex(Sha256.of(password));
  }
}
