package io.quarkbar.wamp.router.authentication;

import io.quarkbar.wamp.protocol.message.Challenge;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.config.AuthMethod;
import io.quarkbar.wamp.router.config.DynamicProcedure;
import io.quarkbar.wamp.router.config.Limits;
import io.quarkbar.wamp.router.config.MethodConfig;
import io.quarkbar.wamp.router.config.RealmConfig;
import io.quarkbar.wamp.router.session.Session;
import io.quarkbar.wamp.router.telemetry.Telemetry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Decides who a client is: picks the authentication method from what HELLO offers and the realm
 * accepts, runs it, and ends the join with WELCOME or ABORT. Refusals are logged (realm, authid,
 * method, remote address; never a secret) and slow down further attempts from the same address
 * ({@link FailedAttempts}).
 */
public final class Authentication {

  private final Telemetry telemetry;

  private static final Logger LOG = Logger.getLogger(Authentication.class);

  /** Where a granted join goes on: the router, which opens the session in its realm. */
  public interface Admission {
    void welcome(Session session, RealmConfig realm, Grant grant, Map<String, Object> clientRoles);
  }

  /** How the router calls a procedure that a client provides, such as an authenticator. */
  public interface ProcedureCaller {
    CompletableFuture<Result> call(DynamicProcedure procedure, List<Object> args);
  }

  private final Admission admission;
  private final ProcedureCaller caller;
  private final ScheduledExecutorService timer;
  private final Limits limits;
  private final FailedAttempts failures;
  private final Map<String, Map<AuthMethod, AuthMethodHandler>> handlers;

  public Authentication(
      List<RealmConfig> realms,
      Limits limits,
      ScheduledExecutorService timer,
      Admission admission,
      ProcedureCaller caller,
      Telemetry telemetry) {
    this.telemetry = telemetry;
    this.admission = admission;
    this.caller = caller;
    this.timer = timer;
    this.limits = limits;
    this.failures = new FailedAttempts(limits.authFailureDelay(), limits.authFailureMaxDelay());
    this.handlers = new java.util.HashMap<>();
    for (RealmConfig realm : realms) {
      Map<AuthMethod, AuthMethodHandler> byMethod = new EnumMap<>(AuthMethod.class);
      realm
          .authentication()
          .forEach((method, config) -> byMethod.put(method, handler(method, config)));
      handlers.put(realm.name(), byMethod);
    }
  }

  private AuthMethodHandler handler(AuthMethod method, MethodConfig config) {
    return switch (method) {
      case TICKET -> new TicketAuth(config, this);
      case WAMPCRA -> new WampCraAuth(config, this);
      case CRYPTOSIGN -> new CryptosignAuth(config, this);
      case ANONYMOUS -> throw new IllegalArgumentException("anonymous has no handler");
    };
  }

  /**
   * Runs the authentication of {@code hello} for {@code realm}: the first method in the client's
   * order ({@code authmethods}, or anonymous when it offers none) that the realm accepts.
   */
  public void hello(Session session, RealmConfig realm, Hello hello) {
    List<String> offered = offeredMethods(hello);
    AuthMethod method = null;
    for (String name : offered) {
      method = AuthMethod.fromWamp(name).filter(realm::accepts).orElse(null);
      if (method != null) {
        break;
      }
    }
    JoinAttempt attempt = new JoinAttempt(this, session, realm, hello, method);
    if (method == null) {
      deny(
          attempt,
          attempt.requestedAuthid(),
          WampUris.NO_MATCHING_AUTH_METHOD,
          "realm "
              + realm.name()
              + " accepts "
              + accepted(realm)
              + "; the client offered "
              + offered,
          false);
    } else if (method == AuthMethod.ANONYMOUS) {
      admission.welcome(
          session,
          realm,
          new Grant(null, realm.anonymousRole().orElseThrow(), "anonymous", Grant.STATIC, Map.of()),
          clientRoles(hello));
    } else {
      handlers.get(realm.name()).get(method).start(attempt);
    }
  }

  private static List<String> offeredMethods(Hello hello) {
    if (!(hello.details().get("authmethods") instanceof List<?> list) || list.isEmpty()) {
      return List.of(AuthMethod.ANONYMOUS.wampName());
    }
    List<String> names = new ArrayList<>();
    for (Object o : list) {
      if (o instanceof String s) {
        names.add(s);
      }
    }
    return names;
  }

  private static String accepted(RealmConfig realm) {
    List<String> names = new ArrayList<>();
    for (AuthMethod m : AuthMethod.values()) {
      if (realm.accepts(m)) {
        names.add(m.wampName());
      }
    }
    return names.isEmpty() ? "no method (nobody may join)" : String.join(", ", names);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> clientRoles(Hello hello) {
    return (Map<String, Object>) hello.details().get("roles");
  }

  void challenge(JoinAttempt attempt, Challenge challenge, Session.Handshake next) {
    Session session = attempt.session();
    long seconds = limits.helloTimeout().toSeconds();
    session.armDeadline(
        timer.schedule(
            () ->
                session.joinTimedOut(
                    WampUris.AUTHENTICATION_FAILED,
                    "no AUTHENTICATE within " + seconds + " s of the CHALLENGE"),
            limits.helloTimeout().toNanos(),
            TimeUnit.NANOSECONDS));
    session.challenge(challenge, next);
  }

  void grant(JoinAttempt attempt, Grant grant) {
    RealmConfig realm = attempt.realm();
    if (!realm.roles().containsKey(grant.authrole())) {
      deny(
          attempt,
          grant.authid(),
          WampUris.NO_SUCH_ROLE,
          "role " + grant.authrole() + " does not exist in realm " + realm.name(),
          false);
      return;
    }
    Session session = attempt.session();
    afterPenalty(
        attempt,
        grant.authid(),
        () -> admission.welcome(session, realm, grant, clientRoles(attempt)));
  }

  private static Map<String, Object> clientRoles(JoinAttempt attempt) {
    @SuppressWarnings("unchecked")
    Map<String, Object> roles = (Map<String, Object>) attempt.helloDetails().get("roles");
    return roles;
  }

  void deny(JoinAttempt attempt, String authid, String uri, String message, boolean counts) {
    String remote = attempt.session().transport().remoteAddress();
    telemetry.authenticationFailed(attempt.realm().name(), methodName(attempt), uri);
    if (counts) {
      LOG.warnf(
          "authentication refused: realm=%s authid=%s method=%s remote=%s: %s",
          attempt.realm().name(), authid, methodName(attempt), remote, message);
      failures.failed(remote);
      afterPenalty(attempt, authid, () -> attempt.session().abort(uri, message));
    } else {
      LOG.warnf(
          "authentication failed: realm=%s authid=%s method=%s remote=%s: %s",
          attempt.realm().name(), authid, methodName(attempt), remote, message);
      attempt.session().abort(uri, message);
    }
  }

  private static String methodName(JoinAttempt attempt) {
    return attempt.method() == null ? "-" : attempt.method().wampName();
  }

  /**
   * Runs a verdict for {@code attempt}'s address once its turn has come ({@link FailedAttempts}).
   */
  private void afterPenalty(JoinAttempt attempt, String authid, Runnable verdict) {
    if (attempt.method() == AuthMethod.ANONYMOUS || attempt.method() == null) {
      verdict.run();
      return;
    }
    String remote = attempt.session().transport().remoteAddress();
    long delay = failures.delay(remote);
    if (delay == 0) {
      verdict.run();
    } else if (delay < 0) {
      LOG.warnf(
          "authentication refused unchecked: realm=%s authid=%s method=%s remote=%s: too many failures from this address",
          attempt.realm().name(), authid, methodName(attempt), remote);
      attempt
          .session()
          .abort(
              WampUris.AUTHENTICATION_FAILED,
              "too many failed authentications from this address; try again later");
    } else {
      timer.schedule(verdict, delay, TimeUnit.NANOSECONDS);
    }
  }

  /** Calls {@code authenticator} for {@code attempt}, as a dynamic method does. */
  CompletableFuture<Result> callAuthenticator(
      DynamicProcedure authenticator,
      JoinAttempt attempt,
      String authid,
      Map<String, Object> details) {
    List<Object> args = new ArrayList<>(3);
    args.add(attempt.realm().name());
    args.add(authid);
    args.add(details);
    return caller.call(authenticator, args);
  }

  ScheduledExecutorService timer() {
    return timer;
  }
}
