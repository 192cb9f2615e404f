package io.quarkbar.wamp.router.transport;

import java.util.Map;

/**
 * A connection from the router to one client, as the router core sees it: WebSocket in
 * router-service, an in-memory pipe in tests ({@link LocalTransport}).
 *
 * <p>Both methods may be called from any thread and must never block: the router calls them while
 * it routes other sessions' messages on an event loop. Messages handed to {@link #send} go out in
 * the order they were handed in from any one thread.
 */
public interface Transport {

  /**
   * Queues one message. A transport bounds what it queues for a slow client: past its bound it
   * closes the connection rather than grow without limit (and the router then ends the session).
   */
  void send(OutgoingMessage message);

  /**
   * Runs {@code task} on the thread whose sends keep their order with what the router sends this
   * client while routing (a socket's event loop), so that a message sent by the task is not
   * overtaken by one sent from there. By default, at once on the caller's thread.
   */
  default void execute(Runnable task) {
    task.run();
  }

  /** Closes the connection once what was queued before has gone out. */
  void close();

  /** A short description of the peer for logs, e.g. its remote address. */
  String describe();

  /**
   * The peer's network address without the port (an IP address), by which the router counts
   * sessions and failed authentications per address.
   */
  default String remoteAddress() {
    return describe();
  }

  /**
   * What the session meta API tells about this connection ({@code transport} in a session's
   * details): its kind, the peer's address and the serializer; never anything secret.
   */
  default Map<String, Object> details() {
    return Map.of("type", "local", "peer", describe());
  }
}
