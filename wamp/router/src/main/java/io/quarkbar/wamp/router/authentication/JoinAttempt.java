package io.quarkbar.wamp.router.authentication;

import io.quarkbar.wamp.protocol.message.Challenge;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.router.config.AuthMethod;
import io.quarkbar.wamp.router.config.RealmConfig;
import io.quarkbar.wamp.router.session.Session;
import java.util.Map;

/**
 * One client's way from HELLO to WELCOME or ABORT by one authentication method: what it asked for,
 * and the three ways it can go on. Every outcome goes through {@link Authentication}, which logs
 * and throttles failures.
 */
public final class JoinAttempt {

  private final Authentication authentication;
  private final Session session;
  private final RealmConfig realm;
  private final Hello hello;
  private final AuthMethod method;

  JoinAttempt(
      Authentication authentication,
      Session session,
      RealmConfig realm,
      Hello hello,
      AuthMethod method) {
    this.authentication = authentication;
    this.session = session;
    this.realm = realm;
    this.hello = hello;
    this.method = method;
  }

  public Session session() {
    return session;
  }

  public RealmConfig realm() {
    return realm;
  }

  public AuthMethod method() {
    return method;
  }

  /** The authid the client asked for in HELLO, or {@code null}. */
  public String requestedAuthid() {
    return hello.details().get("authid") instanceof String s && !s.isEmpty() ? s : null;
  }

  /** HELLO.Details.authextra, or an empty map. */
  @SuppressWarnings("unchecked")
  Map<String, Object> authextra() {
    return hello.details().get("authextra") instanceof Map<?, ?> m
        ? (Map<String, Object>) m
        : Map.of();
  }

  Map<String, Object> helloDetails() {
    return hello.details();
  }

  /** Sends {@code challenge}; {@code next} verifies the answer, which must come in time. */
  void challenge(Challenge challenge, Session.Handshake next) {
    authentication.challenge(this, challenge, next);
  }

  /** The client is who it says: WELCOME, once the role is known to exist. */
  void grant(Grant grant) {
    authentication.grant(this, grant);
  }

  /** The client is refused: ABORT {@code uri}, logged and counted against its address. */
  void deny(String authid, String uri, String message) {
    authentication.deny(this, authid, uri, message, true);
  }

  /**
   * The router could not decide (an authenticator missing, failing or too slow): ABORT {@code uri},
   * logged as the operator's problem; not counted against the client's address.
   */
  void fail(String authid, String uri, String message) {
    authentication.deny(this, authid, uri, message, false);
  }
}
