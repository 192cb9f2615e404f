package io.quarkbar.wamp.cluster;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * Where the calls' NATS connection is read once it is made: on one of the router's event loops
 * rather than on the connection's own thread. A call from another node is then handled on a thread
 * that writes its INVOCATION at once when the callee's connection is on the same loop, and whose
 * answers go out at the end of its turn ({@link AfterTurn}); the connection's own thread would have
 * to wake an event loop for each. The router's transport provides it.
 */
@FunctionalInterface
public interface LoopWatch {

  /** No event loop: the connection's own thread reads. */
  LoopWatch NONE = (ch, ready) -> false;

  /**
   * Watches {@code ch} for reads on an event loop, from now on; {@code ready} runs on that loop
   * each time {@code ch} has bytes, with its key there (cancel it to stop).
   *
   * @return false when there is no event loop to watch it (nothing is watched then)
   * @throws IOException when the loop could not take the channel
   */
  boolean watch(SocketChannel ch, Ready ready) throws IOException;

  /** What runs on the loop about the channel. */
  interface Ready {

    /** The channel has bytes; {@code key} is its key on the loop. */
    void ready(SelectionKey key);

    /**
     * The loop stopped watching the channel without being asked (it shut down, or {@link #ready}
     * threw): the connection is made again.
     */
    void unwatched();
  }
}
