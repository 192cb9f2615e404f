package io.quarkbar.wamp.router.authentication;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down authentication from addresses that failed it, and only those: after the n-th failure
 * from an address, every verdict for that address (success included, or an attacker would learn
 * from the speed of the answer) waits its turn in a queue that lets one through every {@code base ×
 * 2^(n-1)}, up to {@code max}. Parallel attempts from one address are thereby serialized; when the
 * queue reaches {@code max} ahead, further attempts are refused at once without being checked.
 * Addresses are forgotten after {@link #FORGET_AFTER} without failures.
 *
 * <p>Clients behind one NAT or proxy share an address, and an attack from it slows them too; that
 * is the price of not letting one address try passwords at full speed.
 */
final class FailedAttempts {

  static final Duration FORGET_AFTER = Duration.ofMinutes(5);

  /** Above this many tracked addresses, the forgotten ones are purged. */
  private static final int PURGE_ABOVE = 10_000;

  private static final class Entry {
    int failures;
    long lastFailure;
    long nextSlot;
  }

  private final long baseNanos;
  private final long maxNanos;
  private final Map<String, Entry> byAddress = new ConcurrentHashMap<>();

  FailedAttempts(Duration base, Duration max) {
    this.baseNanos = base.toNanos();
    this.maxNanos = max.toNanos();
  }

  /** Counts a failure of {@code address}. */
  void failed(String address) {
    long now = System.nanoTime();
    if (byAddress.size() > PURGE_ABOVE) {
      byAddress.values().removeIf(e -> isForgotten(e, now));
    }
    Entry e = byAddress.computeIfAbsent(address, a -> new Entry());
    synchronized (e) {
      if (isForgotten(e, now)) {
        e.failures = 0;
      }
      e.failures++;
      e.lastFailure = now;
    }
  }

  /**
   * How long a verdict for {@code address} must wait, in nanoseconds: 0 for an address without
   * recent failures; -1 when its queue is full, and the attempt is to be refused unchecked.
   */
  long delay(String address) {
    Entry e = byAddress.get(address);
    if (e == null || baseNanos == 0) {
      return 0;
    }
    long now = System.nanoTime();
    synchronized (e) {
      if (isForgotten(e, now)) {
        byAddress.remove(address, e);
        return 0;
      }
      long penalty = Math.min(maxNanos, baseNanos << Math.min(30, e.failures - 1));
      long slot = Math.max(now, e.nextSlot) + penalty;
      if (slot - now > maxNanos + penalty) {
        return -1;
      }
      e.nextSlot = slot;
      return slot - now;
    }
  }

  private static boolean isForgotten(Entry e, long now) {
    return now - e.lastFailure > FORGET_AFTER.toNanos();
  }
}
