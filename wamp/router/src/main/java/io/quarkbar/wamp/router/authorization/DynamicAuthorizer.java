package io.quarkbar.wamp.router.authorization;

import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.router.config.Action;
import io.quarkbar.wamp.router.config.AuthorizerConfig;
import io.quarkbar.wamp.router.config.Disclose;
import io.quarkbar.wamp.router.config.MatchPolicy;
import io.quarkbar.wamp.router.config.Permission;
import io.quarkbar.wamp.router.session.Session;
import io.quarkbar.wamp.router.session.SessionIdentity;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.jboss.logging.Logger;

/**
 * A realm's dynamic authorizer: a procedure, provided by a client, that the router asks {@code
 * (session, uri, action)} about actions no static permission covers. {@code session} is a dict of
 * the session's identity ({@code session}, {@code authid}, {@code authrole}, {@code authmethod},
 * {@code authprovider}, {@code realm}), {@code action} one of {@code call}, {@code register},
 * {@code publish}, {@code subscribe}. It answers {@code true} or {@code false}, or a dict {@code
 * {allow, disclose}}. A missing, failing or slow authorizer denies.
 *
 * <p>Answers are reused for the same session, URI and action for {@code cacheFor}; at most {@link
 * #MAX_CACHED} of them are kept.
 */
public final class DynamicAuthorizer {

  private static final Logger LOG = Logger.getLogger(DynamicAuthorizer.class);

  static final int MAX_CACHED = 10_000;

  private record Key(long session, String uri, Action action) {}

  private record Cached(Permission permission, long expires) {}

  /** The answer a message waits for, found by it when it is processed again. */
  private record Pending(WampMessage message, Permission permission) {}

  private final AuthorizerConfig config;
  private final BiFunction<String, List<Object>, CompletableFuture<Result>> caller;
  private final Map<Key, Cached> cache = new ConcurrentHashMap<>();
  private final Map<Session, Pending> answered = new ConcurrentHashMap<>();

  /**
   * @param caller calls the configured procedure with its arguments, as the router's own session
   */
  public DynamicAuthorizer(
      AuthorizerConfig config, BiFunction<String, List<Object>, CompletableFuture<Result>> caller) {
    this.config = config;
    this.caller = caller;
  }

  /**
   * The answer for a message processed again after {@link #ask}, a cached one, or {@link
   * Authorizer#ASK}.
   */
  Permission answer(Session session, String uri, Action action) {
    Pending pending = answered.remove(session);
    if (pending != null) {
      return pending.permission();
    }
    Cached cached = cache.get(new Key(session.id(), uri, action));
    if (cached != null) {
      if (System.nanoTime() - cached.expires() < 0) {
        return cached.permission();
      }
      cache.remove(new Key(session.id(), uri, action), cached);
    }
    return Authorizer.ASK;
  }

  void ask(Session session, WampMessage message, String uri, Action action) {
    session.suspend();
    caller
        .apply(
            config.procedure().procedure(),
            List.of(identity(session), uri, action.name().toLowerCase(java.util.Locale.ROOT)))
        .whenComplete(
            (result, error) -> {
              Permission p;
              if (error != null) {
                LOG.warnf(
                    "authorizer %s failed on %s %s for session %d; denied: %s",
                    config.procedure().procedure(), action, uri, session.id(), error.getMessage());
                p = Authorizer.FAILED;
              } else {
                p = permission(result, uri, action);
                remember(session, uri, action, p);
              }
              answered.put(session, new Pending(message, p));
              session.resume(message);
              answered.remove(session);
            });
  }

  private void remember(Session session, String uri, Action action, Permission p) {
    Duration ttl = config.cacheFor();
    if (ttl.isZero() || p == Authorizer.FAILED) {
      return;
    }
    if (cache.size() >= MAX_CACHED) {
      long now = System.nanoTime();
      cache.values().removeIf(c -> now - c.expires() >= 0);
      if (cache.size() >= MAX_CACHED) {
        cache.clear();
      }
    }
    cache.put(new Key(session.id(), uri, action), new Cached(p, System.nanoTime() + ttl.toNanos()));
  }

  /** Forgets what was cached for a session that has left. */
  public void removeSession(Session session) {
    answered.remove(session);
    if (!cache.isEmpty()) {
      long id = session.id();
      cache.keySet().removeIf(k -> k.session() == id);
    }
  }

  private static Permission permission(Result result, String uri, Action action) {
    Object answer = result.arguments().isEmpty() ? null : result.arguments().getFirst();
    boolean allow = false;
    boolean disclose = false;
    if (answer instanceof Boolean b) {
      allow = b;
    } else if (answer instanceof Map<?, ?> m) {
      allow = Boolean.TRUE.equals(m.get("allow"));
      disclose = Boolean.TRUE.equals(m.get("disclose"));
    }
    if (!allow) {
      return null;
    }
    Set<Disclose> who = EnumSet.noneOf(Disclose.class);
    if (disclose) {
      who.add(action == Action.PUBLISH ? Disclose.PUBLISHER : Disclose.CALLER);
    }
    return new Permission(uri, MatchPolicy.EXACT, EnumSet.of(action), who);
  }

  private static Map<String, Object> identity(Session session) {
    SessionIdentity i = session.identity();
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("session", i.sessionId());
    d.put("authid", i.authid());
    d.put("authrole", i.authrole());
    d.put("authmethod", i.authmethod());
    d.put("authprovider", i.authprovider());
    d.put("realm", i.realm());
    return d;
  }
}
