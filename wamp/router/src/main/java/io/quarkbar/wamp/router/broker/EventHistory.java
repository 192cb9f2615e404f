package io.quarkbar.wamp.router.broker;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The last {@code limit} events delivered to one subscription, for {@code
 * wamp.subscription.get_events}; kept for the subscriptions that a rule of the realm names.
 * Publications that name sessions by ID ({@code exclude}, {@code eligible}) are not kept: session
 * IDs do not outlive sessions, so whether a later reader may see them cannot be told.
 */
final class EventHistory {

  /** One event as delivered, with the filter its publisher set. */
  record Stored(
      Instant timestamp,
      long publication,
      String topic,
      Map<String, Object> details,
      List<Object> args,
      Map<String, Object> kwargs,
      PublicationFilter filter) {}

  private final int limit;
  private final Deque<Stored> events = new ArrayDeque<>();

  EventHistory(int limit) {
    this.limit = limit;
  }

  synchronized void add(Stored event) {
    if (events.size() == limit) {
      events.removeFirst();
    }
    events.addLast(event);
  }

  /** Every event kept, oldest first. */
  synchronized List<Stored> all() {
    return new ArrayList<>(events);
  }
}
