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

  /** The publisher's session ID, for a filter kept beyond the publisher's session (retention). */
  private final long publisherId;

  private final boolean excludeMe;
  private final List<?> exclude;
  private final List<?> excludeAuthid;
  private final List<?> excludeAuthrole;
  private final List<?> eligible;
  private final List<?> eligibleAuthid;
  private final List<?> eligibleAuthrole;

  PublicationFilter(Session publisher, Map<String, Object> options) {
    this(publisher, publisher.id(), options);
  }

  /** A filter that outlives its publisher's session: it knows the publisher by ID only. */
  PublicationFilter(long publisherId, Map<String, Object> options) {
    this(null, publisherId, options);
  }

  private PublicationFilter(Session publisher, long publisherId, Map<String, Object> options) {
    this.publisher = publisher;
    this.publisherId = publisherId;
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

  /**
   * Whether the publication may be given to a session of {@code authid} and {@code authrole} that
   * asks for it later (event history): by the authid and authrole lists only, since session IDs do
   * not outlive sessions.
   */
  boolean acceptsLater(String authid, String authrole) {
    if (contains(excludeAuthid, authid) || contains(excludeAuthrole, authrole)) {
      return false;
    }
    return (eligibleAuthid == null || contains(eligibleAuthid, authid))
        && (eligibleAuthrole == null || contains(eligibleAuthrole, authrole));
  }

  /** Whether the publication names sessions by ID, which no stored event may depend on. */
  boolean namesSessions() {
    return exclude != null || eligible != null;
  }

  boolean accepts(Session subscriber) {
    if (excludeMe
        && (subscriber == publisher || (publisher == null && subscriber.id() == publisherId))) {
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
