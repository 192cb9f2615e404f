package io.quarkbar.wamp.router.broker;

import io.quarkbar.wamp.router.config.MatchPolicy;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the subscription meta API tells about a subscription. */
public record SubscriptionInfo(long id, String uri, MatchPolicy match, Instant created) {

  static SubscriptionInfo of(Subscription s) {
    return new SubscriptionInfo(s.id, s.uri, s.match, s.created);
  }

  /** The specification's {@code SubscriptionDetails}. */
  public Map<String, Object> details() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("id", id);
    d.put("created", created.toString());
    d.put("uri", uri);
    d.put("match", match.wampName());
    return d;
  }
}
