package io.quarkbar.interop;

import io.quarkbar.testing.processes.RandomSecrets;
import java.util.Map;

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

  static Credentials generate() {
    String password = RandomSecrets.token();
    String salt = RandomSecrets.hex(8);
    RandomSecrets.Ed25519Keys keys = RandomSecrets.ed25519();
    return new Credentials(
        RandomSecrets.token(),
        RandomSecrets.token(),
        RandomSecrets.token(),
        password,
        salt,
        RandomSecrets.craKey(password, salt, CRA_ITERATIONS, CRA_KEYLEN),
        keys.seed(),
        keys.publicKey(),
        RandomSecrets.token());
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

  /** Never print a secret, not even in a failure message. */
  @Override
  public String toString() {
    return "Credentials[secrets not shown]";
  }
}
