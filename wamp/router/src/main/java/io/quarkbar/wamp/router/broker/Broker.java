package io.quarkbar.wamp.router.broker;

import io.quarkbar.wamp.protocol.id.IdGenerator;
import io.quarkbar.wamp.protocol.id.IdSequence;
import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.Publish;
import io.quarkbar.wamp.protocol.message.Published;
import io.quarkbar.wamp.protocol.message.Subscribe;
import io.quarkbar.wamp.protocol.message.Subscribed;
import io.quarkbar.wamp.protocol.message.Unsubscribe;
import io.quarkbar.wamp.protocol.message.Unsubscribed;
import io.quarkbar.wamp.protocol.uri.UriValidator;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.authorization.Authorizer;
import io.quarkbar.wamp.router.authorization.Refusal;
import io.quarkbar.wamp.router.config.Action;
import io.quarkbar.wamp.router.config.Disclose;
import io.quarkbar.wamp.router.config.Limits;
import io.quarkbar.wamp.router.config.MatchPolicy;
import io.quarkbar.wamp.router.config.Permission;
import io.quarkbar.wamp.router.match.UriMatcher;
import io.quarkbar.wamp.router.session.Session;
import io.quarkbar.wamp.router.transport.OutgoingMessage;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The broker of one realm: subscriptions and the routing of publications to them.
 *
 * <p>Publish runs on the publisher's thread without locks; subscribe and unsubscribe serialize on
 * the broker. SUBSCRIBED goes out before the subscriber becomes visible to publishers, so no EVENT
 * can overtake it.
 */
public final class Broker {

  /** The features this broker announces in WELCOME; each is implemented and tested. */
  public static final Map<String, Object> FEATURES =
      Map.of(
          "publisher_exclusion", true,
          "publisher_identification", true,
          "subscriber_blackwhite_listing", true,
          "pattern_based_subscription", true);

  private final Authorizer authorizer;
  private final UriValidator uris;
  private final UriMatcher<Subscription> byTopic = new UriMatcher<>();
  private final Map<Long, Subscription> byId = new ConcurrentHashMap<>();
  private final Map<Session, Set<Subscription>> bySession = new ConcurrentHashMap<>();
  private final IdSequence subscriptionIds = new IdSequence();
  private final Limits limits;

  public Broker(Authorizer authorizer, UriValidator uris, Limits limits) {
    this.authorizer = authorizer;
    this.uris = uris;
    this.limits = limits;
  }

  public void processSubscribe(Session session, Subscribe msg) {
    MatchPolicy match = MatchPolicy.fromWamp(msg.options().get("match"));
    String topic = msg.topic();
    Refusal refusal = Refusal.forPattern(session, topic, match, Action.SUBSCRIBE, uris, authorizer);
    if (refusal == Refusal.UNDECIDED) {
      authorizer.ask(session, msg, topic, Action.SUBSCRIBE);
      return;
    }
    if (refusal != null) {
      session.error(Subscribe.CODE, msg.request(), refusal.error(), refusal.message());
      return;
    }
    synchronized (this) {
      Set<Subscription> own = bySession.get(session);
      Subscription sub = byTopic.get(topic, match);
      if (own != null
          && own.size() >= limits.maxSubscriptionsPerSession()
          && (sub == null || !sub.contains(session))) {
        session.error(
            Subscribe.CODE,
            msg.request(),
            Limits.LIMIT_EXCEEDED,
            "this session has "
                + own.size()
                + " subscriptions, the router's limit; unsubscribe some first");
        return;
      }
      if (sub == null) {
        sub = new Subscription(subscriptionIds.next(), topic, match);
        byTopic.put(topic, match, sub);
        byId.put(sub.id, sub);
      }
      session.send(new Subscribed(msg.request(), sub.id));
      if (!sub.contains(session)) {
        sub.add(session);
        bySession.computeIfAbsent(session, s -> ConcurrentHashMap.newKeySet()).add(sub);
      }
    }
    // The session may have been ended from another thread (shutdown, kill) while this ran, after
    // its clean-up: then this subscription would outlive it.
    if (!session.isAlive()) {
      removeSession(session);
    }
  }

  public void processUnsubscribe(Session session, Unsubscribe msg) {
    synchronized (this) {
      Subscription sub = byId.get(msg.subscription());
      if (sub == null || !sub.remove(session)) {
        session.error(
            Unsubscribe.CODE,
            msg.request(),
            WampUris.NO_SUCH_SUBSCRIPTION,
            "no subscription " + msg.subscription() + " for this session");
        return;
      }
      Set<Subscription> own = bySession.get(session);
      if (own != null) {
        own.remove(sub);
      }
      dropIfEmpty(sub);
    }
    session.send(new Unsubscribed(msg.request(), Map.of()));
  }

  public void processPublish(Session publisher, Publish msg) {
    String topic = msg.topic();
    boolean acknowledge = Boolean.TRUE.equals(msg.options().get("acknowledge"));
    if (!uris.isValid(topic)) {
      refuse(publisher, msg, acknowledge, WampUris.INVALID_URI, "invalid topic " + topic);
      return;
    }
    if (UriValidator.isReserved(topic)) {
      refuse(
          publisher, msg, acknowledge, WampUris.NOT_AUTHORIZED, "topics under wamp. are reserved");
      return;
    }
    Permission permission = authorizer.permission(publisher, topic, Action.PUBLISH);
    Refusal refusal =
        Refusal.unless(permission, publisher.identity().authrole(), Action.PUBLISH, topic);
    if (refusal == Refusal.UNDECIDED) {
      authorizer.ask(publisher, msg, topic, Action.PUBLISH);
      return;
    }
    if (refusal != null) {
      refuse(publisher, msg, acknowledge, refusal.error(), refusal.message());
      return;
    }
    long publication = IdGenerator.globalId();
    boolean disclose =
        Authorizer.discloses(permission, Disclose.PUBLISHER)
            || Boolean.TRUE.equals(msg.options().get("disclose_me"));
    PublicationFilter filter = new PublicationFilter(publisher, msg.options());
    byTopic.forEachMatch(topic, sub -> deliver(sub, publisher, msg, publication, disclose, filter));
    if (acknowledge) {
      publisher.send(new Published(msg.request(), publication));
    }
  }

  /** Forgets every subscription of a session that has ended. */
  public void removeSession(Session session) {
    Set<Subscription> own = bySession.remove(session);
    if (own == null) {
      return;
    }
    synchronized (this) {
      for (Subscription sub : own) {
        sub.remove(session);
        dropIfEmpty(sub);
      }
    }
  }

  private void deliver(
      Subscription sub,
      Session publisher,
      Publish msg,
      long publication,
      boolean disclose,
      PublicationFilter filter) {
    Session[] subscribers = sub.subscribers();
    OutgoingMessage event = null;
    for (Session subscriber : subscribers) {
      if (!filter.accepts(subscriber)) {
        continue;
      }
      if (event == null) {
        event =
            new OutgoingMessage(
                new Event(
                    sub.id,
                    publication,
                    eventDetails(sub, publisher, msg, disclose),
                    msg.arguments(),
                    msg.argumentsKw()));
      }
      subscriber.send(event);
    }
  }

  private static Map<String, Object> eventDetails(
      Subscription sub, Session publisher, Publish msg, boolean disclose) {
    if (sub.match == MatchPolicy.EXACT && !isPassthru(msg)) {
      return disclose ? publisher.publisherDetails() : Map.of();
    }
    Map<String, Object> details = new HashMap<>(8);
    if (sub.match != MatchPolicy.EXACT) {
      details.put("topic", msg.topic());
    }
    if (disclose) {
      details.putAll(publisher.publisherDetails());
    }
    for (String key : new String[] {"ppt_scheme", "ppt_serializer", "ppt_cipher", "ppt_keyid"}) {
      Object v = msg.options().get(key);
      if (v != null) {
        details.put(key, v);
      }
    }
    return details;
  }

  private static boolean isPassthru(Publish msg) {
    return !msg.options().isEmpty() && msg.options().containsKey("ppt_scheme");
  }

  private void dropIfEmpty(Subscription sub) {
    if (sub.isEmpty()) {
      byTopic.remove(sub.uri, sub.match);
      byId.remove(sub.id);
    }
  }

  /**
   * An unacknowledged publish gets no answer at all, not even an error (the client expects none).
   */
  private static void refuse(
      Session publisher, Publish msg, boolean acknowledge, String uri, String message) {
    if (acknowledge) {
      publisher.error(Publish.CODE, msg.request(), uri, message);
    }
  }
}
