package io.quarkbar.wamp.router.dealer;

import io.quarkbar.wamp.protocol.id.IdSequence;
import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Cancel;
import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Interrupt;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Register;
import io.quarkbar.wamp.protocol.message.Registered;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.Unregister;
import io.quarkbar.wamp.protocol.message.Unregistered;
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.protocol.uri.UriValidator;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.Stages;
import io.quarkbar.wamp.router.authorization.Authorizer;
import io.quarkbar.wamp.router.authorization.Refusal;
import io.quarkbar.wamp.router.broker.EventExchange.NotShared;
import io.quarkbar.wamp.router.config.Action;
import io.quarkbar.wamp.router.config.Disclose;
import io.quarkbar.wamp.router.config.Limits;
import io.quarkbar.wamp.router.config.MatchPolicy;
import io.quarkbar.wamp.router.config.Permission;
import io.quarkbar.wamp.router.match.UriMatcher;
import io.quarkbar.wamp.router.session.Session;
import io.quarkbar.wamp.router.telemetry.Telemetry;
import io.quarkbar.wamp.router.telemetry.TraceContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * The dealer of one realm: registrations (shared by several callees when they ask for it), calls
 * routed to callees and back, their cancellation and timeouts, and the router's own procedures
 * under {@code wamp.}.
 *
 * <p>A call runs on the caller's thread, its result on the callee's; both without locks. Every
 * invocation in flight is kept per callee, so that when a callee's session ends, each of its
 * callers gets an ERROR at once instead of waiting forever.
 *
 * <p>In a cluster ({@link #exchange}), registrations are the cluster's: a REGISTER is answered once
 * the cluster took it, the registrations of other nodes are mirrored here ({@link #mirror}) with
 * their callees beside this node's, and a call whose chosen callee is on another node is forwarded
 * there; its answers come back through {@link #answerForwarded}.
 */
public final class Dealer {

  private static final org.jboss.logging.Logger LOG =
      org.jboss.logging.Logger.getLogger(Dealer.class);

  /** The features this dealer announces in WELCOME; each is implemented and tested. */
  public static final Map<String, Object> FEATURES =
      features(
          "caller_identification",
          "pattern_based_registration",
          "progressive_call_results",
          "shared_registration",
          "call_canceling",
          "call_timeout",
          "progressive_call_invocations",
          "payload_passthru_mode",
          "session_meta_api",
          "registration_meta_api",
          "testament_meta_api");

  private static final Map<String, Object> PROGRESS = Map.of("progress", true);

  /** A feature dict: each name mapped to {@code true}. */
  public static Map<String, Object> features(String... names) {
    Map<String, Object> f = new java.util.LinkedHashMap<>();
    for (String name : names) {
      f.put(name, true);
    }
    return java.util.Collections.unmodifiableMap(f);
  }

  private final Authorizer authorizer;
  private final UriValidator uris;
  private final Limits limits;
  private final ScheduledExecutorService timer;
  private final UriMatcher<Registration> byProcedure = new UriMatcher<>();
  private final Map<Long, Registration> byId = new ConcurrentHashMap<>();
  private final Map<Session, Set<Registration>> bySession = new ConcurrentHashMap<>();
  private final Map<Session, Map<Long, PendingCall>> inFlight = new ConcurrentHashMap<>();

  /** Progressive calls whose caller has more to send, by caller and CALL request ID. */
  private final Map<Session, Map<Long, PendingCall>> progressive = new ConcurrentHashMap<>();

  /** Calls forwarded to callees of other nodes, by their call ID on this node. */
  private final Map<Long, PendingCall> forwarded = new ConcurrentHashMap<>();

  /** Invocations of this node's callees for callers of other nodes, by their node and call ID. */
  private final Map<RemoteCall, PendingCall> remoteInvocations = new ConcurrentHashMap<>();

  private record RemoteCall(String node, long callId) {}

  /** REGISTERs the cluster has not answered yet, by session; under the dealer's lock. */
  private final Map<Session, Integer> claiming = new ConcurrentHashMap<>();

  private int claiming(Session callee) {
    return claiming.getOrDefault(callee, 0);
  }

  private volatile CallExchange exchange;
  private LongFunction<Session> sessions = id -> null;

  private final IdSequence registrationIds = new IdSequence();
  private volatile RegistrationListener listener = RegistrationListener.NONE;
  private volatile Map<String, RouterProcedure> builtins = Map.of();
  private String realm = "";
  private Telemetry telemetry = Telemetry.NONE;
  private boolean timesCalls;

  public Dealer(
      Authorizer authorizer, UriValidator uris, Limits limits, ScheduledExecutorService timer) {
    this.authorizer = authorizer;
    this.uris = uris;
    this.limits = limits;
    this.timer = timer;
  }

  /**
   * Where calls are reported (metrics, traces), for realm {@code realm}. Called once, before the
   * realm takes sessions.
   */
  public void report(String realm, Telemetry telemetry) {
    this.realm = realm;
    this.telemetry = telemetry;
    this.timesCalls = telemetry.timesCalls();
  }

  /** Where registration changes are reported (the registration meta events). */
  public void listen(RegistrationListener listener) {
    this.listener = listener;
  }

  /**
   * Makes this dealer one node of a cluster: registrations and calls are shared through {@code
   * exchange}; {@code sessions} finds this realm's sessions by ID (the callees of forwarded calls).
   * Called once, before the realm takes sessions.
   */
  public void exchange(CallExchange exchange, LongFunction<Session> sessions) {
    this.sessions = sessions;
    this.exchange = exchange;
  }

  /** The procedures the router itself serves, by URI (all under {@code wamp.}). */
  public void serve(Map<String, RouterProcedure> procedures) {
    this.builtins = Map.copyOf(procedures);
  }

  // --- registrations ---

  public void processRegister(Session callee, Register msg) {
    MatchPolicy match = MatchPolicy.fromWamp(msg.options().get("match"));
    String procedure = msg.procedure();
    InvokePolicy invoke = InvokePolicy.fromWamp(msg.options().get("invoke"));
    Refusal refusal =
        Refusal.forPattern(callee, procedure, match, Action.REGISTER, uris, authorizer);
    if (refusal == Refusal.UNDECIDED) {
      authorizer.ask(callee, msg, procedure, Action.REGISTER);
      return;
    }
    if (refusal != null) {
      callee.error(Register.CODE, msg.request(), refusal.error(), refusal.message());
      return;
    }
    Registration reg;
    boolean created = false;
    synchronized (this) {
      Set<Registration> own = bySession.get(callee);
      int held = (own == null ? 0 : own.size()) + (claiming.isEmpty() ? 0 : claiming(callee));
      if (held >= limits.maxRegistrationsPerSession()) {
        callee.error(
            Register.CODE,
            msg.request(),
            Limits.LIMIT_EXCEEDED,
            "this session has "
                + held
                + " registrations, the router's limit; unregister some first");
        return;
      }
      reg = byProcedure.get(procedure, match);
      if (exchange != null && (reg == null || !reg.has(callee))) {
        // The cluster decides: this node's view of the other nodes' callees may lag behind.
        registerShared(callee, msg, match, invoke);
        return;
      }
      String conflict = reg == null ? null : conflict(reg, callee, invoke);
      if (conflict != null) {
        callee.error(Register.CODE, msg.request(), WampUris.PROCEDURE_ALREADY_EXISTS, conflict);
        return;
      }
      if (reg == null) {
        reg = new Registration(registrationIds.next(), procedure, match, invoke);
        byProcedure.put(procedure, match, reg);
        byId.put(reg.id, reg);
        created = true;
      }
      // REGISTERED first: no INVOCATION may reach the callee before it knows the registration ID.
      callee.send(new Registered(msg.request(), reg.id));
      reg.add(
          new Registration.Callee(
              callee,
              Boolean.TRUE.equals(msg.options().get("disclose_caller")),
              Boolean.TRUE.equals(msg.options().get("forward_timeout"))));
      bySession.computeIfAbsent(callee, s -> ConcurrentHashMap.newKeySet()).add(reg);
    }
    if (created) {
      listener.registrationCreated(callee, RegistrationInfo.of(reg));
    }
    listener.registered(callee, reg.id);
    // The session may have been ended from another thread (shutdown, kill) while this ran, after
    // its clean-up: then this registration would outlive it and block the URI.
    if (!callee.isAlive()) {
      removeSession(callee);
    }
  }

  /**
   * A REGISTER in a cluster: the cluster decides (uniqueness across nodes), then the registration
   * is made here on the callee's own thread, REGISTERED before any INVOCATION as on one node.
   */
  private void registerShared(
      Session callee, Register msg, MatchPolicy match, InvokePolicy invoke) {
    CallExchange ex = exchange;
    boolean disclose = Boolean.TRUE.equals(msg.options().get("disclose_caller"));
    boolean forwardTimeout =
        Boolean.TRUE.equals(msg.options().get("forward_timeout"))
            && announces(callee, "call_timeout");
    CallExchange.SharedCallee shared =
        new CallExchange.SharedCallee(
            ex.node(),
            callee.id(),
            disclose,
            forwardTimeout,
            announces(callee, "call_canceling"),
            announces(callee, "callee", "progressive_call_invocations"));
    claiming.merge(callee, 1, Integer::sum);
    ex.register(realm, msg.procedure(), match, invoke, shared)
        .whenComplete(
            (claim, failure) ->
                callee.execute(
                    () -> {
                      synchronized (this) {
                        claiming.computeIfPresent(callee, (s, n) -> n == 1 ? null : n - 1);
                      }
                      if (failure != null) {
                        NotShared refused = NotShared.of(failure);
                        callee.error(
                            Register.CODE, msg.request(), refused.error(), refused.getMessage());
                      } else {
                        registeredShared(callee, msg, match, invoke, claim, disclose);
                      }
                    }));
  }

  private void registeredShared(
      Session callee,
      Register msg,
      MatchPolicy match,
      InvokePolicy invoke,
      CallExchange.Claim claim,
      boolean disclose) {
    String procedure = msg.procedure();
    Registration reg;
    synchronized (this) {
      reg = byProcedure.get(procedure, match);
      if (reg == null) {
        reg = new Registration(claim.registration(), procedure, match, invoke);
        byProcedure.put(procedure, match, reg);
        byId.put(reg.id, reg);
      } else if (reg.id != claim.registration()) {
        reg = rekey(reg, claim.registration(), invoke);
      }
      reg.revision = Math.max(reg.revision, claim.revision());
      callee.send(new Registered(msg.request(), reg.id));
      if (!reg.has(callee)) {
        reg.add(
            new Registration.Callee(
                callee, disclose, Boolean.TRUE.equals(msg.options().get("forward_timeout"))));
      }
      bySession.computeIfAbsent(callee, s -> ConcurrentHashMap.newKeySet()).add(reg);
    }
    if (claim.created()) {
      listener.registrationCreated(callee, RegistrationInfo.of(reg));
    }
    listener.registered(callee, reg.id);
    if (!callee.isAlive()) {
      removeSession(callee);
    }
  }

  /**
   * The cluster has {@code uri} as a registration of another ID than this node's view (the one this
   * node saw was deleted meanwhile): this node's own callees under the new ID; the other nodes'
   * callees the view showed were the old registration's. Under lock.
   */
  private Registration rekey(Registration old, long id, InvokePolicy invoke) {
    Registration fresh = new Registration(id, old.uri, old.match, invoke);
    List<Registration.Callee> locals = new ArrayList<>();
    for (Registration.Callee c : old.callees()) {
      if (c.session() != null) {
        locals.add(c);
      }
    }
    fresh.replace(locals.toArray(new Registration.Callee[0]));
    fresh.revision = old.revision;
    byProcedure.put(old.uri, old.match, fresh);
    byId.remove(old.id);
    byId.put(id, fresh);
    for (Registration.Callee c : old.callees()) {
      Set<Registration> own = c.session() == null ? null : bySession.get(c.session());
      if (own != null && own.remove(old)) {
        own.add(fresh);
      }
    }
    return fresh;
  }

  /**
   * The cluster's registration of {@code uri} under {@code match} as it now is ({@code shared}
   * null: deleted), from a change on any node: this node's view becomes the cluster's callees in
   * the cluster's order, with this node's own callees among them. A callee of this node that the
   * cluster does not list (yet) stays, at the end: the cluster's echo of its REGISTER may be on its
   * way.
   */
  public void mirror(String uri, MatchPolicy match, CallExchange.Revision change) {
    String self = exchange.node();
    CallExchange.SharedRegistration shared = change.registration();
    synchronized (this) {
      Registration reg = byProcedure.get(uri, match);
      if (reg != null && change.revision() < reg.revision) {
        return; // this node knows a later state already (its own REGISTER's)
      }
      List<Registration.Callee> locals = new ArrayList<>();
      if (reg != null) {
        for (Registration.Callee c : reg.callees()) {
          if (c.session() != null) {
            locals.add(c);
          }
        }
      }
      List<Registration.Callee> now = new ArrayList<>();
      if (shared != null) {
        for (CallExchange.SharedCallee c : shared.callees()) {
          if (!c.node().equals(self)) {
            now.add(Registration.Callee.of(c));
            continue;
          }
          for (java.util.Iterator<Registration.Callee> it = locals.iterator(); it.hasNext(); ) {
            Registration.Callee local = it.next();
            if (local.session().id() == c.session()) {
              now.add(local);
              it.remove();
              break;
            }
          }
        }
      }
      now.addAll(locals);
      if (now.isEmpty()) {
        if (reg != null) {
          byProcedure.remove(uri, match);
          byId.remove(reg.id);
        }
        return;
      }
      if (reg == null) {
        reg = new Registration(shared.id(), uri, match, shared.invoke());
        byProcedure.put(uri, match, reg);
        byId.put(reg.id, reg);
      } else if (shared != null && reg.id != shared.id()) {
        reg = rekey(reg, shared.id(), shared.invoke());
      }
      reg.revision = change.revision();
      reg.replace(now.toArray(new Registration.Callee[0]));
    }
  }

  /** Why {@code callee} may not join {@code reg} with {@code invoke}, or null when it may. */
  private static String conflict(Registration reg, Session callee, InvokePolicy invoke) {
    if (reg.invoke == InvokePolicy.SINGLE) {
      return "procedure " + reg.uri + " is already registered";
    }
    if (reg.invoke != invoke) {
      return "procedure "
          + reg.uri
          + " is registered with invoke="
          + reg.invoke.wampName()
          + ", and every callee must ask for the same; this one asked for "
          + invoke.wampName();
    }
    if (reg.has(callee)) {
      return "this session has registered procedure " + reg.uri + " already";
    }
    return null;
  }

  public void processUnregister(Session callee, Unregister msg) {
    Registration reg;
    boolean deleted;
    synchronized (this) {
      reg = byId.get(msg.registration());
      if (reg == null || !reg.has(callee)) {
        callee.error(
            Unregister.CODE,
            msg.request(),
            WampUris.NO_SUCH_REGISTRATION,
            "no registration " + msg.registration() + " for this session");
        return;
      }
      deleted = detach(reg, callee);
      Set<Registration> own = bySession.get(callee);
      if (own != null) {
        own.remove(reg);
      }
    }
    if (exchange != null) {
      // UNREGISTERED once the cluster forgot the callee: from then on, the URI is free everywhere.
      unshare(callee, reg)
          .thenAccept(
              gone ->
                  callee.execute(
                      () -> {
                        callee.send(new Unregistered(msg.request(), Map.of()));
                        listener.unregistered(callee, reg.id);
                        if (gone) {
                          listener.registrationDeleted(callee, reg.id);
                        }
                      }));
      return;
    }
    callee.send(new Unregistered(msg.request(), Map.of()));
    listener.unregistered(callee, reg.id);
    if (deleted) {
      listener.registrationDeleted(callee, reg.id);
    }
  }

  /**
   * Takes a callee of this node out of the cluster's registration; the node whose change deletes
   * the registration reports it, so that {@code on_delete} fires once in the cluster.
   */
  private java.util.concurrent.CompletionStage<Boolean> unshare(Session callee, Registration reg) {
    return exchange
        .unregister(realm, reg.uri, reg.match, callee.id())
        .handle(
            (gone, failure) -> {
              if (failure == null) {
                return gone;
              }
              LOG.warnf(
                  "could not take session %d out of the cluster's registration of %s now (the"
                      + " cluster will be told later): %s",
                  callee.id(), reg.uri, NotShared.of(failure).getMessage());
              return false;
            });
  }

  /** Removes {@code callee} from {@code reg}, and {@code reg} when it was the last; under lock. */
  private boolean detach(Registration reg, Session callee) {
    reg.remove(callee);
    if (!reg.isEmpty()) {
      return false;
    }
    if (byProcedure.get(reg.uri, reg.match) == reg) {
      byProcedure.remove(reg.uri, reg.match);
    }
    byId.remove(reg.id);
    return true;
  }

  // --- calls ---

  public void processCall(Session caller, Call msg) {
    if (!progressive.isEmpty()) {
      Map<Long, PendingCall> ongoing = progressive.get(caller);
      PendingCall call = ongoing == null ? null : ongoing.get(msg.request());
      if (call != null) {
        continueProgressive(call, msg);
        return;
      }
    }
    String procedure = msg.procedure();
    if (!uris.isValid(procedure)) {
      caller.error(
          Call.CODE, msg.request(), WampUris.INVALID_URI, "invalid procedure " + procedure);
      return;
    }
    Permission permission = authorizer.permission(caller, procedure, Action.CALL);
    if (permission == null || !permission.allow().contains(Action.CALL)) {
      Refusal refusal =
          Refusal.unless(permission, caller.identity().authrole(), Action.CALL, procedure);
      if (refusal == Refusal.UNDECIDED) {
        authorizer.ask(caller, msg, procedure, Action.CALL);
      } else {
        caller.error(Call.CODE, msg.request(), refusal.error(), refusal.message());
      }
      return;
    }
    route(caller, msg, Authorizer.discloses(permission, Disclose.CALLER));
  }

  /**
   * Routes a call that the router itself makes (to an authenticator or authorizer): no permission
   * is needed, and the callee is not told who the caller is.
   */
  public void callAsRouter(Session router, Call msg) {
    route(router, msg, false);
  }

  private void route(Session caller, Call msg, boolean discloseByPermission) {
    String procedure = msg.procedure();
    // Only the router serves URIs under wamp.: a client's prefix or wildcard pattern ("", "wa",
    // "..") must not catch them, or it could pose as the router's meta API.
    if (UriValidator.isReserved(procedure)) {
      callBuiltin(caller, msg);
      return;
    }
    Registration reg = byProcedure.best(procedure);
    Registration.Callee chosen = reg == null ? null : reg.pick();
    if (chosen == null) {
      caller.error(
          Call.CODE,
          msg.request(),
          WampUris.NO_SUCH_PROCEDURE,
          "no callee registered for procedure " + procedure);
      return;
    }
    if (caller.pendingCalls().incrementAndGet() > limits.maxPendingCallsPerSession()) {
      caller.pendingCalls().decrementAndGet();
      caller.error(
          Call.CODE,
          msg.request(),
          Limits.LIMIT_EXCEEDED,
          "this session has "
              + limits.maxPendingCallsPerSession()
              + " calls waiting for their results, the router's limit");
      return;
    }
    // A callee of another node of the cluster (no session here) gets the call through its node,
    // which sends the answers back (answerForwarded). The call's timeout then runs here unless the
    // callee handles it; CANCEL and the caller's leaving are passed on as INTERRUPT.
    CallExchange.SharedCallee remote = chosen.remote();
    Session callee = chosen.session();
    Map<String, Object> options = msg.options();
    boolean progressiveCall = !options.isEmpty() && Boolean.TRUE.equals(options.get("progress"));
    if (progressiveCall
        && !progressiveAllowed(
            caller,
            remote != null
                ? remote.takesParts() && remote.interruptible()
                : announces(callee, "callee", "progressive_call_invocations")
                    && announces(callee, "callee", "call_canceling"),
            msg)) {
      caller.pendingCalls().decrementAndGet();
      return;
    }
    boolean receiveProgress =
        !options.isEmpty() && Boolean.TRUE.equals(options.get("receive_progress"));
    boolean disclose =
        chosen.discloseCaller()
            || discloseByPermission
            || (!options.isEmpty() && Boolean.TRUE.equals(options.get("disclose_me")));
    long timeout = options.isEmpty() ? 0 : timeoutMillis(options.get("timeout"));
    // A remote callee's flag says already whether it announced call_timeout.
    boolean forwardTimeout =
        timeout > 0
            && chosen.forwardTimeout()
            && (remote != null || announces(callee, "call_timeout"));
    long invocationId = remote != null ? exchange.nextCallId() : callee.nextRequestId();
    PendingCall call =
        new PendingCall(caller, msg.request(), receiveProgress, callee, invocationId);
    if (remote != null) {
      call.to = remote.node();
      call.interruptible = remote.interruptible();
      call.forwardedAt = System.nanoTime();
    }
    if (timesCalls) {
      call.started = System.nanoTime();
    }
    call.span = telemetry.callSpan(realm, procedure, caller, options);
    Map<String, Object> details =
        invocationDetails(
            reg,
            caller,
            procedure,
            receiveProgress,
            disclose,
            forwardTimeout ? timeout : 0,
            options,
            call.span);
    if (progressiveCall) {
      call.continuesAs(reg.id, details);
      ongoing(caller, msg.request(), call);
      details = withProgress(details, true);
    }
    if (remote != null) {
      forwarded.put(invocationId, call);
    } else {
      Map<Long, PendingCall> pending =
          inFlight.computeIfAbsent(callee, s -> new ConcurrentHashMap<>());
      pending.put(invocationId, call);
      if (!callee.isAlive()) {
        // The callee ended between lookup and now; its clean-up may have run already.
        if (pending.remove(invocationId) != null) {
          finished(call, Telemetry.Outcome.CALLEE_GONE, WampUris.CANCELED);
          caller.error(
              Call.CODE,
              msg.request(),
              WampUris.CANCELED,
              "callee disconnected from in-flight request");
        }
        if (pending.isEmpty()) {
          inFlight.remove(callee, pending);
        }
        return;
      }
    }
    if (timeout > 0 && !forwardTimeout) {
      call.timeout = timer.schedule(() -> timedOut(call), timeout, TimeUnit.MILLISECONDS);
    }
    try {
      if (remote != null) {
        exchange.forward(
            remote.node(),
            new CallExchange.ForwardedCall(
                exchange.node(),
                exchange.incarnation(),
                realm,
                invocationId,
                remote.session(),
                reg.id,
                details,
                msg.arguments(),
                msg.argumentsKw()));
      } else {
        callee.send(
            new Invocation(invocationId, reg.id, details, msg.arguments(), msg.argumentsKw()));
      }
    } catch (NotShared e) {
      // The other node cannot be reached now (NATS away, the call too large for it).
      if (forget(call, Telemetry.Outcome.ERROR, e.error())) {
        caller.error(Call.CODE, msg.request(), e.error(), e.getMessage());
      }
    } catch (RuntimeException e) {
      // A bug of ours in converting the call for the callee's serializer (or the other node's):
      // the caller gets an answer, and the call does not linger among the calls in flight.
      LOG.errorf(e, "could not pass a call of %s to session %d", procedure, chosen.sessionId());
      if (forget(call, Telemetry.Outcome.ERROR, WampUris.INVALID_ARGUMENT)) {
        caller.error(
            Call.CODE,
            msg.request(),
            WampUris.INVALID_ARGUMENT,
            "the router could not pass this call on to its callee");
      }
    }
  }

  /**
   * A call forwarded by another node to a callee of this one: invoked as a local call would be,
   * with the Details the caller's node made; the answers go back to that node.
   */
  public void invokeForwarded(CallExchange.ForwardedCall forwardedCall) {
    Session callee = sessions.apply(forwardedCall.callee());
    Registration reg = byId.get(forwardedCall.registration());
    PendingCall call =
        new PendingCall(
            null,
            forwardedCall.callId(),
            Boolean.TRUE.equals(forwardedCall.details().get("receive_progress")),
            callee,
            0);
    call.from = forwardedCall.from();
    if (callee == null || !callee.isAlive()) {
      fail(call, WampUris.CANCELED, "callee disconnected from in-flight request");
      return;
    }
    if (reg == null || !reg.has(callee)) {
      fail(
          call,
          WampUris.NO_SUCH_PROCEDURE,
          "the callee unregistered the procedure while the call was on its way to it");
      return;
    }
    long invocationId = callee.nextRequestId();
    call =
        new PendingCall(null, forwardedCall.callId(), call.receiveProgress(), callee, invocationId);
    call.from = forwardedCall.from();
    call.fromIncarnation = forwardedCall.incarnation();
    call.forwardedAt = System.nanoTime();
    // The later parts of a progressive call go out as INVOCATIONs of this registration.
    call.continuesAs(reg.id, Map.of());
    Map<Long, PendingCall> pending =
        inFlight.computeIfAbsent(callee, s -> new ConcurrentHashMap<>());
    pending.put(invocationId, call);
    remoteInvocations.put(new RemoteCall(call.from, call.callRequest()), call);
    if (!callee.isAlive()) {
      // The callee ended between lookup and now; its clean-up may have run already.
      if (forget(call, Telemetry.Outcome.CALLEE_GONE, WampUris.CANCELED)) {
        fail(call, WampUris.CANCELED, "callee disconnected from in-flight request");
      }
      if (pending.isEmpty()) {
        inFlight.remove(callee, pending);
      }
      return;
    }
    callee.send(
        new Invocation(
            invocationId,
            reg.id,
            forwardedCall.details(),
            forwardedCall.args(),
            forwardedCall.kwargs()));
  }

  /**
   * The caller's node of a forwarded call asks to interrupt it: {@code kill} passes the callee's
   * answer on as it comes; {@code killnowait} (the caller was answered already) forgets the call
   * and interrupts the callee; {@code skip} forgets it without telling the callee.
   */
  public void interruptForwarded(String from, long callId, String mode) {
    PendingCall call = remoteInvocations.get(new RemoteCall(from, callId));
    if (call == null) {
      return;
    }
    if (mode.equals("kill")) {
      call.callee().send(new Interrupt(call.invocationId(), Map.of("mode", "kill")));
    } else if (forget(call, Telemetry.Outcome.CANCELED, WampUris.CANCELED)
        && !mode.equals("skip")) {
      call.callee().send(new Interrupt(call.invocationId(), Map.of("mode", "killnowait")));
    }
  }

  /**
   * An answer from another node to call {@code callId} this node forwarded; false when this dealer
   * has no such call (answered already, canceled, or another realm's).
   */
  public boolean answerForwarded(long callId, CallExchange.CallAnswer answer) {
    boolean progress = answer.progress();
    PendingCall call = progress ? forwarded.get(callId) : forwarded.remove(callId);
    if (call == null) {
      return false;
    }
    if (progress && !call.receiveProgress()) {
      return true;
    }
    if (!progress) {
      finished(
          call,
          answer.error() == null ? Telemetry.Outcome.RESULT : Telemetry.Outcome.ERROR,
          answer.error());
    }
    Session caller = call.caller();
    if (answer.error() == null) {
      caller.send(new Result(call.callRequest(), answer.details(), answer.args(), answer.kwargs()));
    } else {
      caller.send(
          new Error(
              Call.CODE,
              call.callRequest(),
              answer.details(),
              answer.error(),
              answer.args(),
              answer.kwargs()));
    }
    return true;
  }

  /**
   * Node {@code node} left the cluster (or was cut off): the calls forwarded to it end with an
   * ERROR, and the invocations its callers were waiting for are interrupted.
   */
  public void nodeLost(String node) {
    for (PendingCall call : forwarded.values()) {
      if (node.equals(call.to) && forget(call, Telemetry.Outcome.CALLEE_GONE, WampUris.CANCELED)) {
        call.caller()
            .error(
                Call.CODE,
                call.callRequest(),
                WampUris.CANCELED,
                "the callee's router node " + node + " left the cluster");
      }
    }
    for (Map.Entry<RemoteCall, PendingCall> e : remoteInvocations.entrySet()) {
      if (e.getKey().node().equals(node)) {
        abandon(e.getValue());
      }
    }
  }

  /**
   * Node {@code node} runs as a new process ({@code incarnation}): the invocations the old
   * process's callers were waiting for are interrupted. The calls this node forwarded to it are
   * left to the probes ({@link #forwardedBefore}): some may have reached the new process.
   */
  public void nodeRestarted(String node, long incarnation) {
    for (Map.Entry<RemoteCall, PendingCall> e : remoteInvocations.entrySet()) {
      if (e.getKey().node().equals(node) && e.getValue().fromIncarnation != incarnation) {
        abandon(e.getValue());
      }
    }
  }

  /**
   * The calls forwarded to other nodes before {@code nanoTime} ({@link System#nanoTime}) and still
   * waiting for an answer, by node: for the exchange to ask those nodes whether they still have
   * them (a node that restarted, or a call lost on the way, would leave them waiting for ever).
   */
  public Map<String, List<Long>> forwardedBefore(long nanoTime) {
    Map<String, List<Long>> waiting = new HashMap<>();
    for (PendingCall call : forwarded.values()) {
      if (call.forwardedAt - nanoTime < 0) {
        waiting.computeIfAbsent(call.to, n -> new ArrayList<>()).add(call.invocationId());
      }
    }
    return waiting;
  }

  /**
   * Of the calls {@code callIds} node {@code from} forwarded here, those this node does not have
   * (answered, or never received): their callers are answered by {@link #answerForwarded}.
   */
  public List<Long> unknownForwarded(String from, List<Long> callIds) {
    List<Long> unknown = new ArrayList<>();
    for (Long id : callIds) {
      if (!remoteInvocations.containsKey(new RemoteCall(from, id))) {
        unknown.add(id);
      }
    }
    return unknown;
  }

  /**
   * The invocations this node's callees have had for calls of other nodes since before {@code
   * nanoTime}, by the caller's node: for the exchange to ask those nodes whether their callers
   * still wait (a caller's node that took this one for gone ended the call on its side).
   */
  public Map<String, List<Long>> invokedBefore(long nanoTime) {
    Map<String, List<Long>> waiting = new HashMap<>();
    for (Map.Entry<RemoteCall, PendingCall> e : remoteInvocations.entrySet()) {
      if (e.getValue().forwardedAt - nanoTime < 0) {
        waiting.computeIfAbsent(e.getKey().node(), n -> new ArrayList<>()).add(e.getKey().callId());
      }
    }
    return waiting;
  }

  /**
   * Of the calls {@code callIds} this node forwarded to node {@code to}, those it no longer waits
   * for (answered, given up): that node may forget their invocations ({@link #abandoned}).
   */
  public List<Long> notWaitingFor(String to, List<Long> callIds) {
    List<Long> gone = new ArrayList<>();
    for (Long id : callIds) {
      PendingCall call = forwarded.get(id);
      if (call == null || !to.equals(call.to)) {
        gone.add(id);
      }
    }
    return gone;
  }

  /**
   * Node {@code from} no longer waits for call {@code callId}: its invocation here is forgotten,
   * and the callee told to stop (INTERRUPT killnowait) if it takes that.
   */
  public void abandoned(String from, long callId) {
    PendingCall call = remoteInvocations.get(new RemoteCall(from, callId));
    if (call != null) {
      abandon(call);
    }
  }

  /**
   * Ends an invocation of this node's callee whose caller, on another node, no longer waits: it is
   * forgotten, and the callee told to stop (INTERRUPT killnowait) if it takes that.
   */
  private void abandon(PendingCall call) {
    if (forget(call, Telemetry.Outcome.CANCELED, WampUris.CANCELED)
        && announces(call.callee(), "call_canceling")) {
      call.callee().send(new Interrupt(call.invocationId(), Map.of("mode", "killnowait")));
    }
  }

  /**
   * A callee's answer to {@code call}: to its caller on this node, or back to the caller's node.
   */
  private void reply(
      PendingCall call,
      Map<String, Object> details,
      String error,
      List<Object> args,
      Map<String, Object> kwargs) {
    if (call.from == null) {
      call.caller()
          .send(
              error == null
                  ? new Result(call.callRequest(), details, args, kwargs)
                  : new Error(Call.CODE, call.callRequest(), details, error, args, kwargs));
      return;
    }
    CallExchange.CallAnswer answer = new CallExchange.CallAnswer(details, error, args, kwargs);
    exchange.answer(call.from, realm, call.callRequest(), answer);
    // Forgotten only once the answer is out: a probe in between must not deny the call.
    if (!answer.progress()) {
      remoteInvocations.remove(new RemoteCall(call.from, call.callRequest()), call);
    }
  }

  /** The router's own ERROR for {@code call}, with {@code message} as its only argument. */
  private void fail(PendingCall call, String error, String message) {
    reply(call, Map.of(), error, List.of(message), Map.of());
  }

  /**
   * Whether a progressive CALL may go on: its caller must have announced progressive call
   * invocations (else it broke the protocol, and its session ends), its callee too, with call
   * canceling (else the caller gets {@code wamp.error.feature_not_supported}).
   */
  private static boolean progressiveAllowed(Session caller, boolean calleeTakesParts, Call msg) {
    if (!announces(caller, "caller", "progressive_call_invocations")) {
      caller.protocolViolation(
          "CALL.Options.progress without announcing progressive_call_invocations");
      return false;
    }
    if (!calleeTakesParts) {
      caller.error(
          Call.CODE,
          msg.request(),
          WampUris.FEATURE_NOT_SUPPORTED,
          "the callee of "
              + msg.procedure()
              + " does not take progressive call invocations (with call canceling)");
      return false;
    }
    return true;
  }

  /**
   * The next part of a progressive call: the same INVOCATION ID and the Details of the first part
   * (the options of a progressive call are frozen at its start), with {@code progress} as this CALL
   * says. The last part (no {@code progress}) ends the caller's sending.
   */
  private void continueProgressive(PendingCall call, Call msg) {
    boolean more = Boolean.TRUE.equals(msg.options().get("progress"));
    if (!more) {
      sent(call);
    }
    if (call.to != null) {
      try {
        exchange.part(
            call.to,
            realm,
            call.invocationId(),
            withProgress(call.invocationDetails(), more),
            msg.arguments(),
            msg.argumentsKw());
      } catch (NotShared e) {
        // A part that cannot reach the callee's node: the call cannot go on.
        if (forget(call, Telemetry.Outcome.ERROR, e.error())) {
          call.caller().error(Call.CODE, call.callRequest(), e.error(), e.getMessage());
          interrupt(call, "killnowait");
        }
      }
      return;
    }
    call.callee()
        .send(
            new Invocation(
                call.invocationId(),
                call.registrationId(),
                withProgress(call.invocationDetails(), more),
                msg.arguments(),
                msg.argumentsKw()));
  }

  /** The next part of a progressive call forwarded by node {@code from}, for its callee here. */
  public void continueForwarded(
      String from,
      long callId,
      Map<String, Object> details,
      List<Object> args,
      Map<String, Object> kwargs) {
    PendingCall call = remoteInvocations.get(new RemoteCall(from, callId));
    if (call != null) {
      call.callee()
          .send(new Invocation(call.invocationId(), call.registrationId(), details, args, kwargs));
    }
  }

  private static Map<String, Object> withProgress(Map<String, Object> details, boolean progress) {
    Map<String, Object> d = new HashMap<>(details);
    d.put("progress", progress);
    return d;
  }

  private static long timeoutMillis(Object timeout) {
    return timeout instanceof Number n ? Math.max(0, n.longValue()) : 0;
  }

  private void callBuiltin(Session caller, Call msg) {
    RouterProcedure procedure = builtins.get(msg.procedure());
    if (procedure == null) {
      caller.error(
          Call.CODE,
          msg.request(),
          WampUris.NO_SUCH_PROCEDURE,
          "the router has no procedure " + msg.procedure());
      return;
    }
    try {
      if (procedure instanceof RouterProcedure.Later later) {
        later
            .callLater(caller, msg.arguments(), msg.argumentsKw())
            .whenComplete((answer, failure) -> answerBuiltin(caller, msg, answer, failure));
        return;
      }
      RouterProcedure.Answer answer = procedure.call(caller, msg.arguments(), msg.argumentsKw());
      caller.send(new Result(msg.request(), Map.of(), answer.args(), answer.kwargs()));
    } catch (RouterProcedure.Failure e) {
      caller.error(Call.CODE, msg.request(), e.error(), e.getMessage());
    }
  }

  /** The answer of a {@link RouterProcedure.Later}, or why there is none. */
  private static void answerBuiltin(
      Session caller, Call msg, RouterProcedure.Answer answer, Throwable failure) {
    if (failure == null) {
      caller.send(new Result(msg.request(), Map.of(), answer.args(), answer.kwargs()));
      return;
    }
    Throwable cause = Stages.cause(failure);
    if (cause instanceof RouterProcedure.Failure f) {
      caller.error(Call.CODE, msg.request(), f.error(), f.getMessage());
    } else {
      NotShared n = NotShared.of(cause);
      caller.error(Call.CODE, msg.request(), n.error(), n.getMessage());
    }
  }

  public void processYield(Session callee, Yield msg) {
    Map<Long, PendingCall> pending = inFlight.get(callee);
    if (pending == null) {
      return;
    }
    boolean progress = Boolean.TRUE.equals(msg.options().get("progress"));
    PendingCall call = progress ? pending.get(msg.request()) : pending.remove(msg.request());
    // No entry: an answer to an invocation whose caller is gone, that was canceled or timed out,
    // or a duplicate. Nothing to do.
    if (call == null || (progress && !call.receiveProgress())) {
      return;
    }
    if (!progress) {
      finished(call, Telemetry.Outcome.RESULT, null);
    }
    Map<String, Object> details = progress ? PROGRESS : Map.of();
    if (Passthru.isPassthru(msg.options())) {
      details = new HashMap<>(details);
      Passthru.copy(msg.options(), details);
    }
    reply(call, details, null, msg.arguments(), msg.argumentsKw());
  }

  /** A callee's ERROR for an INVOCATION: passed to the caller with its URI, args and kwargs. */
  public void processInvocationError(Session callee, Error msg) {
    Map<Long, PendingCall> pending = inFlight.get(callee);
    PendingCall call = pending == null ? null : pending.remove(msg.request());
    if (call == null) {
      return;
    }
    finished(call, Telemetry.Outcome.ERROR, msg.error());
    reply(
        call,
        Passthru.isPassthru(msg.details()) ? Passthru.only(msg.details()) : Map.of(),
        msg.error(),
        msg.arguments(),
        msg.argumentsKw());
  }

  /**
   * The caller gives up on a call ({@code CANCEL.Options.mode}): {@code skip} answers the caller at
   * once and leaves the callee alone; {@code killnowait} answers at once and interrupts the callee;
   * {@code kill} interrupts the callee and passes on whatever it answers. A callee that did not
   * announce {@code call_canceling} is never interrupted: then every mode is {@code skip}.
   */
  public void processCancel(Session caller, Cancel msg) {
    PendingCall call = findCall(caller, msg.request());
    if (call == null) {
      return; // answered already, or never made: nothing to cancel
    }
    String mode = msg.options().get("mode") instanceof String m ? m : "killnowait";
    boolean interruptible = interruptible(call);
    if (mode.equals("kill") && interruptible) {
      interrupt(call, "kill");
      return; // the callee's answer goes to the caller as it comes
    }
    if (!forget(call, Telemetry.Outcome.CANCELED, WampUris.CANCELED)) {
      return;
    }
    call.caller().error(Call.CODE, call.callRequest(), WampUris.CANCELED, "the call was canceled");
    if (!mode.equals("skip") && interruptible) {
      interrupt(call, "killnowait");
    } else {
      forgetRemotely(call);
    }
  }

  /**
   * A call of this node's caller that is over, whose callee is on another node and is not to be
   * interrupted: that node forgets the invocation without telling its callee (as one node would).
   */
  private void forgetRemotely(PendingCall call) {
    if (call.to != null) {
      exchange.interrupt(call.to, realm, call.invocationId(), "skip");
    }
  }

  /** Whether the callee of a call (of this node or another) takes INTERRUPT. */
  private static boolean interruptible(PendingCall call) {
    return call.to != null ? call.interruptible : announces(call.callee(), "call_canceling");
  }

  /** Sends INTERRUPT to the callee of a call of this node's caller, on whichever node it is. */
  private void interrupt(PendingCall call, String mode) {
    if (call.to != null) {
      exchange.interrupt(call.to, realm, call.invocationId(), mode);
    } else {
      call.callee().send(new Interrupt(call.invocationId(), Map.of("mode", mode)));
    }
  }

  /** A call's timeout passed: the caller gets {@code wamp.error.timeout}, the callee INTERRUPT. */
  private void timedOut(PendingCall call) {
    if (!forget(call, Telemetry.Outcome.TIMEOUT, WampUris.TIMEOUT)) {
      return;
    }
    call.caller()
        .error(
            Call.CODE,
            call.callRequest(),
            WampUris.TIMEOUT,
            "the callee did not answer within the call's timeout");
    if (interruptible(call)) {
      interrupt(call, "killnowait");
    } else {
      forgetRemotely(call);
    }
  }

  /** Removes a call from its callee's invocations in flight; false when it was answered already. */
  private boolean forget(PendingCall call, Telemetry.Outcome outcome, String error) {
    if (call.to != null) {
      if (!forwarded.remove(call.invocationId(), call)) {
        return false;
      }
    } else {
      Map<Long, PendingCall> pending = inFlight.get(call.callee());
      if (pending == null || !pending.remove(call.invocationId(), call)) {
        return false;
      }
      if (call.from != null) {
        remoteInvocations.remove(new RemoteCall(call.from, call.callRequest()), call);
      }
    }
    finished(call, outcome, error);
    return true;
  }

  /**
   * A call has its answer (or is given up): release what it held, and report it ({@code error}: the
   * error URI the caller gets, null for a result).
   */
  private void finished(PendingCall call, Telemetry.Outcome outcome, String error) {
    call.done();
    if (call.from != null) {
      return; // reported by the caller's node
    }
    if (call.span != null) {
      call.span.end(error);
    }
    telemetry.callEnded(timesCalls ? System.nanoTime() - call.started : 0, outcome);
    if (call.registrationId() != 0) {
      sent(call);
    }
  }

  /**
   * Adds a progressive call its caller has more to send of. The caller's map is changed inside the
   * map's own atomic update, as {@link #sent} removes it: a map found empty on one thread and
   * filled on another is never dropped.
   */
  private void ongoing(Session caller, long callRequest, PendingCall call) {
    progressive.compute(
        caller,
        (s, calls) -> {
          // Concurrent: processCall reads it without the update's lock.
          Map<Long, PendingCall> m = calls == null ? new ConcurrentHashMap<>() : calls;
          m.put(callRequest, call);
          return m;
        });
  }

  /** A progressive call whose caller has sent its last part (or that ended). */
  private void sent(PendingCall call) {
    progressive.computeIfPresent(
        call.caller(),
        (s, calls) -> {
          calls.remove(call.callRequest(), call);
          return calls.isEmpty() ? null : calls;
        });
  }

  /**
   * The call {@code caller} made as {@code callRequest}, if it waits for its callee. Searched over
   * every invocation in flight: CANCEL is rare, and an index by caller would cost every call.
   */
  private PendingCall findCall(Session caller, long callRequest) {
    for (PendingCall call : forwarded.values()) {
      if (call.caller() == caller && call.callRequest() == callRequest) {
        return call;
      }
    }
    for (Map<Long, PendingCall> pending : inFlight.values()) {
      for (PendingCall call : pending.values()) {
        if (call.caller() == caller && call.callRequest() == callRequest) {
          return call;
        }
      }
    }
    return null;
  }

  /** Whether {@code session} announced {@code feature} for its callee role in HELLO. */
  private static boolean announces(Session session, String feature) {
    return announces(session, "callee", feature);
  }

  /** Whether {@code session} announced {@code feature} for {@code role} in HELLO. */
  private static boolean announces(Session session, String role, String feature) {
    if (session.identity() == null
        || !(session.identity().clientRoles().get(role) instanceof Map<?, ?> announced)
        || !(announced.get("features") instanceof Map<?, ?> features)) {
      return false;
    }
    // The specification spells it both ways (rpc_progressive_call_invocations.md).
    return Boolean.TRUE.equals(features.get(feature))
        || (feature.equals("call_canceling")
            && Boolean.TRUE.equals(features.get("call_cancelling")));
  }

  /** Forgets the registrations of a session that has ended and fails the calls it was serving. */
  public void removeSession(Session session) {
    Set<Registration> own;
    List<Registration> deleted = new ArrayList<>();
    // Taken under the lock that rekey() changes the sets under: detached from the current objects.
    synchronized (this) {
      own = bySession.remove(session);
      if (own != null) {
        for (Registration reg : own) {
          if (detach(reg, session)) {
            deleted.add(reg);
          }
        }
      }
    }
    if (own != null) {
      for (Registration reg : own) {
        listener.unregistered(session, reg.id);
        if (exchange != null) {
          unshare(session, reg)
              .thenAccept(
                  gone -> {
                    if (gone) {
                      listener.registrationDeleted(session, reg.id);
                    }
                  });
        } else if (deleted.contains(reg)) {
          listener.registrationDeleted(session, reg.id);
        }
      }
    }
    Map<Long, PendingCall> pending = inFlight.remove(session);
    if (pending != null) {
      for (Long id : List.copyOf(pending.keySet())) {
        PendingCall call = pending.remove(id);
        if (call != null) {
          finished(call, Telemetry.Outcome.CALLEE_GONE, WampUris.CANCELED);
          fail(call, WampUris.CANCELED, "callee disconnected from in-flight request");
        }
      }
    }
    // A caller gone with calls forwarded to other nodes: their callees are told to stop.
    if (!forwarded.isEmpty()) {
      for (PendingCall call : forwarded.values()) {
        if (call.caller() == session
            && forget(call, Telemetry.Outcome.CANCELED, WampUris.CANCELED)
            && call.interruptible) {
          interrupt(call, "killnowait");
        }
      }
    }
    // A caller gone in the middle of a progressive call: its callee would wait forever for the
    // rest, so it is told to stop (INTERRUPT killnowait, as the specification says).
    Map<Long, PendingCall> ongoing = progressive.remove(session);
    if (ongoing != null) {
      for (PendingCall call : ongoing.values()) {
        if (forget(call, Telemetry.Outcome.CANCELED, WampUris.CANCELED)) {
          interrupt(call, "killnowait");
        }
      }
    }
  }

  private static Map<String, Object> invocationDetails(
      Registration reg,
      Session caller,
      String procedure,
      boolean receiveProgress,
      boolean disclose,
      long forwardedTimeout,
      Map<String, Object> options,
      Telemetry.Span span) {
    boolean passthru = Passthru.isPassthru(options);
    boolean traced = span != null || TraceContext.present(options);
    if (!receiveProgress
        && reg.match == MatchPolicy.EXACT
        && forwardedTimeout == 0
        && !passthru
        && !traced) {
      return disclose ? caller.callerDetails() : Map.of();
    }
    Map<String, Object> details = new HashMap<>(8);
    if (reg.match != MatchPolicy.EXACT) {
      details.put("procedure", procedure);
    }
    if (receiveProgress) {
      details.put("receive_progress", true);
    }
    if (forwardedTimeout > 0) {
      details.put("timeout", forwardedTimeout);
    }
    if (disclose) {
      details.putAll(caller.callerDetails());
    }
    if (passthru) {
      Passthru.copy(options, details);
    }
    if (traced) {
      TraceContext.pass(options, span, details);
    }
    return details;
  }

  /** Calls handed to a callee and not answered yet (read for metrics; not a snapshot). */
  public int callsInFlight() {
    int n = forwarded.size();
    for (Map<Long, PendingCall> pending : inFlight.values()) {
      n += pending.size();
    }
    return n;
  }

  // --- what the registration meta API asks ---

  /** Every registration's ID, by match policy. */
  public Map<MatchPolicy, List<Long>> registrationIds() {
    Map<MatchPolicy, List<Long>> ids = new HashMap<>();
    for (MatchPolicy m : MatchPolicy.values()) {
      ids.put(m, new ArrayList<>());
    }
    byId.values().forEach(r -> ids.get(r.match).add(r.id));
    return ids;
  }

  /** The registration of exactly {@code uri} under {@code match}, if any. */
  public RegistrationInfo lookup(String uri, MatchPolicy match) {
    Registration r = byProcedure.get(uri, match);
    return r == null ? null : RegistrationInfo.of(r);
  }

  /** The registration a call to {@code uri} would go to, if any. */
  public RegistrationInfo match(String uri) {
    Registration r = UriValidator.isReserved(uri) ? null : byProcedure.best(uri);
    return r == null ? null : RegistrationInfo.of(r);
  }

  public RegistrationInfo registration(long id) {
    Registration r = byId.get(id);
    return r == null ? null : RegistrationInfo.of(r);
  }

  /** The session IDs of a registration's callees, or null when there is no such registration. */
  public List<Long> callees(long id) {
    Registration r = byId.get(id);
    if (r == null) {
      return null;
    }
    List<Long> ids = new ArrayList<>();
    for (Registration.Callee c : r.callees()) {
      ids.add(c.sessionId());
    }
    return ids;
  }
}
