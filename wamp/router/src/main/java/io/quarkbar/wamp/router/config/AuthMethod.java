package io.quarkbar.wamp.router.config;

import java.util.Locale;
import java.util.Optional;

/** The authentication methods the router implements, by their WAMP names. */
public enum AuthMethod {
  /** No credentials: the realm's anonymous role. */
  ANONYMOUS,
  /** A shared secret sent in the clear (over TLS, one hopes): a password or a login token. */
  TICKET,
  /** WAMP Challenge-Response: an HMAC-SHA256 of a router challenge, keyed by a shared secret. */
  WAMPCRA,
  /** An Ed25519 signature of a router challenge, by a key whose public half the router knows. */
  CRYPTOSIGN;

  /** The name in HELLO.Details.authmethods, CHALLENGE and WELCOME. */
  public String wampName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The method a WAMP name stands for, if it is one the router implements. */
  public static Optional<AuthMethod> fromWamp(Object name) {
    for (AuthMethod m : values()) {
      if (m.wampName().equals(name)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }
}
