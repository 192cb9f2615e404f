package io.quarkbar.wamp.protocol.id;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Sequential IDs that start at 1, go up by 1 and wrap from 2^53 back to 1: session-scope request
 * IDs (one sequence per direction of a session) and router-scope IDs. Safe to use from several
 * threads.
 */
public final class IdSequence {

  private static final long MAX = 1L << 53;

  private final AtomicLong last = new AtomicLong();

  /** The next ID. */
  public long next() {
    return last.updateAndGet(v -> v >= MAX ? 1 : v + 1);
  }
}
