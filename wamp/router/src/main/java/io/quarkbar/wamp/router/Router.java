package io.quarkbar.wamp.router;

import io.quarkbar.wamp.protocol.id.IdGenerator;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.uri.UriValidator;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.authentication.Authentication;
import io.quarkbar.wamp.router.authentication.Grant;
import io.quarkbar.wamp.router.broker.EventExchange;
import io.quarkbar.wamp.router.broker.SharedPublication;
import io.quarkbar.wamp.router.config.DynamicProcedure;
import io.quarkbar.wamp.router.config.Limits;
import io.quarkbar.wamp.router.config.RealmConfig;
import io.quarkbar.wamp.router.config.RouterConfig;
import io.quarkbar.wamp.router.dealer.CallExchange;
import io.quarkbar.wamp.router.dealer.Dealer;
import io.quarkbar.wamp.router.session.JoinHandler;
import io.quarkbar.wamp.router.session.Session;
import io.quarkbar.wamp.router.session.SessionDirectory;
import io.quarkbar.wamp.router.session.SessionIdentity;
import io.quarkbar.wamp.router.telemetry.Telemetry;
import io.quarkbar.wamp.router.transport.Transport;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The WAMP router core: realms, and sessions attached to them through any {@link Transport}. It
 * runs on the threads that deliver messages (Vert.x event loops in router-service, the test's
 * thread with {@link io.quarkbar.wamp.router.transport.LocalTransport}), plus one timer thread of
 * its own for deadlines (joins that take too long, calls to authenticators that do not answer).
 */
public final class Router implements JoinHandler {

  private static final Logger LOG = Logger.getLogger(Router.class);

  /** What the router says it is, in WELCOME.Details.agent. */
  public static final String AGENT = "Quarkbar";

  /**
   * Deadlines of every router in this JVM (one in production, many in tests): tasks that only
   * decide and hand over (end a session, fail a call), never block.
   */
  private static final ScheduledExecutorService TIMER = newTimer();

  private final Map<String, Realm> realms;
  private final UriValidator uris;
  private final Limits limits;
  private final ScheduledExecutorService timer;
  private final Authentication authentication;
  private final Telemetry telemetry;
  private final AtomicInteger connections = new AtomicInteger();
  private final Map<String, AtomicInteger> connectionsByAddress = new ConcurrentHashMap<>();
  private volatile boolean shuttingDown;

  public Router(RouterConfig config) {
    this(config, Telemetry.NONE);
  }

  /** A router that reports its work to {@code telemetry} (metrics, traces). */
  public Router(RouterConfig config, Telemetry telemetry) {
    this.telemetry = telemetry;
    this.uris = config.uriValidator();
    this.limits = config.limits();
    this.timer = TIMER;
    this.realms =
        config.realms().stream()
            .collect(
                Collectors.toUnmodifiableMap(
                    RealmConfig::name,
                    r ->
                        new Realm(
                            r,
                            config.uriValidator(),
                            limits,
                            timer,
                            this::callAsRouter,
                            telemetry)));
    this.authentication =
        new Authentication(
            config.realms(), limits, timer, this::welcome, this::callAsRouter, telemetry);
  }

  /**
   * Makes this router one node of a cluster for publications: they are shared through {@code
   * exchange} with the other nodes, whose own come back through {@link #deliverShared}. Called
   * once, before the router takes sessions.
   */
  public void shareEvents(EventExchange exchange) {
    realms.values().forEach(r -> r.broker().exchange(exchange));
  }

  /**
   * Makes this router one node of a cluster for registrations and calls: they are shared through
   * {@code exchange}, and what the other nodes send comes back through {@link #dealer}. Called
   * once, before the router takes sessions.
   */
  public void shareCalls(CallExchange exchange) {
    realms.values().forEach(r -> r.dealer().exchange(exchange, r::session));
  }

  /**
   * Makes this router one node of a cluster for sessions: their IDs are claimed in {@code
   * directory} before WELCOME, the session meta API answers for every node's sessions, and {@code
   * on_leave} goes out as {@link SessionDirectory} says. Called once, before the router takes
   * sessions.
   */
  public void shareSessions(SessionDirectory directory) {
    realms.values().forEach(r -> r.shareSessions(directory));
  }

  /**
   * Publishes {@code wamp.session.on_leave} for session {@code session} of {@code realm}, of this
   * node or of another (the directory decided this node announces it).
   */
  public void announceLeave(String realm, long session, String authid, String authrole) {
    Realm r = realms.get(realm);
    if (r != null) {
      r.announceLeave(session, authid, authrole);
    }
  }

  /**
   * Publishes the router's meta event {@code topic} with {@code args} in {@code realm}, about
   * sessions of another node (the cluster decided this node announces it).
   */
  public void announce(String realm, String topic, List<Object> args) {
    Realm r = realms.get(realm);
    if (r != null && r.broker().hasSubscribers(topic)) {
      r.broker().publishAsRouter(topic, new java.util.ArrayList<>(args), Map.of());
    }
  }

  /**
   * Ends session {@code session} of {@code realm} on this node with GOODBYE {@code reason} (asked
   * by another node, or because the cluster no longer lists it); false when this node has none.
   */
  public boolean kill(
      String realm, long session, String reason, String message, boolean announced) {
    Realm r = realms.get(realm);
    return r != null && r.kill(session, reason, message, announced);
  }

  /**
   * Ends session {@code session} of {@code realm} on this node, whose end the cluster announced
   * already (it took this node for gone while it was frozen or cut off): GOODBYE {@code reason},
   * and no meta event about it again. False when this node has no such session.
   */
  public boolean endForgotten(String realm, long session, String reason, String message) {
    Realm r = realms.get(realm);
    Session s = r == null ? null : r.session(session);
    if (s == null) {
      return false;
    }
    s.endAnnouncedElsewhere();
    return r.kill(session, reason, message, false);
  }

  /**
   * Ends every session of this node with GOODBYE {@code reason}: the node is cut off from its
   * cluster (fenced), and its sessions had better reconnect to a node that is not.
   */
  public void endAll(String reason, String message) {
    for (Realm r : realms.values()) {
      for (Session s : List.copyOf(r.sessions())) {
        if (s.identity() != null) {
          r.kill(s.id(), reason, message, true);
        }
      }
    }
  }

  /** The dealer of {@code realm}, or null when this router has no such realm. */
  public Dealer dealer(String realm) {
    Realm r = realms.get(realm);
    return r == null ? null : r.dealer();
  }

  /**
   * The session IDs of this node's subscribers to subscription {@code id} of {@code realm}, for
   * another node of the cluster that answers {@code wamp.subscription.list_subscribers}: empty when
   * this node has none, or no such realm.
   */
  public java.util.List<Long> subscribersHere(String realm, long id) {
    Realm r = realms.get(realm);
    java.util.List<Long> ids = r == null ? null : r.broker().subscribers(id);
    return ids == null ? java.util.List.of() : ids;
  }

  /** Node {@code node} runs as a new process: see {@link Dealer#nodeRestarted}, in every realm. */
  public void nodeRestarted(String node, long incarnation) {
    realms.values().forEach(r -> r.dealer().nodeRestarted(node, incarnation));
  }

  /** Node {@code node} left the cluster: see {@link Dealer#nodeLost}, in every realm. */
  public void nodeLost(String node) {
    realms.values().forEach(r -> r.dealer().nodeLost(node));
  }

  /**
   * Delivers a publication of another node of the cluster to this node's subscribers in {@code
   * realm} whose subscriptions {@code covered} accepts (see {@link
   * io.quarkbar.wamp.router.broker.Broker#deliverShared}); one for a realm this node does not have
   * is dropped.
   */
  public void deliverShared(
      String realm,
      SharedPublication publication,
      java.util.function.BiPredicate<String, io.quarkbar.wamp.router.config.MatchPolicy> covered) {
    Realm r = realms.get(realm);
    if (r != null) {
      r.broker().deliverShared(publication, covered);
    }
  }

  /**
   * Keeps a retained publication of another node of the cluster in {@code realm}, if a rule of the
   * realm retains its topic (see {@link io.quarkbar.wamp.router.broker.Broker#retainShared}).
   */
  public void retainShared(String realm, SharedPublication publication) {
    Realm r = realms.get(realm);
    if (r != null) {
      r.broker().retainShared(publication);
    }
  }

  /** Forgets the retained event of {@code topic} in {@code realm} (the cluster's was deleted). */
  public void forgetRetained(String realm, String topic) {
    Realm r = realms.get(realm);
    if (r != null) {
      r.broker().forgetRetained(topic);
    }
  }

  /** Whether a realm of this router keeps retained events. */
  public boolean retainsEvents() {
    return realms.values().stream().anyMatch(r -> r.broker().retainsEvents());
  }

  /**
   * Starts a session on a new connection; feed it the connection's messages. The connection must
   * send HELLO within the configured time, or it is closed.
   */
  public Session attach(Transport transport) {
    Session session = new Session(transport, this);
    connections.incrementAndGet();
    connectionsByAddress
        .computeIfAbsent(transport.remoteAddress(), a -> new AtomicInteger())
        .incrementAndGet();
    long seconds = limits.helloTimeout().toSeconds();
    session.armDeadline(
        timer.schedule(
            () ->
                session.joinTimedOut(
                    WampUris.PROTOCOL_VIOLATION, "no HELLO within " + seconds + " s"),
            limits.helloTimeout().toNanos(),
            TimeUnit.NANOSECONDS));
    return session;
  }

  @Override
  public Telemetry telemetry() {
    return telemetry;
  }

  @Override
  public void ended(Session session) {
    connections.decrementAndGet();
    connectionsByAddress.computeIfPresent(
        session.transport().remoteAddress(), (a, n) -> n.decrementAndGet() == 0 ? null : n);
  }

  /** Connections attached and not ended: sessions joined or still joining. */
  public int connectionCount() {
    return connections.get();
  }

  /** The most sessions the router takes ({@link Limits#maxSessions()}). */
  public int maxSessions() {
    return limits.maxSessions();
  }

  /** Whether new sessions are accepted (false once shutdown began). */
  public boolean isAcceptingSessions() {
    return !shuttingDown;
  }

  /** The number of open sessions over all realms. */
  public int sessionCount() {
    return realms.values().stream().mapToInt(r -> r.sessions().size()).sum();
  }

  /** The names of the realms. */
  public java.util.Set<String> realmNames() {
    return realms.keySet();
  }

  /** The number of open sessions in {@code realm} (0 for a realm that does not exist). */
  public int sessionCount(String realm) {
    Realm r = realms.get(realm);
    return r == null ? 0 : r.sessions().size();
  }

  /** Calls handed to a callee and not answered yet, over all realms. */
  public int callsInFlight() {
    return realms.values().stream().mapToInt(r -> r.dealer().callsInFlight()).sum();
  }

  @Override
  public void hello(Session session, Hello hello) {
    String realmName = hello.realm();
    if (shuttingDown) {
      session.abort(WampUris.SYSTEM_SHUTDOWN, "the router is shutting down");
      return;
    }
    String tooMany = overLimit(session.transport().remoteAddress());
    if (tooMany != null) {
      LOG.warnf("refused a session from %s: %s", session.transport().describe(), tooMany);
      session.abort(Limits.TOO_MANY_SESSIONS, tooMany);
      return;
    }
    if (!uris.isValid(realmName)) {
      session.abort(WampUris.INVALID_URI, "invalid realm URI " + realmName);
      return;
    }
    Realm realm = realms.get(realmName);
    if (realm == null) {
      session.abort(WampUris.NO_SUCH_REALM, "no realm " + realmName);
      return;
    }
    String badRoles = checkRoles(hello.details().get("roles"));
    if (badRoles != null) {
      session.protocolViolation(badRoles);
      return;
    }
    authentication.hello(session, realm.config(), hello);
  }

  private static final List<String> CLIENT_ROLES =
      List.of("publisher", "subscriber", "caller", "callee");

  /**
   * What is wrong with HELLO.Details.roles, or null: it must be a dict that announces at least one
   * of the four client roles, each as a dict (whose {@code features}, if present, is a dict too).
   * Roles the specification does not define are ignored.
   */
  private static String checkRoles(Object roles) {
    if (!(roles instanceof Map<?, ?> announced) || announced.isEmpty()) {
      return "HELLO.Details.roles must be a non-empty dict";
    }
    boolean any = false;
    for (String role : CLIENT_ROLES) {
      Object value = announced.get(role);
      if (value == null) {
        continue;
      }
      if (!(value instanceof Map<?, ?> dict)
          || (dict.containsKey("features") && !(dict.get("features") instanceof Map<?, ?>))) {
        return "HELLO.Details.roles." + role + " must be a dict, with a dict of features";
      }
      any = true;
    }
    return any ? null : "HELLO.Details.roles must announce one of " + CLIENT_ROLES;
  }

  /** Why a new session from {@code address} is one too many, or null when it is not. */
  private String overLimit(String address) {
    if (connections.get() > limits.maxSessions()) {
      return "the router has reached its limit of " + limits.maxSessions() + " sessions";
    }
    AtomicInteger fromAddress = connectionsByAddress.get(address);
    if (fromAddress != null && fromAddress.get() > limits.maxSessionsPerAddress()) {
      return "the router has reached its limit of "
          + limits.maxSessionsPerAddress()
          + " sessions from one address";
    }
    return null;
  }

  private void welcome(
      Session session, RealmConfig realmConfig, Grant grant, Map<String, Object> clientRoles) {
    Realm realm = realms.get(realmConfig.name());
    SessionDirectory directory = realm.directory();
    if (directory != null) {
      claim(session, realm, directory, grant, clientRoles, 1);
      return;
    }
    long id;
    do {
      id = IdGenerator.globalId();
    } while (!realm.add(session, id));
    open(session, realm, identity(id, realm, grant, clientRoles), grant);
  }

  /** Draws of a session ID the cluster may find taken before the join is given up. */
  private static final int MAX_CLAIMS = 5;

  /**
   * In a cluster: claims a session ID in the directory, then opens the session. The directory's
   * answer comes on another thread; the session goes on on its own connection's.
   */
  private void claim(
      Session session,
      Realm realm,
      SessionDirectory directory,
      Grant grant,
      Map<String, Object> clientRoles,
      int attempt) {
    SessionIdentity identity = identity(IdGenerator.globalId(), realm, grant, clientRoles);
    directory
        .claim(identity, session.transport().details())
        .whenComplete(
            (claimed, failure) ->
                session.execute(
                    () -> {
                      if (failure != null) {
                        EventExchange.NotShared why = EventExchange.NotShared.of(failure);
                        session.abort(
                            why.error(),
                            "this router node cannot open a session now: "
                                + why.getMessage()
                                + "; try again, or another node");
                      } else if (!claimed || !addListed(realm, session, directory, identity)) {
                        if (claimed) {
                          directory.release(identity, false);
                        }
                        if (session.state() != Session.State.AUTHENTICATING) {
                          return; // it ended meanwhile: nothing to draw another ID for
                        }
                        if (attempt < MAX_CLAIMS) {
                          claim(session, realm, directory, grant, clientRoles, attempt + 1);
                        } else {
                          session.abort(
                              io.quarkbar.wamp.router.broker.Broker.CLUSTER_UNAVAILABLE,
                              "the cluster found every session ID drawn taken; try again");
                        }
                      } else {
                        open(session, realm, identity, grant);
                      }
                    }));
  }

  /**
   * Adds a session whose ID the directory confirmed to its realm, unless the directory no longer
   * lists it (another node removed the entry meanwhile, taking this node for gone). The directory
   * forgets first and then looks for the session here; this adds first and then asks the directory:
   * one of the two sees the other.
   */
  private static boolean addListed(
      Realm realm, Session session, SessionDirectory directory, SessionIdentity identity) {
    long id = identity.sessionId();
    if (!realm.add(session, id)) {
      return false;
    }
    if (!directory.listed(id)) {
      realm.remove(session, id);
      return false;
    }
    return true;
  }

  private static SessionIdentity identity(
      long id, Realm realm, Grant grant, Map<String, Object> clientRoles) {
    String authid = grant.authid() != null ? grant.authid() : "anonymous-" + id;
    return new SessionIdentity(
        id,
        realm.name(),
        authid,
        grant.authrole(),
        grant.authmethod(),
        grant.authprovider(),
        grant.authextra(),
        clientRoles);
  }

  /** WELCOME, and the realm's meta subscribers told. */
  private void open(Session session, Realm realm, SessionIdentity identity, Grant grant) {
    String authid = identity.authid();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("roles", realm.roles());
    details.put("agent", AGENT);
    details.put("authid", authid);
    details.put("authrole", grant.authrole());
    details.put("authmethod", grant.authmethod());
    details.put("authprovider", grant.authprovider());
    if (!grant.authextra().isEmpty()) {
      details.put("authextra", grant.authextra());
    }
    if (session.open(identity, realm, details)) {
      realm.joined(session);
    } else {
      // It ended while joining: it never joined, so its leaving is nobody's news.
      session.leaveUnannounced();
      realm.closed(session);
    }
  }

  /**
   * Calls an authenticator or authorizer procedure. One that is not registered is tried again every
   * {@link #UNREGISTERED_RETRY_MS} ms within its timeout: right after the router starts, the
   * services that register these procedures are still connecting, and a browser that reconnects
   * first would otherwise be refused for good.
   */
  private CompletableFuture<Result> callAsRouter(DynamicProcedure procedure, List<Object> args) {
    CompletableFuture<Result> answer = new CompletableFuture<>();
    callAsRouter(procedure, args, System.nanoTime() + procedure.timeout().toNanos(), answer);
    return answer;
  }

  private static final long UNREGISTERED_RETRY_MS = 100;

  private void callAsRouter(
      DynamicProcedure procedure,
      List<Object> args,
      long deadline,
      CompletableFuture<Result> answer) {
    Realm realm = realms.get(procedure.realm());
    long left = deadline - System.nanoTime();
    realm
        .internalCaller()
        .call(procedure.procedure(), args, Map.of(), Duration.ofNanos(Math.max(1, left)))
        .whenComplete(
            (result, error) -> {
              if (error == null) {
                answer.complete(result);
              } else if (unregistered(error)
                  && !shuttingDown
                  && deadline - System.nanoTime()
                      > TimeUnit.MILLISECONDS.toNanos(UNREGISTERED_RETRY_MS)) {
                timer.schedule(
                    () -> callAsRouter(procedure, args, deadline, answer),
                    UNREGISTERED_RETRY_MS,
                    TimeUnit.MILLISECONDS);
              } else {
                answer.completeExceptionally(error);
              }
            });
  }

  private static boolean unregistered(Throwable error) {
    return Stages.cause(error) instanceof CallFailure f
        && WampUris.NO_SUCH_PROCEDURE.equals(f.error());
  }

  /**
   * Ends every session with GOODBYE {@code wamp.close.system_shutdown} and waits up to {@code
   * timeout} for the clients to answer; the transports then close what is left.
   */
  public void shutdown(long timeout, TimeUnit unit) {
    shuttingDown = true;
    List<Session> open = realms.values().stream().flatMap(r -> r.sessions().stream()).toList();
    LOG.infof("shutting down: saying GOODBYE to %d sessions", open.size());
    open.forEach(s -> s.goodbye(WampUris.SYSTEM_SHUTDOWN, "the router is shutting down"));
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (sessionCount() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    open.forEach(Session::end);
  }

  private static ScheduledExecutorService newTimer() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "quarkbar-router-timer");
              t.setDaemon(true);
              return t;
            });
    // A join deadline is cancelled for almost every session; cancelled tasks must not pile up.
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }
}
