package io.quarkbar.wamp.router.session;

import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.router.telemetry.Telemetry;

/**
 * Decides on a HELLO: opens the session ({@link Session#open}), challenges it ({@link
 * Session#challenge}) or aborts it; and hears of every session's end.
 */
public interface JoinHandler {

  /** The session's HELLO; called once, on the session's own thread. */
  void hello(Session session, Hello hello);

  /** The session has ended, in whatever state it was; called once. */
  default void ended(Session session) {}

  /** Where the session reports what it sees (protocol violations). */
  default Telemetry telemetry() {
    return Telemetry.NONE;
  }
}
