package io.quarkbar.wamp.router.config;

import java.time.Duration;

/**
 * The bounds that keep one client, or one address, from taking more than its share of the router.
 * Each is checked where the resource is taken, and the client that hits it gets an answer that
 * names the limit.
 *
 * @param maxSessions sessions (connections that sent HELLO or are still to) over all realms
 * @param maxSessionsPerAddress the same, from one remote address
 * @param maxPendingCallsPerSession calls a session may have waiting for their result
 * @param maxSubscriptionsPerSession topics (and patterns) a session may be subscribed to
 * @param maxRegistrationsPerSession procedures (and patterns) a session may have registered
 * @param helloTimeout how long a connection may take to send HELLO, and a client to answer a
 *     CHALLENGE, before it is closed
 * @param authFailureDelay what a failed authentication from an address costs that address's next
 *     attempt; doubled with each further failure
 * @param authFailureMaxDelay the most that delay grows to
 */
public record Limits(
    int maxSessions,
    int maxSessionsPerAddress,
    int maxPendingCallsPerSession,
    int maxSubscriptionsPerSession,
    int maxRegistrationsPerSession,
    Duration helloTimeout,
    Duration authFailureDelay,
    Duration authFailureMaxDelay) {

  /** The close reason of a session refused because the router, or its address, has too many. */
  public static final String TOO_MANY_SESSIONS = "quarkbar.error.too_many_sessions";

  /**
   * The error of a request refused because the session reached a limit (pending calls,
   * subscriptions, registrations); the specification defines none for this.
   */
  public static final String LIMIT_EXCEEDED = "quarkbar.error.limit_exceeded";

  /** The defaults router-service documents; generous for one machine, finite everywhere. */
  public static final Limits DEFAULT =
      new Limits(
          50_000,
          1_000,
          1_000,
          10_000,
          1_000,
          Duration.ofSeconds(10),
          Duration.ofMillis(200),
          Duration.ofSeconds(10));

  public Limits withHelloTimeout(Duration timeout) {
    return new Limits(
        maxSessions,
        maxSessionsPerAddress,
        maxPendingCallsPerSession,
        maxSubscriptionsPerSession,
        maxRegistrationsPerSession,
        timeout,
        authFailureDelay,
        authFailureMaxDelay);
  }
}
