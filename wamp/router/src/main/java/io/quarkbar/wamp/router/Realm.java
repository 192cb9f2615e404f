package io.quarkbar.wamp.router;

import io.quarkbar.wamp.protocol.message.Abort;
import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Cancel;
import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Goodbye;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Publish;
import io.quarkbar.wamp.protocol.message.Register;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.Subscribe;
import io.quarkbar.wamp.protocol.message.Unregister;
import io.quarkbar.wamp.protocol.message.Unsubscribe;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.protocol.uri.UriValidator;
import io.quarkbar.wamp.router.authorization.Authorizer;
import io.quarkbar.wamp.router.authorization.DynamicAuthorizer;
import io.quarkbar.wamp.router.broker.Broker;
import io.quarkbar.wamp.router.config.DynamicProcedure;
import io.quarkbar.wamp.router.config.Limits;
import io.quarkbar.wamp.router.config.RealmConfig;
import io.quarkbar.wamp.router.dealer.Dealer;
import io.quarkbar.wamp.router.meta.MetaApi;
import io.quarkbar.wamp.router.session.Session;
import io.quarkbar.wamp.router.session.SessionDirectory;
import io.quarkbar.wamp.router.session.SessionIdentity;
import io.quarkbar.wamp.router.session.SessionListener;
import io.quarkbar.wamp.router.telemetry.Telemetry;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.jboss.logging.Logger;

/**
 * A routing namespace: its sessions, its broker and dealer, and its authorization. Messages of open
 * sessions are dispatched here to the broker or the dealer, the way the specification splits them.
 */
public final class Realm implements SessionListener {

  /** One line per session join and leave; its own category, so that it can be turned down. */
  private static final Logger LOG = Logger.getLogger("io.quarkbar.sessions");

  private final String name;
  private final RealmConfig config;
  private final Authorizer authorizer;
  private final DynamicAuthorizer dynamicAuthorizer;
  private final Broker broker;
  private final Dealer dealer;
  private final ScheduledExecutorService timer;
  private final Map<Long, Session> sessions = new ConcurrentHashMap<>();
  private volatile InternalCaller internalCaller;
  private volatile SessionDirectory directory;
  private final MetaApi meta;
  private final Map<String, Object> roles;
  private final Duration killDeadline;

  Realm(
      RealmConfig config,
      UriValidator uris,
      Limits limits,
      ScheduledExecutorService timer,
      BiFunction<DynamicProcedure, List<Object>, CompletableFuture<Result>> routerCalls,
      Telemetry telemetry) {
    this.name = config.name();
    this.config = config;
    this.timer = timer;
    this.dynamicAuthorizer =
        config
            .authorizer()
            .map(
                a ->
                    new DynamicAuthorizer(
                        a, (procedure, args) -> routerCalls.apply(a.procedure(), args)))
            .orElse(null);
    this.authorizer = new Authorizer(config.roles(), dynamicAuthorizer);
    this.broker = new Broker(authorizer, uris, limits);
    broker.keepEvents(config.events());
    broker.report(name, telemetry);
    this.roles =
        Map.of(
            "broker", Map.of("features", broker.features()),
            "dealer", Map.of("features", Dealer.FEATURES));
    this.dealer = new Dealer(authorizer, uris, limits, timer);
    dealer.report(name, telemetry);
    this.killDeadline = limits.helloTimeout();
    this.meta = new MetaApi(new RealmSessions(), broker, dealer, uris, authorizer);
    broker.listen(meta);
    dealer.listen(meta);
    dealer.serve(meta.procedures());
  }

  /** Routes one message of an open session. */
  @Override
  public void message(Session session, WampMessage message) {
    switch (message) {
      case Publish m -> broker.processPublish(session, m);
      case Subscribe m -> broker.processSubscribe(session, m);
      case Unsubscribe m -> broker.processUnsubscribe(session, m);
      case Call m -> dealer.processCall(session, m);
      case Register m -> dealer.processRegister(session, m);
      case Unregister m -> dealer.processUnregister(session, m);
      case Yield m -> dealer.processYield(session, m);
      case Error m when m.requestType() == Invocation.CODE ->
          dealer.processInvocationError(session, m);
      case Goodbye m -> session.goodbyeReceived(m);
      case Abort m -> session.end();
      case Cancel m -> dealer.processCancel(session, m);
      case Hello m -> session.protocolViolation("HELLO on a session that is already open");
      default ->
          session.protocolViolation(
              message.getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT)
                  + " is not a message a client sends to a router");
    }
  }

  /** Adds a session that has been welcomed; false if its ID is taken (astronomically unlikely). */
  boolean add(Session session, long id) {
    return sessions.putIfAbsent(id, session) == null;
  }

  /** Takes out a session added that will not open after all. */
  void remove(Session session, long id) {
    sessions.remove(id, session);
  }

  /**
   * Ends the realm's session {@code id} of this node with GOODBYE (see {@link
   * MetaApi.Sessions#kill}); false when there is none.
   */
  boolean kill(long id, String reason, String message, boolean announced) {
    Session s = sessions.get(id);
    if (s == null) {
      return false;
    }
    kill(s, reason, message, announced);
    return true;
  }

  /**
   * GOODBYE now; if the client does not answer it within the join deadline, the connection is
   * closed anyway, so that a killed session cannot linger with its registrations.
   */
  private void kill(Session session, String reason, String message, boolean announced) {
    if (!announced) {
      session.leaveUnannounced();
    }
    session.goodbye(reason, message);
    timer.schedule(session::end, killDeadline.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The realm's open session {@code id}, or null. */
  Session session(long id) {
    return sessions.get(id);
  }

  /** Removes an ended session and everything it had registered or subscribed. */
  @Override
  public void closed(Session session) {
    sessions.remove(session.id(), session);
    broker.removeSession(session);
    dealer.removeSession(session);
    if (dynamicAuthorizer != null) {
      dynamicAuthorizer.removeSession(session);
    }
    meta.left(session, session.announcesLeave());
    LOG.infof(
        "session left: realm=%s session=%d authid=%s authrole=%s remote=%s",
        name,
        session.id(),
        session.identity().authid(),
        session.identity().authrole(),
        session.transport().remoteAddress());
  }

  /** A session has been welcomed (WELCOME sent): tell the meta API's subscribers. */
  void joined(Session session) {
    SessionIdentity i = session.identity();
    LOG.infof(
        "session joined: realm=%s session=%d authid=%s authrole=%s authmethod=%s remote=%s",
        name,
        i.sessionId(),
        i.authid(),
        i.authrole(),
        i.authmethod(),
        session.transport().remoteAddress());
    meta.joined(session);
  }

  /** Lists this realm's sessions in the cluster's {@code directory} from now on. */
  void shareSessions(SessionDirectory directory) {
    this.directory = directory;
  }

  SessionDirectory directory() {
    return directory;
  }

  /** {@code wamp.session.on_leave} for a session of this realm on whichever node. */
  void announceLeave(long session, String authid, String authrole) {
    meta.announceLeave(session, authid, authrole);
  }

  /** The realm's sessions as the meta API sees them. */
  private final class RealmSessions implements MetaApi.Sessions {

    @Override
    public String realm() {
      return name;
    }

    @Override
    public SessionDirectory directory() {
      return directory;
    }

    @Override
    public Collection<Session> all() {
      return sessions.values();
    }

    @Override
    public Session get(long id) {
      return sessions.get(id);
    }

    @Override
    public void kill(Session session, String reason, String message, boolean announced) {
      Realm.this.kill(session, reason, message, announced);
    }
  }

  /** Routes a call the router itself makes, which needs no permission. */
  void callAsRouter(Session caller, Call call) {
    dealer.callAsRouter(caller, call);
  }

  /** The router's own session in this realm, opened on first use. */
  InternalCaller internalCaller() {
    InternalCaller c = internalCaller;
    if (c == null) {
      synchronized (this) {
        c = internalCaller;
        if (c == null) {
          c = new InternalCaller(this, timer);
          internalCaller = c;
        }
      }
    }
    return c;
  }

  public String name() {
    return name;
  }

  public RealmConfig config() {
    return config;
  }

  /** WELCOME.Details.roles of this realm: the broker's and the dealer's features. */
  Map<String, Object> roles() {
    return roles;
  }

  Dealer dealer() {
    return dealer;
  }

  Broker broker() {
    return broker;
  }

  public Collection<Session> sessions() {
    return sessions.values();
  }
}
