package io.quarkbar.wamp.router.meta;

import io.quarkbar.wamp.protocol.message.Publish;
import io.quarkbar.wamp.protocol.uri.UriValidator;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.authorization.Authorizer;
import io.quarkbar.wamp.router.broker.Broker;
import io.quarkbar.wamp.router.broker.SubscriptionInfo;
import io.quarkbar.wamp.router.broker.SubscriptionListener;
import io.quarkbar.wamp.router.config.Action;
import io.quarkbar.wamp.router.config.Limits;
import io.quarkbar.wamp.router.config.MatchPolicy;
import io.quarkbar.wamp.router.dealer.Dealer;
import io.quarkbar.wamp.router.dealer.RegistrationInfo;
import io.quarkbar.wamp.router.dealer.RegistrationListener;
import io.quarkbar.wamp.router.dealer.RouterProcedure;
import io.quarkbar.wamp.router.dealer.RouterProcedure.Answer;
import io.quarkbar.wamp.router.dealer.RouterProcedure.Failure;
import io.quarkbar.wamp.router.session.Session;
import io.quarkbar.wamp.router.session.SessionDirectory;
import io.quarkbar.wamp.router.session.SessionDirectory.SharedSession;
import io.quarkbar.wamp.router.session.SessionIdentity;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;

/**
 * The session, registration and subscription meta API of one realm, as the specification names and
 * shapes them (meta_api_sessions.md, rpc_registration_meta_api.md,
 * pubsub_subscription_meta_api.md): events the router publishes after the change they describe, and
 * procedures it answers itself. Who may subscribe to which event and call which procedure is
 * decided by the realm's permissions, like any URI.
 */
public final class MetaApi implements RegistrationListener, SubscriptionListener {

  static final String ON_JOIN = "wamp.session.on_join";
  static final String ON_LEAVE = "wamp.session.on_leave";

  /**
   * What the meta API needs of its realm: its sessions on this node, a way to end one, and, in a
   * cluster, the directory of every node's sessions.
   */
  public interface Sessions {
    /** The realm's name. */
    String realm();

    /** The realm's sessions on this node. */
    Collection<Session> all();

    /** The realm's session {@code id} on this node, or null. */
    Session get(long id);

    /** The cluster's directory of sessions, or null for a router on its own. */
    SessionDirectory directory();

    /**
     * Ends {@code session} with GOODBYE {@code reason}; with {@code announced} false, its leaving
     * fires no {@code on_leave} ({@code kill_all}).
     */
    void kill(Session session, String reason, String message, boolean announced);
  }

  private final Sessions sessions;
  private final Broker broker;
  private final Dealer dealer;
  private final UriValidator uris;
  private final Authorizer authorizer;
  private final Map<Session, Testaments> testaments = new ConcurrentHashMap<>();

  public MetaApi(
      Sessions sessions, Broker broker, Dealer dealer, UriValidator uris, Authorizer authorizer) {
    this.sessions = sessions;
    this.broker = broker;
    this.dealer = dealer;
    this.uris = uris;
    this.authorizer = authorizer;
  }

  // --- events ---

  /** A session has joined: {@code wamp.session.on_join(details)}. */
  public void joined(Session session) {
    if (broker.hasSubscribers(ON_JOIN)) {
      broker.publishAsRouter(ON_JOIN, list(details(session)), Map.of());
    }
  }

  /**
   * A session has left: its testaments go out, then {@code wamp.session.on_leave(session, authid,
   * authrole)}; with {@code announced} false ({@code kill_all}), neither. In a cluster, {@code
   * on_leave} goes out once the directory has forgotten the session, from the node whose removal
   * took effect (see {@link SessionDirectory}).
   */
  public void left(Session session, boolean announced) {
    Testaments left = testaments.remove(session);
    if (announced && left != null) {
      left.all().forEach(t -> broker.publishTestament(session, t));
    }
    SessionDirectory directory = sessions.directory();
    SessionIdentity i = session.identity();
    if (directory != null) {
      directory.release(i, announced);
    } else if (announced) {
      announceLeave(i.sessionId(), i.authid(), i.authrole());
    }
  }

  /** {@code wamp.session.on_leave(session, authid, authrole)}. */
  public void announceLeave(long session, String authid, String authrole) {
    if (broker.hasSubscribers(ON_LEAVE)) {
      broker.publishAsRouter(
          ON_LEAVE, new ArrayList<>(List.of(session, authid, authrole)), Map.of());
    }
  }

  @Override
  public void registrationCreated(Session session, RegistrationInfo registration) {
    event("wamp.registration.on_create", session.id(), registration.details());
  }

  @Override
  public void registered(Session session, long registration) {
    event("wamp.registration.on_register", session.id(), registration);
  }

  @Override
  public void unregistered(Session session, long registration) {
    if (session.endAnnouncedAlready()) {
      return;
    }
    event("wamp.registration.on_unregister", session.id(), registration);
  }

  @Override
  public void registrationDeleted(Session session, long registration) {
    if (session.endAnnouncedAlready()) {
      return;
    }
    event("wamp.registration.on_delete", session.id(), registration);
  }

  @Override
  public void subscriptionCreated(Session session, SubscriptionInfo subscription) {
    event("wamp.subscription.on_create", session.id(), subscription.details());
  }

  @Override
  public void subscribed(Session session, long subscription) {
    event("wamp.subscription.on_subscribe", session.id(), subscription);
  }

  @Override
  public void unsubscribed(Session session, long subscription) {
    if (session.endAnnouncedAlready()) {
      return;
    }
    event("wamp.subscription.on_unsubscribe", session.id(), subscription);
  }

  @Override
  public void subscriptionDeleted(Session session, long subscription) {
    if (session.endAnnouncedAlready()) {
      return;
    }
    event("wamp.subscription.on_delete", session.id(), subscription);
  }

  private void event(String topic, Object... args) {
    if (broker.hasSubscribers(topic)) {
      broker.publishAsRouter(topic, new ArrayList<>(List.of(args)), Map.of());
    }
  }

  // --- procedures ---

  /** The meta procedures, by URI. */
  public Map<String, RouterProcedure> procedures() {
    Map<String, RouterProcedure> p = new HashMap<>();
    p.put("wamp.session.count", (caller, args, kw) -> Answer.of(matching(args).size()));
    p.put("wamp.session.list", (caller, args, kw) -> Answer.of(matching(args)));
    p.put("wamp.session.get", (caller, args, kw) -> Answer.of(get(args)));
    p.put("wamp.session.kill", this::kill);
    p.put(
        "wamp.session.kill_by_authid",
        (caller, args, kw) -> {
          String authid = string(args, 0, "authid");
          return killAll(caller, kw, (id, role) -> id.equals(authid), true);
        });
    p.put(
        "wamp.session.kill_by_authrole",
        (caller, args, kw) -> {
          String authrole = string(args, 0, "authrole");
          return killAll(caller, kw, (id, role) -> role.equals(authrole), true);
        });
    p.put(
        "wamp.session.kill_all",
        (caller, args, kw) -> killAll(caller, kw, (id, role) -> true, false));
    p.put("wamp.session.add_testament", this::addTestament);
    p.put(
        "wamp.session.flush_testaments",
        (caller, args, kw) -> {
          Testaments t = testaments.get(caller);
          if (t != null) {
            t.flush(scope(kw));
          }
          return new Answer(List.of(), Map.of());
        });

    p.put(
        "wamp.registration.list",
        (caller, args, kw) -> Answer.of(byPolicy(dealer.registrationIds())));
    p.put(
        "wamp.registration.lookup",
        (caller, args, kw) -> {
          RegistrationInfo r = dealer.lookup(string(args, 0, "procedure"), match(args));
          return Answer.of(r == null ? null : r.id());
        });
    p.put(
        "wamp.registration.match",
        (caller, args, kw) -> {
          RegistrationInfo r = dealer.match(string(args, 0, "procedure"));
          return Answer.of(r == null ? null : r.id());
        });
    p.put("wamp.registration.get", (caller, args, kw) -> Answer.of(registration(args).details()));
    p.put("wamp.registration.list_callees", (caller, args, kw) -> Answer.of(callees(args)));
    p.put("wamp.registration.count_callees", (caller, args, kw) -> Answer.of(callees(args).size()));

    p.put(
        "wamp.subscription.list",
        (caller, args, kw) -> Answer.of(byPolicy(broker.subscriptionIds())));
    p.put(
        "wamp.subscription.lookup",
        (caller, args, kw) -> {
          SubscriptionInfo s = broker.lookup(string(args, 0, "topic"), match(args));
          return Answer.of(s == null ? null : s.id());
        });
    p.put(
        "wamp.subscription.match",
        (caller, args, kw) -> {
          List<Long> ids = broker.match(string(args, 0, "topic"));
          return Answer.of(ids.isEmpty() ? null : ids);
        });
    p.put("wamp.subscription.get", (caller, args, kw) -> Answer.of(subscription(args).details()));
    p.put("wamp.subscription.get_events", this::getEvents);
    p.put(
        "wamp.subscription.list_subscribers",
        (RouterProcedure.Later) (caller, args, kw) -> subscribers(args).thenApply(Answer::of));
    p.put(
        "wamp.subscription.count_subscribers",
        (RouterProcedure.Later)
            (caller, args, kw) -> subscribers(args).thenApply(ids -> Answer.of(ids.size())));
    return p;
  }

  /**
   * {@code add_testament(topic, args, kwargs, publish_options=, scope=)}. The caller's role must be
   * allowed to publish on the topic by a static permission: the testament goes out when the session
   * can no longer be asked.
   */
  @SuppressWarnings("unchecked")
  private Answer addTestament(Session caller, List<Object> args, Map<String, Object> kwargs) {
    String topic = string(args, 0, "topic");
    if (!uris.isValid(topic) || UriValidator.isReserved(topic)) {
      throw new Failure(WampUris.INVALID_URI, "invalid topic for a testament: " + topic);
    }
    Object eventArgs = args.size() > 1 ? args.get(1) : List.of();
    Object eventKwargs = args.size() > 2 ? args.get(2) : Map.of();
    if (!(eventArgs instanceof List<?>) || !(eventKwargs instanceof Map<?, ?>)) {
      throw invalid("add_testament(topic, args|list, kwargs|dict)");
    }
    Object options = kwargs.getOrDefault("publish_options", Map.of());
    if (!(options instanceof Map<?, ?>)) {
      throw invalid("publish_options must be a dict");
    }
    String role = caller.identity().authrole();
    if (!authorizer.isAllowed(role, topic, Action.PUBLISH)) {
      throw new Failure(
          WampUris.NOT_AUTHORIZED,
          "role "
              + role
              + " may not publish to "
              + topic
              + " (a testament needs a static permission)");
    }
    Publish testament =
        new Publish(
            0,
            (Map<String, Object>) options,
            topic,
            (List<Object>) eventArgs,
            (Map<String, Object>) eventKwargs);
    if (!testaments.computeIfAbsent(caller, s -> new Testaments()).add(scope(kwargs), testament)) {
      throw new Failure(
          Limits.LIMIT_EXCEEDED, "a session may leave at most " + Testaments.MAX + " testaments");
    }
    return new Answer(List.of(), Map.of());
  }

  /**
   * {@code get_events(subscription, reverse=, limit=, from_time=, after_time=, before_time=,
   * until_time=, topic=, from_publication=, after_publication=, before_publication=,
   * until_publication=)}: the subscription's history as the caller may see it, the filters combined
   * with AND. The caller's role must be allowed to subscribe to the subscription's pattern.
   */
  private Answer getEvents(Session caller, List<Object> args, Map<String, Object> kwargs) {
    SubscriptionInfo info = subscription(args);
    SessionIdentity who = caller.identity();
    if (!authorizer.isAllowed(who.authrole(), info.uri(), Action.SUBSCRIBE)) {
      throw new Failure(
          WampUris.NOT_AUTHORIZED,
          "role "
              + who.authrole()
              + " may not subscribe to "
              + info.uri()
              + ", so not read its events");
    }
    List<Map<String, Object>> events = broker.history(info.id(), who.authid(), who.authrole());
    return Answer.of(HistoryQuery.of(kwargs).apply(events));
  }

  private static String scope(Map<String, Object> kwargs) {
    Object scope = kwargs.getOrDefault("scope", "destroyed");
    if (!"destroyed".equals(scope) && !"detached".equals(scope)) {
      throw invalid("scope must be destroyed or detached");
    }
    return (String) scope;
  }

  /**
   * The IDs of the realm's sessions (of every node in a cluster), filtered by {@code
   * filter_authroles} when the call gives one.
   */
  private List<Long> matching(List<Object> args) {
    List<?> roles = null;
    if (!args.isEmpty() && args.getFirst() != null) {
      if (!(args.getFirst() instanceof List<?> l)
          || !l.stream().allMatch(String.class::isInstance)) {
        throw invalid("filter_authroles must be a list of strings");
      }
      roles = l;
    }
    List<Long> found = new ArrayList<>();
    SessionDirectory directory = sessions.directory();
    java.util.Set<Long> listed = null;
    if (directory != null) {
      listed = new java.util.HashSet<>();
      for (SharedSession s : directory.sessions(sessions.realm())) {
        listed.add(s.id());
        if (roles == null || roles.contains(s.authrole())) {
          found.add(s.id());
        }
      }
    }
    // This node's own sessions always, even one whose entry the mirror has not seen come back yet.
    for (Session s : sessions.all()) {
      if (listed != null && listed.contains(s.id())) {
        continue;
      }
      SessionIdentity i = s.identity();
      if (i != null && (roles == null || roles.contains(i.authrole()))) {
        found.add(s.id());
      }
    }
    return found;
  }

  /** {@code wamp.session.get(session)}: the session's details, from whichever node. */
  private Map<String, Object> get(List<Object> args) {
    long id = id(args, "session");
    Session local = sessions.get(id);
    if (local != null && local.identity() != null) {
      return details(local);
    }
    SessionDirectory directory = sessions.directory();
    SharedSession shared = directory == null ? null : directory.session(sessions.realm(), id);
    if (shared == null) {
      throw new Failure(WampUris.NO_SUCH_SESSION, "no session " + id);
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("session", shared.id());
    d.put("authid", shared.authid());
    d.put("authrole", shared.authrole());
    d.put("authmethod", shared.authmethod());
    d.put("authprovider", shared.authprovider());
    d.put("transport", shared.transport());
    return d;
  }

  /** {@code wamp.session.kill(session)}: a session of this node or, in a cluster, of another. */
  private Answer kill(Session caller, List<Object> args, Map<String, Object> kwargs) {
    long id = id(args, "session");
    if (id == caller.id()) {
      throw new Failure(
          WampUris.NO_SUCH_SESSION, "a session cannot kill itself this way; say GOODBYE");
    }
    String reason = reason(kwargs);
    String message = message(kwargs);
    Session local = sessions.get(id);
    if (local != null) {
      sessions.kill(local, reason, message, true);
      return new Answer(List.of(), Map.of());
    }
    SessionDirectory directory = sessions.directory();
    SharedSession shared = directory == null ? null : directory.session(sessions.realm(), id);
    if (shared == null) {
      throw new Failure(WampUris.NO_SUCH_SESSION, "no session " + id);
    }
    if (!directory.kill(shared, reason, message, true)) {
      throw new Failure(
          io.quarkbar.wamp.router.broker.Broker.CLUSTER_UNAVAILABLE,
          "session " + id + " is on router node " + shared.node() + ", which cannot be reached");
    }
    return new Answer(List.of(), Map.of());
  }

  /**
   * Ends every session but the caller's that {@code which} accepts (given authid and authrole): on
   * this node, and, in a cluster, on the others (each asked by its node); answers how many.
   */
  private Answer killAll(
      Session caller,
      Map<String, Object> kwargs,
      BiPredicate<String, String> which,
      boolean announced) {
    String reason = reason(kwargs);
    String message = message(kwargs);
    int killed = 0;
    for (Session s : List.copyOf(sessions.all())) {
      SessionIdentity i = s.identity();
      if (i != null && s != caller && which.test(i.authid(), i.authrole())) {
        sessions.kill(s, reason, message, announced);
        killed++;
      }
    }
    SessionDirectory directory = sessions.directory();
    if (directory != null) {
      for (SharedSession s : directory.sessions(sessions.realm())) {
        if (sessions.get(s.id()) == null
            && s.id() != caller.id()
            && which.test(s.authid(), s.authrole())) {
          if (directory.kill(s, reason, message, announced)) {
            killed++;
          }
        }
      }
    }
    return Answer.of(killed);
  }

  /**
   * The GOODBYE reason for a killed session: {@code reason} if given, else {@code
   * wamp.close.killed}. (The meta API text says {@code wamp.close.normal}; the specification's URI
   * table defines {@code wamp.close.killed} for exactly this, and that is what a client can tell
   * apart from a normal close.)
   */
  private String reason(Map<String, Object> kwargs) {
    Object reason = kwargs.get("reason");
    if (reason == null) {
      return WampUris.KILLED;
    }
    if (!(reason instanceof String r) || !uris.isValid(r)) {
      throw new Failure(WampUris.INVALID_URI, "reason must be a valid URI, got " + reason);
    }
    return r;
  }

  private static String message(Map<String, Object> kwargs) {
    Object message = kwargs.get("message");
    if (message != null && !(message instanceof String)) {
      throw invalid("message must be a string");
    }
    return (String) message;
  }

  private static Map<String, Object> details(Session s) {
    SessionIdentity i = s.identity();
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("session", i.sessionId());
    d.put("authid", i.authid());
    d.put("authrole", i.authrole());
    d.put("authmethod", i.authmethod());
    d.put("authprovider", i.authprovider());
    d.put("transport", s.transport().details());
    return d;
  }

  private static Map<String, Object> byPolicy(Map<MatchPolicy, List<Long>> ids) {
    Map<String, Object> lists = new LinkedHashMap<>();
    for (MatchPolicy m : MatchPolicy.values()) {
      lists.put(m.wampName(), ids.get(m));
    }
    return lists;
  }

  private RegistrationInfo registration(List<Object> args) {
    long id = id(args, "registration");
    RegistrationInfo r = dealer.registration(id);
    if (r == null) {
      throw new Failure(WampUris.NO_SUCH_REGISTRATION, "no registration " + id);
    }
    return r;
  }

  private List<Long> callees(List<Object> args) {
    long id = id(args, "registration");
    List<Long> callees = dealer.callees(id);
    if (callees == null) {
      throw new Failure(WampUris.NO_SUCH_REGISTRATION, "no registration " + id);
    }
    return callees;
  }

  private SubscriptionInfo subscription(List<Object> args) {
    long id = id(args, "subscription");
    SubscriptionInfo s = broker.subscription(id);
    if (s == null) {
      throw new Failure(WampUris.NO_SUCH_SUBSCRIPTION, "no subscription " + id);
    }
    return s;
  }

  /**
   * The session IDs of a subscription's subscribers: this node's, then those of the other nodes of
   * a cluster (asked, so the answer comes later).
   */
  private CompletionStage<List<Long>> subscribers(List<Object> args) {
    long id = id(args, "subscription");
    List<Long> here = broker.subscribers(id);
    if (here == null) {
      throw new Failure(WampUris.NO_SUCH_SUBSCRIPTION, "no subscription " + id);
    }
    return broker
        .subscribersElsewhere(id)
        .thenApply(
            there -> {
              if (there.isEmpty()) {
                return here;
              }
              List<Long> all = new ArrayList<>(here);
              all.addAll(there);
              return all;
            });
  }

  /** The match policy in the optional second argument, {@code options|dict}. */
  private static MatchPolicy match(List<Object> args) {
    if (args.size() < 2 || args.get(1) == null) {
      return MatchPolicy.EXACT;
    }
    if (!(args.get(1) instanceof Map<?, ?> options)) {
      throw invalid("options must be a dict");
    }
    Object match = options.get("match");
    if (match != null && !List.of("exact", "prefix", "wildcard").contains(match)) {
      throw invalid("match must be exact, prefix or wildcard");
    }
    return MatchPolicy.fromWamp(match);
  }

  private static long id(List<Object> args, String name) {
    if (args.isEmpty()
        || !(args.getFirst() instanceof Number n)
        || n.doubleValue() != n.longValue()) {
      throw invalid(name + "|id is required as the first argument");
    }
    return n.longValue();
  }

  private static String string(List<Object> args, int index, String name) {
    if (args.size() <= index || !(args.get(index) instanceof String s)) {
      throw invalid(name + " is required as argument " + (index + 1) + ", a string");
    }
    return s;
  }

  private static Failure invalid(String message) {
    return new Failure(WampUris.INVALID_ARGUMENT, message);
  }

  private static List<Object> list(Object value) {
    List<Object> l = new ArrayList<>(1);
    l.add(value);
    return l;
  }
}
