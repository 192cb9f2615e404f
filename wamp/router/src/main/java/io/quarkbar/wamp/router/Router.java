package io.quarkbar.wamp.router;

import io.quarkbar.wamp.protocol.id.IdGenerator;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.uri.UriValidator;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.broker.Broker;
import io.quarkbar.wamp.router.config.RealmConfig;
import io.quarkbar.wamp.router.config.RouterConfig;
import io.quarkbar.wamp.router.dealer.Dealer;
import io.quarkbar.wamp.router.session.JoinHandler;
import io.quarkbar.wamp.router.session.Session;
import io.quarkbar.wamp.router.session.SessionIdentity;
import io.quarkbar.wamp.router.transport.Transport;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The WAMP router core: realms, and sessions attached to them through any {@link Transport}. It has
 * no threads of its own; it runs on the threads that deliver messages (Vert.x event loops in
 * router-service, the test's thread with {@link io.quarkbar.wamp.router.transport.LocalTransport}).
 */
public final class Router implements JoinHandler {

  private static final Logger LOG = Logger.getLogger(Router.class);

  /** What the router says it is, in WELCOME.Details.agent. */
  public static final String AGENT = "Quarkbar";

  private static final Map<String, Object> ROLES =
      Map.of(
          "broker", Map.of("features", Broker.FEATURES),
          "dealer", Map.of("features", Dealer.FEATURES));

  private final Map<String, Realm> realms;
  private final UriValidator uris;
  private volatile boolean shuttingDown;

  public Router(RouterConfig config) {
    this.uris = config.uriValidator();
    this.realms =
        config.realms().stream()
            .collect(
                Collectors.toUnmodifiableMap(
                    RealmConfig::name, r -> new Realm(r, config.uriValidator())));
  }

  /** Starts a session on a new connection; feed it the connection's messages. */
  public Session attach(Transport transport) {
    return new Session(transport, this);
  }

  /** Whether new sessions are accepted (false once shutdown began). */
  public boolean isAcceptingSessions() {
    return !shuttingDown;
  }

  /** The number of open sessions over all realms. */
  public int sessionCount() {
    return realms.values().stream().mapToInt(r -> r.sessions().size()).sum();
  }

  @Override
  public void hello(Session session, Hello hello) {
    String realmName = hello.realm();
    if (shuttingDown) {
      session.abort(WampUris.SYSTEM_SHUTDOWN, "the router is shutting down");
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
    if (!(hello.details().get("roles") instanceof Map<?, ?> clientRoles) || clientRoles.isEmpty()) {
      session.protocolViolation("HELLO.Details.roles must be a non-empty dict");
      return;
    }
    Optional<String> role = realm.anonymousRole();
    if (role.isEmpty()) {
      session.abort(
          WampUris.NOT_AUTHORIZED, "realm " + realmName + " does not accept anonymous sessions");
      return;
    }
    if (hello.details().get("authmethods") instanceof List<?> methods
        && !methods.isEmpty()
        && !methods.contains("anonymous")) {
      session.abort(
          WampUris.NO_MATCHING_AUTH_METHOD,
          "realm " + realmName + " accepts only anonymous sessions, offered " + methods);
      return;
    }
    welcome(session, realm, role.get(), castRoles(clientRoles));
  }

  private void welcome(Session session, Realm realm, String authrole, Map<String, Object> roles) {
    long id;
    do {
      id = IdGenerator.globalId();
    } while (!realm.add(session, id));
    SessionIdentity identity =
        new SessionIdentity(id, realm.name(), "anonymous-" + id, authrole, "anonymous", roles);
    Map<String, Object> details =
        Map.of(
            "roles",
            ROLES,
            "agent",
            AGENT,
            "authid",
            identity.authid(),
            "authrole",
            authrole,
            "authmethod",
            "anonymous",
            "authprovider",
            "static");
    if (!session.open(identity, realm, details)) {
      realm.closed(session);
    }
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

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castRoles(Map<?, ?> roles) {
    return (Map<String, Object>) roles;
  }
}
