package io.quarkbar.wamp.router.dealer;

import io.quarkbar.wamp.router.config.MatchPolicy;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the registration meta API tells about a registration. */
public record RegistrationInfo(
    long id, String uri, MatchPolicy match, InvokePolicy invoke, Instant created) {

  static RegistrationInfo of(Registration r) {
    return new RegistrationInfo(r.id, r.uri, r.match, r.invoke, r.created);
  }

  /** The specification's {@code RegistrationDetails}. */
  public Map<String, Object> details() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("id", id);
    d.put("created", created.toString());
    d.put("uri", uri);
    d.put("match", match.wampName());
    d.put("invoke", invoke.wampName());
    return d;
  }
}
