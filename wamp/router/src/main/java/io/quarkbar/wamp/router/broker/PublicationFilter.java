package io.quarkbar.wamp.router.broker;

import io.quarkbar.wamp.router.session.Session;
import io.quarkbar.wamp.router.session.SessionIdentity;
import java.util.List;
import java.util.Map;

/**
 * Who of the subscribers receives one publication: publisher exclusion ({@code exclude_me}, true by
 * default) and subscriber black- and whitelisting ({@code exclude}, {@code eligible} and their
 * {@code _authid} and {@code _authrole} variants). Built once per publication.
 */
final class PublicationFilter {

  private final Session publisher;
  private final boolean excludeMe;
  private final List<?> exclude;
  private final List<?> excludeAuthid;
  private final List<?> excludeAuthrole;
  private final List<?> eligible;
  private final List<?> eligibleAuthid;
  private final List<?> eligibleAuthrole;

  PublicationFilter(Session publisher, Map<String, Object> options) {
    this.publisher = publisher;
    this.excludeMe = !Boolean.FALSE.equals(options.get("exclude_me"));
    this.exclude = list(options, "exclude");
    this.excludeAuthid = list(options, "exclude_authid");
    this.excludeAuthrole = list(options, "exclude_authrole");
    this.eligible = list(options, "eligible");
    this.eligibleAuthid = list(options, "eligible_authid");
    this.eligibleAuthrole = list(options, "eligible_authrole");
  }

  /** Whether the filter only needs to look at the publisher (the common case, checked cheaply). */
  boolean onlyExcludesPublisher() {
    return exclude == null
        && excludeAuthid == null
        && excludeAuthrole == null
        && eligible == null
        && eligibleAuthid == null
        && eligibleAuthrole == null;
  }

  boolean accepts(Session subscriber) {
    if (subscriber == publisher && excludeMe) {
      return false;
    }
    if (onlyExcludesPublisher()) {
      return true;
    }
    SessionIdentity id = subscriber.identity();
    if (contains(exclude, id.sessionId())
        || contains(excludeAuthid, id.authid())
        || contains(excludeAuthrole, id.authrole())) {
      return false;
    }
    return (eligible == null || contains(eligible, id.sessionId()))
        && (eligibleAuthid == null || contains(eligibleAuthid, id.authid()))
        && (eligibleAuthrole == null || contains(eligibleAuthrole, id.authrole()));
  }

  private static List<?> list(Map<String, Object> options, String key) {
    return options.isEmpty() ? null : options.get(key) instanceof List<?> l ? l : null;
  }

  private static boolean contains(List<?> list, long sessionId) {
    if (list == null) {
      return false;
    }
    for (Object o : list) {
      if (o instanceof Number n && n.longValue() == sessionId) {
        return true;
      }
    }
    return false;
  }

  private static boolean contains(List<?> list, String value) {
    return list != null && list.contains(value);
  }
}
