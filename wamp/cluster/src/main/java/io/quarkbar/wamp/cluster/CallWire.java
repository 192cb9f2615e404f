package io.quarkbar.wamp.cluster;

/**
 * The NATS connection that calls between nodes travel on ({@link NatsCallExchange}): calls, their
 * parts and interrupts to a node's inbox, answers to a caller node's reply subjects. Two kinds:
 * {@link NatsWire}, which writes on the publishing thread and handles what it reads on its reading
 * thread, and {@link JnatsCallWire}, the NATS client library's connection, for what the first does
 * not speak (TLS).
 *
 * <p>What one thread publishes reaches a subscriber in the order it was published, as NATS keeps
 * the order of one connection's messages.
 */
interface CallWire extends AutoCloseable {

  /**
   * Takes the messages of one subscription, on the thread that reads the wire (one at a time, in
   * NATS's order): it must not block.
   */
  @FunctionalInterface
  interface Receiver {

    /**
     * A message on {@code subject}; {@code status} is 0, or the status NATS put in its headers
     * ({@value #NO_RESPONDERS} when nobody subscribes to the subject a request went to).
     */
    void received(String subject, int status, byte[] data);
  }

  /** The status of NATS's answer to a request nobody subscribes to. */
  int NO_RESPONDERS = 503;

  /** Delivers the messages on {@code subject} (wildcards allowed) to {@code receiver}. */
  void subscribe(String subject, Receiver receiver);

  /**
   * Publishes {@code body} to {@code subject}, with {@code replyTo} as the subject for its answers
   * (or {@code null}); never waits for NATS.
   *
   * @throws IllegalStateException if it cannot go now (not connected, too much waiting to go out);
   *     its message says why
   */
  void publish(String subject, String replyTo, byte[] body);

  boolean isConnected();

  /** What the logs and errors say of the connection's state, e.g. "connected" or "reconnecting". */
  String state();

  /** The largest message NATS takes, in bytes; 0 while not known. */
  long maxPayload();

  @Override
  void close();
}
