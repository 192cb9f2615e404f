package io.quarkbar.wamp.cluster;

/**
 * Runs a task on the calling thread's event loop once the loop has handled what it handles now (its
 * current batch of reads and tasks): the calls and answers a turn publishes then go to NATS in one
 * write, where one write each made the kernel's work per call the largest cost of a call between
 * nodes. The router's transport provides it; threads that are no event loop write at once.
 */
@FunctionalInterface
public interface AfterTurn {

  /** Nothing is deferred: every publication is written at once. */
  AfterTurn NONE = task -> false;

  /**
   * Schedules {@code task} on the current thread's event loop, after its current turn.
   *
   * @return false, with nothing scheduled, when the current thread is no event loop
   */
  boolean schedule(Runnable task);
}
