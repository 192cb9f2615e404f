package io.quarkbar.wamp.router.meta;

import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.dealer.RouterProcedure.Failure;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The filters of {@code wamp.subscription.get_events} (pubsub_event_history.md), applied to a
 * subscription's events, oldest first. Timestamps are RFC 3339; a publication filter whose
 * publication is not (or no longer) in the history selects nothing.
 */
record HistoryQuery(
    boolean reverse,
    int limit,
    Instant fromTime,
    Instant afterTime,
    Instant beforeTime,
    Instant untilTime,
    String topic,
    Long fromPublication,
    Long afterPublication,
    Long beforePublication,
    Long untilPublication) {

  private static final Set<String> KEYS =
      Set.of(
          "reverse",
          "limit",
          "from_time",
          "after_time",
          "before_time",
          "until_time",
          "topic",
          "from_publication",
          "after_publication",
          "before_publication",
          "until_publication");

  static HistoryQuery of(Map<String, Object> kw) {
    for (String key : kw.keySet()) {
      if (!KEYS.contains(key)) {
        throw invalid("get_events takes no keyword argument " + key);
      }
    }
    Object reverse = kw.getOrDefault("reverse", false);
    if (!(reverse instanceof Boolean)) {
      throw invalid("reverse must be a bool");
    }
    Object limit = kw.get("limit");
    if (limit != null && (!(limit instanceof Number n) || n.longValue() < 1)) {
      throw invalid("limit must be a positive integer");
    }
    Object topic = kw.get("topic");
    if (topic != null && !(topic instanceof String)) {
      throw invalid("topic must be a URI");
    }
    return new HistoryQuery(
        (Boolean) reverse,
        limit == null
            ? Integer.MAX_VALUE
            : (int) Math.min(Integer.MAX_VALUE, ((Number) limit).longValue()),
        time(kw, "from_time"),
        time(kw, "after_time"),
        time(kw, "before_time"),
        time(kw, "until_time"),
        (String) topic,
        publication(kw, "from_publication"),
        publication(kw, "after_publication"),
        publication(kw, "before_publication"),
        publication(kw, "until_publication"));
  }

  List<Map<String, Object>> apply(List<Map<String, Object>> events) {
    int from = 0;
    int to = events.size(); // exclusive
    if (fromPublication != null) {
      from = Math.max(from, indexOf(events, fromPublication, to));
    }
    if (afterPublication != null) {
      from = Math.max(from, indexOf(events, afterPublication, to) + 1);
    }
    if (beforePublication != null) {
      int i = indexOf(events, beforePublication, -1);
      to = Math.min(to, i < 0 ? 0 : i);
    }
    if (untilPublication != null) {
      int i = indexOf(events, untilPublication, -1);
      to = Math.min(to, i < 0 ? 0 : i + 1);
    }
    List<Map<String, Object>> selected = new ArrayList<>();
    for (int i = from; i < to; i++) {
      Map<String, Object> e = events.get(i);
      Instant t = Instant.parse((String) e.get("timestamp"));
      if ((fromTime == null || !t.isBefore(fromTime))
          && (afterTime == null || t.isAfter(afterTime))
          && (beforeTime == null || t.isBefore(beforeTime))
          && (untilTime == null || !t.isAfter(untilTime))
          && (topic == null || topic.equals(e.get("topic")))) {
        selected.add(e);
      }
    }
    if (reverse) {
      Collections.reverse(selected);
    }
    return selected.size() > limit ? new ArrayList<>(selected.subList(0, limit)) : selected;
  }

  /** Where {@code publication} is in {@code events}, or {@code missing}. */
  private static int indexOf(List<Map<String, Object>> events, long publication, int missing) {
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).get("publication") instanceof Long p && p == publication) {
        return i;
      }
    }
    return missing;
  }

  private static Instant time(Map<String, Object> kw, String key) {
    Object v = kw.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof String s) {
      try {
        return OffsetDateTime.parse(s).toInstant();
      } catch (DateTimeParseException e) {
        // fall through
      }
    }
    throw invalid(key + " must be an RFC 3339 timestamp, such as 2026-11-30T12:00:00Z");
  }

  private static Long publication(Map<String, Object> kw, String key) {
    Object v = kw.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n) || n.longValue() < 1) {
      throw invalid(key + " must be a publication ID");
    }
    return n.longValue();
  }

  private static Failure invalid(String message) {
    return new Failure(WampUris.INVALID_ARGUMENT, message);
  }
}
