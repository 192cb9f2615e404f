package io.quarkbar.wamp.router.broker;

import io.quarkbar.wamp.router.config.EventStoreRule;
import io.quarkbar.wamp.router.config.MatchPolicy;
import io.quarkbar.wamp.router.match.UriMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Event retention: the last event published with {@code retain} on each topic that a rule of the
 * realm retains, given to subscribers that ask with {@code get_retained}, as they would have
 * received it. At most {@link #MAX_TOPICS} topics are kept; past that, the topic retained least
 * recently is forgotten.
 */
final class RetainedEvents {

  static final int MAX_TOPICS = 10_000;

  /** One retained event, with what is needed to judge and address it later. */
  record Retained(
      String topic,
      long publication,
      PublicationFilter filter,
      Map<String, Object> disclosure,
      List<Object> args,
      Map<String, Object> kwargs) {}

  private final UriMatcher<EventStoreRule> rules = new UriMatcher<>();
  private final Map<String, Retained> byTopic =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Retained> eldest) {
          return size() > MAX_TOPICS;
        }
      };

  RetainedEvents(List<EventStoreRule> config) {
    config.stream().filter(EventStoreRule::retain).forEach(r -> rules.put(r.uri(), r.match(), r));
  }

  boolean isEnabled() {
    return !rules.isEmpty();
  }

  /**
   * Keeps publication {@code p} if a rule retains its topic, in place of the topic's previous one;
   * returns whether it did.
   */
  boolean offer(SharedPublication p) {
    if (rules.best(p.topic()) == null) {
      return false;
    }
    Retained event =
        new Retained(
            p.topic(),
            p.publication(),
            new PublicationFilter(p.publisher(), p.options()),
            p.disclosure(),
            p.args(),
            p.kwargs());
    synchronized (byTopic) {
      byTopic.put(event.topic(), event);
    }
    return true;
  }

  void forget(String topic) {
    synchronized (byTopic) {
      byTopic.remove(topic);
    }
  }

  /** The retained events a subscription to {@code pattern} under {@code match} covers. */
  List<Retained> matching(String pattern, MatchPolicy match) {
    List<Retained> found = new ArrayList<>();
    synchronized (byTopic) {
      if (match == MatchPolicy.EXACT) {
        Retained r = byTopic.get(pattern);
        if (r != null) {
          found.add(r);
        }
      } else {
        for (Retained r : byTopic.values()) {
          if (UriMatcher.matches(pattern, match, r.topic())) {
            found.add(r);
          }
        }
      }
    }
    return found;
  }
}
