package io.quarkbar.wamp.router.session;

import io.quarkbar.wamp.protocol.message.Hello;

/**
 * Decides on a HELLO: opens the session ({@link Session#open}) or aborts it. Called once, on the
 * session's own thread.
 */
@FunctionalInterface
public interface JoinHandler {

  void hello(Session session, Hello hello);
}
