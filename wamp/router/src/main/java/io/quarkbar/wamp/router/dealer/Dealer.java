package io.quarkbar.wamp.router.dealer;

import io.quarkbar.wamp.protocol.id.IdSequence;
import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Register;
import io.quarkbar.wamp.protocol.message.Registered;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.Unregister;
import io.quarkbar.wamp.protocol.message.Unregistered;
import io.quarkbar.wamp.protocol.message.Yield;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dealer of one realm: registrations, and calls routed to callees and back.
 *
 * <p>A call runs on the caller's thread, its result on the callee's; both without locks. Every
 * invocation in flight is kept per callee, so that when a callee's session ends, each of its
 * callers gets an ERROR at once instead of waiting forever.
 */
public final class Dealer {

  /** The features this dealer announces in WELCOME; each is implemented and tested. */
  public static final Map<String, Object> FEATURES =
      Map.of(
          "caller_identification", true,
          "pattern_based_registration", true,
          "progressive_call_results", true);

  private static final Map<String, Object> PROGRESS = Map.of("progress", true);

  private final Authorizer authorizer;
  private final UriValidator uris;
  private final UriMatcher<Registration> byProcedure = new UriMatcher<>();
  private final Map<Long, Registration> byId = new ConcurrentHashMap<>();
  private final Map<Session, Set<Registration>> bySession = new ConcurrentHashMap<>();
  private final Map<Session, Map<Long, PendingCall>> inFlight = new ConcurrentHashMap<>();
  private final IdSequence registrationIds = new IdSequence();
  private final Limits limits;

  public Dealer(Authorizer authorizer, UriValidator uris, Limits limits) {
    this.authorizer = authorizer;
    this.uris = uris;
    this.limits = limits;
  }

  public void processRegister(Session callee, Register msg) {
    MatchPolicy match = MatchPolicy.fromWamp(msg.options().get("match"));
    String procedure = msg.procedure();
    Object invoke = msg.options().getOrDefault("invoke", "single");
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
    if (!"single".equals(invoke)) {
      callee.error(
          Register.CODE,
          msg.request(),
          WampUris.OPTION_NOT_ALLOWED,
          "shared registration (invoke=" + invoke + ") is not supported yet");
      return;
    }
    synchronized (this) {
      Set<Registration> own = bySession.get(callee);
      if (own != null && own.size() >= limits.maxRegistrationsPerSession()) {
        callee.error(
            Register.CODE,
            msg.request(),
            Limits.LIMIT_EXCEEDED,
            "this session has "
                + own.size()
                + " registrations, the router's limit; unregister some first");
        return;
      }
      if (byProcedure.get(procedure, match) != null) {
        callee.error(
            Register.CODE,
            msg.request(),
            WampUris.PROCEDURE_ALREADY_EXISTS,
            "procedure " + procedure + " is already registered");
        return;
      }
      Registration reg =
          new Registration(
              registrationIds.next(),
              procedure,
              match,
              callee,
              Boolean.TRUE.equals(msg.options().get("disclose_caller")));
      // REGISTERED first: no INVOCATION may reach the callee before it knows the registration ID.
      callee.send(new Registered(msg.request(), reg.id()));
      byProcedure.put(procedure, match, reg);
      byId.put(reg.id(), reg);
      bySession.computeIfAbsent(callee, s -> ConcurrentHashMap.newKeySet()).add(reg);
    }
    // The session may have been ended from another thread (shutdown, kill) while this ran, after
    // its clean-up: then this registration would outlive it and block the URI.
    if (!callee.isAlive()) {
      removeSession(callee);
    }
  }

  public void processUnregister(Session callee, Unregister msg) {
    synchronized (this) {
      Registration reg = byId.get(msg.registration());
      if (reg == null || reg.callee() != callee) {
        callee.error(
            Unregister.CODE,
            msg.request(),
            WampUris.NO_SUCH_REGISTRATION,
            "no registration " + msg.registration() + " for this session");
        return;
      }
      remove(reg);
      Set<Registration> own = bySession.get(callee);
      if (own != null) {
        own.remove(reg);
      }
    }
    callee.send(new Unregistered(msg.request(), Map.of()));
  }

  public void processCall(Session caller, Call msg) {
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
    // Only the router may serve URIs under wamp.: a client's prefix or wildcard pattern ("", "wa",
    // "..") must not catch them, or it could pose as the router's meta API.
    Registration reg = UriValidator.isReserved(procedure) ? null : byProcedure.best(procedure);
    if (reg == null) {
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
    Session callee = reg.callee();
    boolean receiveProgress = Boolean.TRUE.equals(msg.options().get("receive_progress"));
    boolean disclose =
        reg.discloseCaller()
            || discloseByPermission
            || Boolean.TRUE.equals(msg.options().get("disclose_me"));
    long invocationId = callee.nextRequestId();
    Map<Long, PendingCall> pending =
        inFlight.computeIfAbsent(callee, s -> new ConcurrentHashMap<>());
    pending.put(invocationId, new PendingCall(caller, msg.request(), receiveProgress));
    if (!callee.isAlive()) {
      // The callee ended between lookup and now; its clean-up may have run already.
      if (pending.remove(invocationId) != null) {
        calleeGone(caller, msg.request());
      }
      if (pending.isEmpty()) {
        inFlight.remove(callee, pending);
      }
      return;
    }
    callee.send(
        new Invocation(
            invocationId,
            reg.id(),
            invocationDetails(reg, caller, procedure, receiveProgress, disclose),
            msg.arguments(),
            msg.argumentsKw()));
  }

  public void processYield(Session callee, Yield msg) {
    Map<Long, PendingCall> pending = inFlight.get(callee);
    if (pending == null) {
      return;
    }
    boolean progress = Boolean.TRUE.equals(msg.options().get("progress"));
    PendingCall call = progress ? pending.get(msg.request()) : pending.remove(msg.request());
    // No entry: an answer to an invocation whose caller is gone, or a duplicate. Nothing to do.
    if (call == null || (progress && !call.receiveProgress())) {
      return;
    }
    if (!progress) {
      call.caller().pendingCalls().decrementAndGet();
    }
    call.caller()
        .send(
            new Result(
                call.callRequest(),
                progress ? PROGRESS : Map.of(),
                msg.arguments(),
                msg.argumentsKw()));
  }

  /** A callee's ERROR for an INVOCATION: passed to the caller with its URI, args and kwargs. */
  public void processInvocationError(Session callee, Error msg) {
    Map<Long, PendingCall> pending = inFlight.get(callee);
    PendingCall call = pending == null ? null : pending.remove(msg.request());
    if (call == null) {
      return;
    }
    call.caller().pendingCalls().decrementAndGet();
    call.caller()
        .send(
            new Error(
                Call.CODE,
                call.callRequest(),
                Map.of(),
                msg.error(),
                msg.arguments(),
                msg.argumentsKw()));
  }

  /** Forgets the registrations of a session that has ended and fails the calls it was serving. */
  public void removeSession(Session session) {
    Set<Registration> own = bySession.remove(session);
    if (own != null) {
      synchronized (this) {
        own.forEach(this::remove);
      }
    }
    Map<Long, PendingCall> pending = inFlight.remove(session);
    if (pending != null) {
      for (Long id : List.copyOf(pending.keySet())) {
        PendingCall call = pending.remove(id);
        if (call != null) {
          calleeGone(call.caller(), call.callRequest());
        }
      }
    }
  }

  private void remove(Registration reg) {
    if (byProcedure.get(reg.uri(), reg.match()) == reg) {
      byProcedure.remove(reg.uri(), reg.match());
    }
    byId.remove(reg.id());
  }

  private static void calleeGone(Session caller, long callRequest) {
    caller.pendingCalls().decrementAndGet();
    caller.error(
        Call.CODE, callRequest, WampUris.CANCELED, "callee disconnected from in-flight request");
  }

  private static Map<String, Object> invocationDetails(
      Registration reg,
      Session caller,
      String procedure,
      boolean receiveProgress,
      boolean disclose) {
    if (!receiveProgress && reg.match() == MatchPolicy.EXACT) {
      return disclose ? caller.callerDetails() : Map.of();
    }
    Map<String, Object> details = new HashMap<>(8);
    if (reg.match() != MatchPolicy.EXACT) {
      details.put("procedure", procedure);
    }
    if (receiveProgress) {
      details.put("receive_progress", true);
    }
    if (disclose) {
      details.putAll(caller.callerDetails());
    }
    return details;
  }
}
