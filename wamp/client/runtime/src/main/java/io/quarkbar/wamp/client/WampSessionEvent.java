package io.quarkbar.wamp.client;

/**
 * A CDI event fired when a WAMP connection's session becomes ready or stops being ready. A service
 * observes it to do what must follow every (re)join, for instance rebuilding state from the
 * router's meta API, since events published while it was away are lost:
 *
 * <pre>{@code
 * void joined(@ObservesAsync WampSessionEvent.Ready ready) { ... }   // on a worker thread
 * }</pre>
 *
 * {@code @ObservesAsync} observers run on a worker thread and may block; plain {@code @Observes}
 * observers run on the connection's event loop and must not.
 */
public sealed interface WampSessionEvent {

  /** The connection's name; empty for the default connection. */
  String connection();

  /**
   * The session joined, and every registration and subscription of the connection is in place.
   *
   * @param session the session ID the router gave
   * @param authid the authid the router gave
   * @param authrole the role the router gave
   */
  record Ready(String connection, String realm, long session, String authid, String authrole)
      implements WampSessionEvent {}

  /** The session was ready and is not any more: the connection dropped or the session ended. */
  record Lost(String connection, String realm, long session) implements WampSessionEvent {}
}
