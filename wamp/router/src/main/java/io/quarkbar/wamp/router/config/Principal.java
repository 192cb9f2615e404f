package io.quarkbar.wamp.router.config;

import java.util.Optional;

/**
 * One statically configured principal of an authentication method: the role it joins as and what
 * proves it.
 *
 * @param role the role its sessions get; must be one of the realm's roles
 * @param secret for {@code ticket} the ticket, or {@code sha256:<hex>} of it; for {@code wampcra}
 *     the key the HMAC is computed with, as given (for a salted principal that is the key derived
 *     from the password, which is all the router needs to know); for {@code cryptosign} the Ed25519
 *     public key in hex
 * @param salt for a salted {@code wampcra} principal, the PBKDF2 parameters sent in the CHALLENGE
 */
public record Principal(String role, String secret, Optional<CraSalt> salt) {

  public Principal(String role, String secret) {
    this(role, secret, Optional.empty());
  }

  /** The key derivation a salted WAMP-CRA client applies to its password (PBKDF2-HMAC-SHA256). */
  public record CraSalt(String salt, int iterations, int keylen) {}

  @Override
  public String toString() {
    // Never the secret: configurations get logged.
    return "Principal[role=" + role + ", salted=" + salt.isPresent() + "]";
  }
}
