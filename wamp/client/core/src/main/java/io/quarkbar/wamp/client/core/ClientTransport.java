package io.quarkbar.wamp.client.core;

import io.quarkbar.wamp.protocol.message.WampMessage;

/**
 * One connection from the client to a router, as the session sees it: messages go out encoded in
 * the negotiated serializer. Both methods may be called from any thread and must not block.
 */
public interface ClientTransport {

  /** Sends one message; a message sent after the connection closed is dropped. */
  void send(WampMessage message);

  /** Closes the connection; the listener hears of it. */
  void close();

  /** Where the messages and the end of one connection go. */
  interface Listener {

    /** A message from the router, one at a time, in order. */
    void onMessage(WampMessage message);

    /** The connection ended; {@code why} says how, for the log. Called once. */
    void onClose(String why);
  }

  /** Opens connections to one router. */
  @FunctionalInterface
  interface Connector {

    /**
     * Opens a connection whose messages go to {@code listener}; fails when the router cannot be
     * reached or refuses the WebSocket (or RawSocket) handshake.
     */
    java.util.concurrent.CompletionStage<ClientTransport> connect(Listener listener);
  }
}
