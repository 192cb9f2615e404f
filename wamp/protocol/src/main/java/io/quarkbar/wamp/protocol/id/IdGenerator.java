package io.quarkbar.wamp.protocol.id;

import java.util.concurrent.ThreadLocalRandom;

/**
 * IDs of the specification: global-scope IDs (sessions, publications) drawn at random from a
 * uniform distribution over [1, 2^53]; router- and session-scope IDs from {@link IdSequence}.
 */
public final class IdGenerator {

  private static final long MAX = 1L << 53;

  private IdGenerator() {}

  /**
   * A random global-scope ID in [1, 2^53]. {@link ThreadLocalRandom} keeps this free of contention;
   * IDs are identifiers, not secrets.
   */
  public static long globalId() {
    return ThreadLocalRandom.current().nextLong(1, MAX + 1);
  }
}
