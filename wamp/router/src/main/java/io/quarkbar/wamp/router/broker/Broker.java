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
import io.quarkbar.wamp.router.broker.EventExchange.NotShared;
import io.quarkbar.wamp.router.config.Action;
import io.quarkbar.wamp.router.config.Disclose;
import io.quarkbar.wamp.router.config.EventStoreRule;
import io.quarkbar.wamp.router.config.Limits;
import io.quarkbar.wamp.router.config.MatchPolicy;
import io.quarkbar.wamp.router.config.Permission;
import io.quarkbar.wamp.router.dealer.Passthru;
import io.quarkbar.wamp.router.match.UriMatcher;
import io.quarkbar.wamp.router.session.Session;
import io.quarkbar.wamp.router.telemetry.Telemetry;
import io.quarkbar.wamp.router.telemetry.TraceContext;
import io.quarkbar.wamp.router.transport.OutgoingMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;

/**
 * The broker of one realm: subscriptions and the routing of publications to them.
 *
 * <p>Publish runs on the publisher's thread without locks; subscribe and unsubscribe serialize on
 * the broker. SUBSCRIBED goes out before the subscriber becomes visible to publishers, so no EVENT
 * can overtake it.
 *
 * <p>In a cluster ({@link #exchange}), a node's first subscription to a pattern also asks the other
 * nodes for its publications; its subscribers get SUBSCRIBED once that is confirmed, each admitted
 * on its own connection's thread (see {@link #followed}).
 */
public final class Broker {

  private static final org.jboss.logging.Logger LOG =
      org.jboss.logging.Logger.getLogger(Broker.class);

  /** The features this broker announces in WELCOME; each is implemented and tested. */
  public static final Map<String, Object> FEATURES =
      Map.of(
          "publisher_exclusion", true,
          "publisher_identification", true,
          "subscriber_blackwhite_listing", true,
          "pattern_based_subscription", true,
          "payload_passthru_mode", true,
          "session_meta_api", true,
          "subscription_meta_api", true);

  private final Authorizer authorizer;
  private final UriValidator uris;
  private final UriMatcher<Subscription> byTopic = new UriMatcher<>();
  private final Map<Long, Subscription> byId = new ConcurrentHashMap<>();
  private final Map<Session, Set<Subscription>> bySession = new ConcurrentHashMap<>();

  /** How many subscriptions each session waits for (see {@link #follow}); under the lock. */
  private final Map<Session, Integer> waiting = new HashMap<>();

  private final IdSequence subscriptionIds = new IdSequence();
  private final Limits limits;
  private volatile SubscriptionListener listener = SubscriptionListener.NONE;
  private String realm = "";
  private Telemetry telemetry = Telemetry.NONE;
  private RetainedEvents retained = new RetainedEvents(List.of());
  private Map<String, Object> features = FEATURES;

  /** The other nodes of a cluster, or null for a router on its own. */
  private volatile EventExchange exchange;

  /**
   * The error of a SUBSCRIBE or acknowledged PUBLISH that needs the other nodes of a cluster while
   * they cannot be reached (Quarkbar's own URI; the specification has none for it).
   */
  public static final String CLUSTER_UNAVAILABLE = "quarkbar.error.cluster_unavailable";

  public Broker(Authorizer authorizer, UriValidator uris, Limits limits) {
    this.authorizer = authorizer;
    this.uris = uris;
    this.limits = limits;
  }

  /**
   * Where publications are reported (metrics, traces), for realm {@code realm}. Called once, before
   * the realm takes sessions.
   */
  public void report(String realm, Telemetry telemetry) {
    this.realm = realm;
    this.telemetry = telemetry;
  }

  /**
   * Keeps the events {@code rules} name: retained events per topic, and the history of the
   * subscriptions they name, which exist from now on, with or without subscribers. Called once,
   * before the realm takes sessions.
   */
  public void keepEvents(List<EventStoreRule> rules) {
    retained = new RetainedEvents(rules);
    boolean history = false;
    for (EventStoreRule rule : rules) {
      if (rule.history() > 0) {
        Subscription sub = new Subscription(subscriptionIds.next(), rule.uri(), rule.match());
        sub.history = new EventHistory(rule.history());
        byTopic.put(rule.uri(), rule.match(), sub);
        byId.put(sub.id, sub);
        history = true;
      }
    }
    Map<String, Object> f = new java.util.LinkedHashMap<>(FEATURES);
    if (retained.isEnabled()) {
      f.put("event_retention", true);
    }
    if (history) {
      f.put("event_history", true);
    }
    features = java.util.Collections.unmodifiableMap(f);
  }

  /** The features this realm's broker announces: {@link #FEATURES} and what its rules add. */
  public Map<String, Object> features() {
    return features;
  }

  /**
   * Shares this broker's publications with the other nodes of a cluster and delivers theirs (see
   * {@link #deliverShared}). Called once, before the realm takes sessions.
   */
  public void exchange(EventExchange exchange) {
    this.exchange = exchange;
    // The subscriptions the rules keep (event history's): followed for ever, and under the
    // cluster's ID, which they take before the node takes sessions.
    for (Subscription sub : List.copyOf(byId.values())) {
      exchange.follow(realm, sub.uri, sub.match);
      exchange
          .keep(realm, sub.uri, sub.match)
          .thenAccept(
              shared -> {
                if (shared != null) {
                  synchronized (this) {
                    renumber(sub, shared.id());
                  }
                }
              });
    }
  }

  /**
   * Makes {@code sub} again under the cluster's ID {@code id} (with its history), before anyone is
   * added to it, so that an ID never changes once a client may have seen it; returns the
   * subscription under the cluster's ID. Under the broker's lock.
   */
  private Subscription renumber(Subscription sub, long id) {
    if (id == sub.id || !byId.remove(sub.id, sub)) {
      return sub;
    }
    Subscription joined = new Subscription(id, sub.uri, sub.match);
    joined.history = sub.history;
    byId.put(joined.id, joined);
    if (byTopic.get(sub.uri, sub.match) == sub) {
      byTopic.put(sub.uri, sub.match, joined);
    }
    return joined;
  }

  /** Where subscription changes are reported (the subscription meta events). */
  public void listen(SubscriptionListener listener) {
    this.listener = listener;
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
    Subscription sub;
    boolean created = false;
    boolean added = false;
    boolean waits;
    synchronized (this) {
      Set<Subscription> own = bySession.get(session);
      sub = byTopic.get(topic, match);
      int count = (own == null ? 0 : own.size()) + waiting.getOrDefault(session, 0);
      if (count >= limits.maxSubscriptionsPerSession() && (sub == null || !sub.contains(session))) {
        session.error(
            Subscribe.CODE,
            msg.request(),
            Limits.LIMIT_EXCEEDED,
            "this session has "
                + count
                + " subscriptions, the router's limit; unsubscribe some first");
        return;
      }
      if (sub == null) {
        sub = new Subscription(subscriptionIds.next(), topic, match);
        byTopic.put(topic, match, sub);
        byId.put(sub.id, sub);
        created = true;
      }
      if (created && exchange != null) {
        sub.followPending = new ArrayList<>();
        sub.followRequests = new ArrayList<>();
      }
      waits = sub.followPending != null;
      if (waits) {
        sub.followPending.add(session);
        sub.followRequests.add(msg);
        waiting.merge(session, 1, Integer::sum);
      } else {
        added = admit(session, msg, sub);
      }
    }
    if (!waits) {
      admitted(session, msg, sub, created, added);
    } else if (created) {
      follow(sub);
    }
  }

  /**
   * Asks the other nodes for the publications of a new subscription; its first subscribers wait for
   * SUBSCRIBED until they are sure to get them (subscribe on one node, then publish on another,
   * must never miss the event).
   */
  private void follow(Subscription sub) {
    java.util.concurrent.CompletionStage<EventExchange.SharedSubscription> followed;
    try {
      followed =
          exchange
              .follow(realm, sub.uri, sub.match)
              .thenCombine(exchange.claim(realm, sub.uri, sub.match), (ok, shared) -> shared);
    } catch (RuntimeException e) {
      followed = java.util.concurrent.CompletableFuture.failedFuture(e);
    }
    followed.whenComplete((shared, failure) -> followed(sub, shared, failure));
  }

  /**
   * The other nodes were asked for {@code sub}'s publications: its waiting subscribers are
   * admitted, or refused with the reason.
   *
   * <p>Each is admitted on its own connection's thread ({@link Session#execute}): there SUBSCRIBED
   * keeps its place before any EVENT the router sends it while routing. Under the broker's lock,
   * the subscriber is added before SUBSCRIBED goes out (its client may publish at once, here or on
   * another node, and must get the event), with the subscription marked {@code admitting}, which
   * makes publishers on other threads wait for the lock (see {@link #subscribersOf}).
   */
  private void followed(
      Subscription pending, EventExchange.SharedSubscription shared, Throwable failure) {
    List<Session> sessions;
    List<Subscribe> requests;
    Subscription sub = pending;
    synchronized (this) {
      sessions = sub.followPending;
      requests = sub.followRequests;
      sub.followPending = null;
      sub.followRequests = null;
      if (failure != null) {
        for (Session s : sessions) {
          stopWaiting(s);
        }
        if (!dropIfEmpty(sub) || sub.released == null) {
          // The claim may have worked where following did not: the cluster forgets this node.
          exchange.release(realm, sub.uri, sub.match);
        }
      } else {
        if (shared != null) {
          sub = renumber(sub, shared.id());
        }
        sub.admissions = sessions.size();
        if (shared != null) {
          // on_create comes from the node whose change created the cluster's subscription.
          sub.creationAnnounced = !shared.created();
        }
      }
    }
    admitWaiting(sub, sessions, requests, failure);
  }

  /** Admits (or refuses, after {@code failure}) the sessions that waited for {@code sub}. */
  private void admitWaiting(
      Subscription sub, List<Session> sessions, List<Subscribe> requests, Throwable failure) {
    for (int i = 0; i < sessions.size(); i++) {
      Session session = sessions.get(i);
      Subscribe request = requests.get(i);
      if (failure != null) {
        NotShared why = NotShared.of(failure);
        session.error(
            Subscribe.CODE,
            request.request(),
            why.error(),
            "the other router nodes cannot be asked for this topic's events: " + why.getMessage());
        continue;
      }
      Runnable admission =
          () -> {
            boolean added = false;
            boolean announceCreated = false;
            boolean announceDeleted = false;
            boolean alive = session.isAlive();
            synchronized (this) {
              stopWaiting(session);
              sub.admissions--;
              if (alive) {
                sub.admitting = true;
                added = add(session, sub);
                session.send(new Subscribed(request.request(), sub.id));
                sub.admitting = false;
                // on_create goes with the first admission that runs, whichever loop it is on.
                announceCreated = !sub.creationAnnounced;
                sub.creationAnnounced = true;
              } else {
                // Left while it waited: nothing to announce for it; the subscription goes with
                // the last admission (on_delete only if on_create went out).
                announceDeleted = dropIfEmpty(sub) && sub.creationAnnounced;
              }
            }
            if (alive) {
              admitted(session, request, sub, announceCreated, added);
            } else if (announceDeleted && !UriValidator.isReserved(sub.uri)) {
              announceDeleted(session, sub);
            }
          };
      try {
        session.execute(admission);
      } catch (RuntimeException e) {
        // Its event loop is shutting down: admit it here, so that the subscription is not held.
        admission.run();
      }
    }
  }

  /** One subscription fewer that {@code session} waits for; under the lock. */
  private void stopWaiting(Session session) {
    waiting.computeIfPresent(session, (k, n) -> n == 1 ? null : n - 1);
  }

  /**
   * Sends SUBSCRIBED and adds the session to {@code sub}; under the broker's lock, so that no EVENT
   * overtakes SUBSCRIBED. Returns whether the session was new to the subscription.
   */
  private boolean admit(Session session, Subscribe msg, Subscription sub) {
    session.send(new Subscribed(msg.request(), sub.id));
    return add(session, sub);
  }

  /** Adds the session to {@code sub}, under the broker's lock; false when it was there. */
  private boolean add(Session session, Subscription sub) {
    if (sub.contains(session)) {
      return false;
    }
    sub.add(session);
    bySession.computeIfAbsent(session, s -> ConcurrentHashMap.newKeySet()).add(sub);
    return true;
  }

  /** What follows a subscription, outside the lock: retained events and meta events. */
  private void admitted(
      Session session, Subscribe msg, Subscription sub, boolean created, boolean added) {
    if (Boolean.TRUE.equals(msg.options().get("get_retained"))) {
      sendRetained(session, sub);
    }
    // Subscriptions to the meta topics themselves fire no meta events, as in Crossbar: a
    // subscriber to wamp.subscription.on_subscribe would otherwise hear of itself (wamp-proto#493).
    if (!UriValidator.isReserved(sub.uri)) {
      if (created) {
        listener.subscriptionCreated(session, SubscriptionInfo.of(sub));
      }
      if (added) {
        listener.subscribed(session, sub.id);
      }
    }
    // The session may have been ended from another thread (shutdown, kill) while this ran, after
    // its clean-up: then this subscription would outlive it.
    if (!session.isAlive()) {
      removeSession(session);
    }
  }

  public void processUnsubscribe(Session session, Unsubscribe msg) {
    Subscription sub;
    boolean deleted;
    synchronized (this) {
      sub = byId.get(msg.subscription());
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
      deleted = dropIfEmpty(sub);
    }
    session.send(new Unsubscribed(msg.request(), Map.of()));
    left(session, sub, deleted);
  }

  private void left(Session session, Subscription sub, boolean deleted) {
    if (UriValidator.isReserved(sub.uri)) {
      return;
    }
    listener.unsubscribed(session, sub.id);
    if (deleted) {
      announceDeleted(session, sub);
    }
  }

  /**
   * {@code on_delete} for a subscription this node dropped: at once on its own, in a cluster only
   * if that ended the cluster's subscription (the last subscriber of every node has gone).
   */
  private void announceDeleted(Session session, Subscription sub) {
    java.util.concurrent.CompletionStage<Boolean> released = sub.released;
    if (released == null) {
      listener.subscriptionDeleted(session, sub.id);
      return;
    }
    released.whenComplete(
        (ended, failure) -> {
          // Not when the cluster could not be told: it still counts this node in.
          if (failure == null && (ended == null || ended)) {
            listener.subscriptionDeleted(session, sub.id);
          }
        });
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
    EventExchange others = exchange;
    if (others != null) {
      try {
        others.checkShareable(realm, topic);
      } catch (NotShared e) {
        refuse(publisher, msg, acknowledge, e.error(), e.getMessage());
        return;
      }
    }
    long publication;
    try {
      publication = publish(publisher, msg, permission);
    } catch (NotShared e) {
      refuse(
          publisher,
          msg,
          acknowledge,
          e.error(),
          "delivered on this router node only: " + e.getMessage());
      return;
    }
    if (retained.isEnabled() && Boolean.TRUE.equals(msg.options().get("retain"))) {
      boolean disclose =
          Authorizer.discloses(permission, Disclose.PUBLISHER)
              || Boolean.TRUE.equals(msg.options().get("disclose_me"));
      SharedPublication kept =
          new SharedPublication(
              publication,
              publisher.id(),
              disclose ? publisher.publisherDetails() : Map.of(),
              topic,
              msg.options(),
              msg.arguments(),
              msg.argumentsKw(),
              false);
      if (retained.offer(kept) && others != null) {
        others.retain(realm, kept);
      }
    }
    if (acknowledge) {
      publisher.send(new Published(msg.request(), publication));
    }
  }

  /**
   * Publishes a testament of a session that has left, as if it published it itself; the session's
   * permission to publish on the topic was checked when it left the testament.
   */
  public void publishTestament(Session publisher, Publish msg) {
    try {
      publish(publisher, msg, authorizer.permission(publisher.identity().authrole(), msg.topic()));
    } catch (NotShared e) {
      LOG.warnf(
          "the testament of session %d on %s reached this node only: %s",
          publisher.id(), msg.topic(), e.getMessage());
    }
  }

  /**
   * Delivers an authorized publication to its subscribers, on this node and through the exchange on
   * the others; returns its publication ID.
   *
   * @throws NotShared when it reached this node's subscribers only
   */
  private long publish(Session publisher, Publish msg, Permission permission) {
    long publication = IdGenerator.globalId();
    boolean disclose =
        Authorizer.discloses(permission, Disclose.PUBLISHER)
            || Boolean.TRUE.equals(msg.options().get("disclose_me"));
    PublicationFilter filter = new PublicationFilter(publisher, msg.options());
    Telemetry.Span span = telemetry.publicationSpan(realm, msg.topic(), publisher, msg.options());
    Map<String, Object> disclosure = disclose ? publisher.publisherDetails() : null;
    int[] receivers = {0};
    byTopic.forEachMatch(
        msg.topic(),
        sub ->
            receivers[0] +=
                deliver(
                    sub,
                    publication,
                    msg.topic(),
                    msg.options(),
                    msg.arguments(),
                    msg.argumentsKw(),
                    disclosure,
                    filter,
                    span));
    if (span != null) {
      span.end(null);
    }
    telemetry.published(receivers[0]);
    EventExchange others = exchange;
    if (others != null) {
      others.publish(
          realm,
          new SharedPublication(
              publication,
              publisher.id(),
              disclosure == null ? Map.of() : disclosure,
              msg.topic(),
              msg.options(),
              msg.arguments(),
              msg.argumentsKw(),
              false));
    }
    return publication;
  }

  /** Forgets every subscription of a session that has ended. */
  public void removeSession(Session session) {
    Set<Subscription> own = bySession.remove(session);
    if (own == null) {
      return;
    }
    List<Subscription> left = new ArrayList<>();
    List<Subscription> deleted = new ArrayList<>();
    synchronized (this) {
      for (Subscription sub : own) {
        // An UNSUBSCRIBE of the same session may have run meanwhile (a killed session's messages
        // are still routed until it ends): then it has done the rest.
        if (sub.remove(session)) {
          left.add(sub);
          if (dropIfEmpty(sub)) {
            deleted.add(sub);
          }
        }
      }
    }
    for (Subscription sub : left) {
      left(session, sub, deleted.contains(sub));
    }
  }

  /**
   * Publishes an event of the router's own (a meta event) to {@code topic}, under {@code wamp.}.
   * Only subscriptions whose own pattern lies under {@code wamp.} receive it: a client's prefix or
   * wildcard pattern ({@code ""}, {@code ".session.on_join"}) never catches the router's events, as
   * its registrations never catch the router's procedures.
   */
  public void publishAsRouter(String topic, List<Object> args, Map<String, Object> kwargs) {
    long publication = IdGenerator.globalId();
    byTopic.forEachMatch(topic, sub -> deliverAsRouter(sub, topic, publication, args, kwargs));
    EventExchange others = exchange;
    if (others != null) {
      try {
        others.publish(
            realm,
            new SharedPublication(publication, 0, Map.of(), topic, Map.of(), args, kwargs, true));
      } catch (NotShared e) {
        // At most once, as every event: the other nodes' meta subscribers miss this one.
        LOG.debugf("the meta event %s reached this node only: %s", topic, e.getMessage());
      }
    }
  }

  /**
   * The subscribers an event goes to. Read before {@code admitting}: a subscriber added by an
   * admission still under way (see {@link #follow}) is seen with the flag set, and the lock then
   * waits until its SUBSCRIBED is out.
   */
  private Session[] subscribersOf(Subscription sub) {
    Session[] subscribers = sub.subscribers();
    if (sub.admitting) {
      synchronized (this) {
        subscribers = sub.subscribers();
      }
    }
    return subscribers;
  }

  private void deliverAsRouter(
      Subscription sub,
      String topic,
      long publication,
      List<Object> args,
      Map<String, Object> kwargs) {
    if (!UriValidator.isReserved(sub.uri)) {
      return;
    }
    Session[] subscribers = subscribersOf(sub);
    if (subscribers.length == 0) {
      return;
    }
    Map<String, Object> details =
        sub.match == MatchPolicy.EXACT ? Map.of() : Map.of("topic", topic);
    OutgoingMessage event =
        new OutgoingMessage(new Event(sub.id, publication, details, args, kwargs));
    for (Session subscriber : subscribers) {
      subscriber.send(event);
    }
  }

  /**
   * Delivers a publication that another node of the cluster made (and delivered to its own
   * subscribers) to this node's subscribers, as that node would have: to those of its matching
   * subscriptions that {@code covered} accepts (the exchange's way of delivering each to a
   * subscription once when several of its channels carry the publication).
   */
  public void deliverShared(SharedPublication p, BiPredicate<String, MatchPolicy> covered) {
    if (p.fromRouter()) {
      byTopic.forEachMatch(
          p.topic(),
          sub -> {
            if (covered.test(sub.uri, sub.match)) {
              deliverAsRouter(sub, p.topic(), p.publication(), p.args(), p.kwargs());
            }
          });
      return;
    }
    PublicationFilter filter = new PublicationFilter(p.publisher(), p.options());
    Map<String, Object> disclosure = p.disclosure().isEmpty() ? null : p.disclosure();
    byTopic.forEachMatch(
        p.topic(),
        sub -> {
          if (covered.test(sub.uri, sub.match)) {
            deliver(
                sub,
                p.publication(),
                p.topic(),
                p.options(),
                p.args(),
                p.kwargs(),
                disclosure,
                filter,
                null);
          }
        });
  }

  /** Forgets the retained event of {@code topic}, if any. */
  public void forgetRetained(String topic) {
    retained.forget(topic);
  }

  /** Whether this realm keeps retained events (a rule retains some topics). */
  public boolean retainsEvents() {
    return retained.isEnabled();
  }

  /**
   * Keeps a retained publication of another node of the cluster (as the cluster's store of retained
   * events has it) if a rule of this realm retains its topic; it replaces the topic's retained
   * event.
   */
  public void retainShared(SharedPublication p) {
    retained.offer(p);
  }

  /**
   * Whether anyone is subscribed to {@code topic}, so that a meta event need not be built; in a
   * cluster, a subscriber may be on another node, so always.
   */
  public boolean hasSubscribers(String topic) {
    if (exchange != null) {
      return true;
    }
    boolean[] any = {false};
    byTopic.forEachMatch(topic, sub -> any[0] |= UriValidator.isReserved(sub.uri));
    return any[0];
  }

  // --- what the subscription meta API asks ---

  /**
   * The subscriptions of the other nodes (in a cluster) that this one has not, by ID; empty on a
   * node of its own.
   */
  private Map<Long, SubscriptionInfo> elsewhere() {
    EventExchange e = exchange;
    java.util.Collection<SubscriptionInfo> shared = e == null ? null : e.subscriptions(realm);
    if (shared == null) {
      return Map.of();
    }
    Map<Long, SubscriptionInfo> others = new java.util.LinkedHashMap<>();
    for (SubscriptionInfo s : shared) {
      if (!byId.containsKey(s.id())) {
        others.put(s.id(), s);
      }
    }
    return others;
  }

  /** Every subscription's ID (of every node, in a cluster), by match policy. */
  public Map<MatchPolicy, List<Long>> subscriptionIds() {
    Map<MatchPolicy, List<Long>> ids = new java.util.EnumMap<>(MatchPolicy.class);
    for (MatchPolicy m : MatchPolicy.values()) {
      ids.put(m, new ArrayList<>());
    }
    byId.values().forEach(s -> ids.get(s.match).add(s.id));
    elsewhere().values().forEach(s -> ids.get(s.match()).add(s.id()));
    return ids;
  }

  /** The subscription to exactly {@code topic} under {@code match}, if any (on any node). */
  public SubscriptionInfo lookup(String topic, MatchPolicy match) {
    Subscription s = byTopic.get(topic, match);
    if (s != null) {
      return SubscriptionInfo.of(s);
    }
    for (SubscriptionInfo other : elsewhere().values()) {
      if (other.uri().equals(topic) && other.match() == match) {
        return other;
      }
    }
    return null;
  }

  /** The IDs of every subscription an event to {@code topic} would go to (on any node). */
  public List<Long> match(String topic) {
    List<Long> ids = new ArrayList<>();
    byTopic.forEachMatch(topic, s -> ids.add(s.id));
    for (SubscriptionInfo other : elsewhere().values()) {
      if (UriMatcher.matches(other.uri(), other.match(), topic)) {
        ids.add(other.id());
      }
    }
    return ids;
  }

  /** Subscription {@code id} of any node, or null. */
  public SubscriptionInfo subscription(long id) {
    Subscription s = byId.get(id);
    return s == null ? elsewhere().get(id) : SubscriptionInfo.of(s);
  }

  /**
   * The session IDs of a subscription's subscribers on this node, or null when there is no such one
   * on any node (a subscription of other nodes only has none here).
   */
  public List<Long> subscribers(long id) {
    Subscription s = byId.get(id);
    if (s == null) {
      return elsewhere().containsKey(id) ? List.of() : null;
    }
    List<Long> ids = new ArrayList<>();
    for (Session session : s.subscribers()) {
      ids.add(session.id());
    }
    return ids;
  }

  /**
   * The session IDs of a subscription's subscribers on the other nodes of a cluster (none for a
   * single router), each node asked; fails with the cluster's reason when one does not answer.
   */
  public java.util.concurrent.CompletionStage<List<Long>> subscribersElsewhere(long id) {
    EventExchange e = exchange;
    return e == null
        ? java.util.concurrent.CompletableFuture.completedFuture(List.of())
        : e.subscribersElsewhere(realm, id);
  }

  /**
   * Sends the event to the subscribers of {@code sub} the filter accepts; returns how many.
   *
   * @param disclosure the publisher's identity for EVENT.Details, or null when not disclosed
   */
  private int deliver(
      Subscription sub,
      long publication,
      String topic,
      Map<String, Object> options,
      List<Object> args,
      Map<String, Object> kwargs,
      Map<String, Object> disclosure,
      PublicationFilter filter,
      Telemetry.Span span) {
    Session[] subscribers = subscribersOf(sub);
    OutgoingMessage event = null;
    int sent = 0;
    if (sub.history != null && !filter.namesSessions()) {
      sub.history.add(
          new EventHistory.Stored(
              java.time.Instant.now(),
              publication,
              topic,
              eventDetails(sub, topic, options, disclosure, null),
              args,
              kwargs,
              filter));
    }
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
                    eventDetails(sub, topic, options, disclosure, span),
                    args,
                    kwargs));
      }
      try {
        subscriber.send(event);
        sent++;
      } catch (RuntimeException e) {
        // A bug of ours in converting the event for this subscriber's serializer: the other
        // subscribers and the publisher must not pay for it.
        LOG.errorf(e, "could not send an event on %s to session %d", topic, subscriber.id());
        telemetry.eventDropped();
      }
    }
    return sent;
  }

  private static Map<String, Object> eventDetails(
      Subscription sub,
      String topic,
      Map<String, Object> options,
      Map<String, Object> disclosure,
      Telemetry.Span span) {
    boolean traced = span != null || TraceContext.present(options);
    boolean passthru = Passthru.isPassthru(options);
    if (sub.match == MatchPolicy.EXACT && !passthru && !traced) {
      return disclosure != null ? disclosure : Map.of();
    }
    Map<String, Object> details = new HashMap<>(8);
    if (sub.match != MatchPolicy.EXACT) {
      details.put("topic", topic);
    }
    if (disclosure != null) {
      details.putAll(disclosure);
    }
    Passthru.copy(options, details);
    if (traced) {
      TraceContext.pass(options, span, details);
    }
    return details;
  }

  /**
   * The retained events {@code sub} covers, to a session that just subscribed and asked for them,
   * marked {@code retained}: those it would have received had it been subscribed then.
   */
  private void sendRetained(Session session, Subscription sub) {
    for (RetainedEvents.Retained r : retained.matching(sub.uri, sub.match)) {
      if (!r.filter().accepts(session)) {
        continue;
      }
      Map<String, Object> details = new HashMap<>(r.disclosure());
      details.put("retained", true);
      if (sub.match != MatchPolicy.EXACT) {
        details.put("topic", r.topic());
      }
      session.send(new Event(sub.id, r.publication(), details, r.args(), r.kwargs()));
    }
  }

  /**
   * The history of subscription {@code id}, as {@code wamp.subscription.get_events} gives it to a
   * session of {@code authid} and {@code authrole}: the events it may see, oldest first; null when
   * there is no such subscription, an empty list when it keeps no history.
   */
  public List<Map<String, Object>> history(long id, String authid, String authrole) {
    Subscription sub = byId.get(id);
    if (sub == null) {
      return null;
    }
    List<Map<String, Object>> events = new ArrayList<>();
    if (sub.history == null) {
      return events;
    }
    for (EventHistory.Stored e : sub.history.all()) {
      if (e.filter().acceptsLater(authid, authrole)) {
        Map<String, Object> event = new java.util.LinkedHashMap<>();
        event.put("timestamp", e.timestamp().toString());
        event.put("subscription", sub.id);
        event.put("publication", e.publication());
        event.put("topic", e.topic());
        event.put("details", e.details());
        if (!e.args().isEmpty()) {
          event.put("args", e.args());
        }
        if (!e.kwargs().isEmpty()) {
          event.put("kwargs", e.kwargs());
        }
        events.add(event);
      }
    }
    return events;
  }

  /**
   * Removes a subscription without subscribers, unless it keeps event history (those stay, so that
   * their history does too); returns whether it did.
   */
  private boolean dropIfEmpty(Subscription sub) {
    if (sub.isEmpty()
        && sub.history == null
        && sub.followPending == null
        && sub.admissions == 0
        // Once only, and never a newer subscription to the same pattern (byTopic is by pattern).
        && byId.remove(sub.id, sub)) {
      if (byTopic.get(sub.uri, sub.match) == sub) {
        byTopic.remove(sub.uri, sub.match);
      }
      EventExchange others = exchange;
      if (others != null) {
        try {
          others.unfollow(realm, sub.uri, sub.match);
          sub.released = others.release(realm, sub.uri, sub.match);
        } catch (RuntimeException e) {
          LOG.errorf(e, "could not stop following %s", sub.uri);
        }
      }
      return true;
    }
    return false;
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
