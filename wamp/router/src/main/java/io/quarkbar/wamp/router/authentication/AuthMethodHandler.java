package io.quarkbar.wamp.router.authentication;

/**
 * One authentication method of one realm. It takes over a join after HELLO and ends it with {@link
 * JoinAttempt#grant} or {@link JoinAttempt#deny}, on whatever thread its last step runs.
 */
interface AuthMethodHandler {

  void start(JoinAttempt attempt);
}
