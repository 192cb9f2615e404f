package io.quarkbar.wamp.client.it;

import io.quarkbar.testing.processes.RandomSecrets;
import java.util.Map;

/**
 * The secrets of one test run, made up fresh each time: nothing secret is committed, written to a
 * file or put on a command line. The router gets them through its environment (its config file
 * references them as {@code ${CLIENT_IT_...}}), the service through the test resource's
 * configuration, which lives in this JVM's memory only.
 *
 * <p>Key derivation and Ed25519 keys come from testing/processes' {@link RandomSecrets}, as for
 * interop-tests' credentials.
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

  static Secrets generate() {
    String password = RandomSecrets.token();
    String salt = RandomSecrets.hex(8);
    RandomSecrets.Ed25519Keys keys = RandomSecrets.ed25519();
    return new Secrets(
        RandomSecrets.token(),
        RandomSecrets.token(),
        password,
        salt,
        RandomSecrets.craKey(password, salt, CRA_ITERATIONS, CRA_KEYLEN),
        keys.seed(),
        keys.publicKey());
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

  /** Never print a secret, not even in a failure message. */
  @Override
  public String toString() {
    return "Secrets[not shown]";
  }
}
