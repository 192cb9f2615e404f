package io.quarkbar.router.config;

import io.quarkbar.router.rawsocket.Framing;
import io.quarkbar.wamp.protocol.serialization.DecodeLimits;
import io.quarkbar.wamp.protocol.uri.UriValidator;
import io.quarkbar.wamp.router.config.Action;
import io.quarkbar.wamp.router.config.AuthMethod;
import io.quarkbar.wamp.router.config.AuthorizerConfig;
import io.quarkbar.wamp.router.config.Disclose;
import io.quarkbar.wamp.router.config.DynamicProcedure;
import io.quarkbar.wamp.router.config.EventStoreRule;
import io.quarkbar.wamp.router.config.Limits;
import io.quarkbar.wamp.router.config.MatchPolicy;
import io.quarkbar.wamp.router.config.MethodConfig;
import io.quarkbar.wamp.router.config.Permission;
import io.quarkbar.wamp.router.config.Principal;
import io.quarkbar.wamp.router.config.RealmConfig;
import io.quarkbar.wamp.router.config.RouterConfig;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the typed service configuration into the router core's {@link RouterConfig}, and refuses,
 * with every mistake listed, a configuration that would not mean what its author thinks.
 */
public final class RouterConfigFactory {

  private RouterConfigFactory() {}

  /**
   * The router configuration for {@code settings}.
   *
   * @throws IllegalArgumentException naming every invalid key, so that start-up fails with a clear
   *     message instead of a router that silently denies or allows the wrong things
   */
  public static RouterConfig create(RouterServiceConfig settings) {
    return create(settings, settings.limits().maxSessions());
  }

  /**
   * The router configuration for {@code settings}, with at most {@code maxSessions} sessions: the
   * {@link SessionBound} of this process.
   *
   * @throws IllegalArgumentException naming every invalid key
   */
  public static RouterConfig create(RouterServiceConfig settings, int maxSessions) {
    UriValidator uris =
        settings.uriCheck() == RouterServiceConfig.UriCheck.STRICT
            ? UriValidator.STRICT
            : UriValidator.LOOSE;
    List<String> problems = new ArrayList<>();
    List<RealmConfig> realms = new ArrayList<>();
    settings.realms().forEach((name, realm) -> realms.add(realm(name, realm, uris, problems)));
    if (realms.isEmpty()) {
      problems.add("router.realms: no realm is configured, so no client could join");
    }
    checkProcedureRealms(settings, problems);
    checkWebSocket(settings.websocket(), problems);
    checkRawSocket(settings.rawsocket(), settings.websocket(), problems);
    Limits limits = limits(settings.limits(), maxSessions, problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid router configuration (see the README for the keys; a file is passed with -Dquarkus.config.locations=FILE):\n  - "
              + String.join("\n  - ", problems));
    }
    return new RouterConfig(realms, uris, limits);
  }

  private static Limits limits(
      RouterServiceConfig.LimitSettings l, int maxSessions, List<String> problems) {
    positive("router.limits.max-sessions", l.maxSessions(), problems);
    if (l.reservedFiles() < 0) {
      problems.add("router.limits.reserved-files: must be 0 or more");
    } else if (l.maxSessions() > 0 && maxSessions <= 0) {
      problems.add(
          "router.limits.reserved-files: the process' open-files limit leaves no room for a"
              + " single session; raise it (ulimit -n) or lower reserved-files");
    }
    positive("router.limits.max-sessions-per-address", l.maxSessionsPerAddress(), problems);
    positive(
        "router.limits.max-pending-calls-per-session", l.maxPendingCallsPerSession(), problems);
    positive(
        "router.limits.max-subscriptions-per-session", l.maxSubscriptionsPerSession(), problems);
    positive(
        "router.limits.max-registrations-per-session", l.maxRegistrationsPerSession(), problems);
    if (l.maxNestingDepth() < 4 || l.maxNestingDepth() > DecodeLimits.MAX_NESTING) {
      // HELLO itself is a list holding a dict of roles, each a dict holding a dict of features.
      problems.add(
          "router.limits.max-nesting-depth: must be from 4 (what HELLO needs) to "
              + DecodeLimits.MAX_NESTING);
    }
    positive("router.limits.max-elements", l.maxElements(), problems);
    if (l.helloTimeout().isNegative() || l.helloTimeout().isZero()) {
      problems.add("router.limits.hello-timeout: must be longer than 0");
    }
    if (l.authFailureDelay().isNegative()) {
      problems.add("router.limits.auth-failure-delay: must be 0 (no slow-down) or longer");
    }
    if (l.authFailureMaxDelay().compareTo(l.authFailureDelay()) < 0) {
      problems.add("router.limits.auth-failure-max-delay: must be at least auth-failure-delay");
    }
    return new Limits(
        Math.max(1, maxSessions),
        l.maxSessionsPerAddress(),
        l.maxPendingCallsPerSession(),
        l.maxSubscriptionsPerSession(),
        l.maxRegistrationsPerSession(),
        l.helloTimeout(),
        l.authFailureDelay(),
        l.authFailureMaxDelay());
  }

  private static void positive(String key, int value, List<String> problems) {
    if (value <= 0) {
      problems.add(key + ": must be a positive number");
    }
  }

  /** Authenticators and authorizers must live in a realm the router has. */
  private static void checkProcedureRealms(RouterServiceConfig settings, List<String> problems) {
    settings
        .realms()
        .forEach(
            (name, realm) -> {
              String key = "router.realms." + name;
              RouterServiceConfig.AuthSettings auth = realm.auth();
              Map<String, Optional<RouterServiceConfig.MethodSettings>> methods =
                  Map.of(
                      "ticket",
                      auth.ticket(),
                      "wampcra",
                      auth.wampcra(),
                      "cryptosign",
                      auth.cryptosign());
              methods.forEach(
                  (method, m) ->
                      m.flatMap(RouterServiceConfig.MethodSettings::authenticator)
                          .flatMap(RouterServiceConfig.AuthenticatorSettings::realm)
                          .filter(r -> !settings.realms().containsKey(r))
                          .ifPresent(
                              r ->
                                  problems.add(
                                      key
                                          + ".auth."
                                          + method
                                          + ".authenticator.realm: no realm "
                                          + r)));
              realm
                  .authorizer()
                  .flatMap(RouterServiceConfig.AuthorizerSettings::realm)
                  .filter(r -> !settings.realms().containsKey(r))
                  .ifPresent(r -> problems.add(key + ".authorizer.realm: no realm " + r));
            });
  }

  private static void checkWebSocket(
      RouterServiceConfig.WebSocketSettings websocket, List<String> problems) {
    if (websocket.maxMessageSize() <= 0) {
      problems.add("router.websocket.max-message-size: must be a positive number of bytes");
    }
    if (websocket.maxOutboundQueue() <= 0) {
      problems.add("router.websocket.max-outbound-queue: must be a positive number of bytes");
    }
    if (websocket.pingInterval().isNegative()) {
      problems.add("router.websocket.ping-interval: must be 0 (no pings) or longer");
    }
  }

  private static void checkRawSocket(
      RouterServiceConfig.RawSocketSettings rawsocket,
      RouterServiceConfig.WebSocketSettings websocket,
      List<String> problems) {
    rawsocket
        .port()
        .ifPresent(
            port -> {
              if (port < 0 || port > 65535) {
                problems.add("router.rawsocket.port: must be from 0 (any free port) to 65535");
              }
            });
    if (rawsocket.host().isBlank()) {
      problems.add("router.rawsocket.host: must be an address to listen on, such as 0.0.0.0");
    }
    String range =
        Framing.MIN_LENGTH
            + " to "
            + Framing.MAX_LENGTH
            + " bytes, the sizes a RawSocket handshake can announce";
    rawsocket
        .maxMessageSize()
        .ifPresent(
            size -> {
              if (size < Framing.MIN_LENGTH || size > Framing.MAX_LENGTH) {
                problems.add("router.rawsocket.max-message-size: must be from " + range);
              }
            });
    if (rawsocket.port().isPresent()
        && rawsocket.maxMessageSize().isEmpty()
        && websocket.maxMessageSize() < Framing.MIN_LENGTH) {
      problems.add(
          "router.rawsocket.max-message-size: must be set, since its default,"
              + " router.websocket.max-message-size, is below "
              + Framing.MIN_LENGTH
              + " bytes, the smallest size a RawSocket handshake can announce");
    }
    rawsocket
        .maxOutboundQueue()
        .ifPresent(
            queue -> {
              if (queue <= 0) {
                problems.add(
                    "router.rawsocket.max-outbound-queue: must be a positive number of bytes");
              }
            });
    if (rawsocket.pingInterval().isNegative()) {
      problems.add("router.rawsocket.ping-interval: must be 0 (no pings) or longer");
    }
  }

  private static RealmConfig realm(
      String name,
      RouterServiceConfig.RealmSettings realm,
      UriValidator uris,
      List<String> problems) {
    String key = "router.realms." + name;
    if (!uris.isValid(name)) {
      problems.add(key + ": the realm name is not a valid URI");
    }
    Map<String, List<Permission>> roles = new LinkedHashMap<>();
    realm
        .roles()
        .forEach(
            (role, settings) -> {
              List<Permission> permissions = new ArrayList<>();
              List<RouterServiceConfig.PermissionSettings> list = settings.permissions();
              for (int i = 0; i < list.size(); i++) {
                String at = key + ".roles." + role + ".permissions[" + i + "]";
                permissions.add(permission(at, list.get(i), uris, problems));
              }
              roles.put(role, permissions);
            });
    realm
        .anonymousRole()
        .filter(r -> !roles.containsKey(r))
        .ifPresent(
            r ->
                problems.add(
                    key
                        + ".anonymous-role: names role '"
                        + r
                        + "', which the realm does not define"));
    Map<AuthMethod, MethodConfig> authentication = new EnumMap<>(AuthMethod.class);
    RouterServiceConfig.AuthSettings auth = realm.auth();
    auth.ticket()
        .ifPresent(
            m ->
                authentication.put(
                    AuthMethod.TICKET,
                    method(
                        name, key + ".auth.ticket", AuthMethod.TICKET, m, roles, uris, problems)));
    auth.wampcra()
        .ifPresent(
            m ->
                authentication.put(
                    AuthMethod.WAMPCRA,
                    method(
                        name,
                        key + ".auth.wampcra",
                        AuthMethod.WAMPCRA,
                        m,
                        roles,
                        uris,
                        problems)));
    auth.cryptosign()
        .ifPresent(
            m ->
                authentication.put(
                    AuthMethod.CRYPTOSIGN,
                    method(
                        name,
                        key + ".auth.cryptosign",
                        AuthMethod.CRYPTOSIGN,
                        m,
                        roles,
                        uris,
                        problems)));
    Optional<AuthorizerConfig> authorizer =
        realm
            .authorizer()
            .map(
                a -> {
                  checkProcedure(key + ".authorizer.procedure", a.procedure(), uris, problems);
                  if (a.timeout().isNegative() || a.timeout().isZero()) {
                    problems.add(key + ".authorizer.timeout: must be longer than 0");
                  }
                  if (a.cacheFor().isNegative()) {
                    problems.add(key + ".authorizer.cache-for: must be 0 (no cache) or longer");
                  }
                  return new AuthorizerConfig(
                      new DynamicProcedure(a.procedure(), a.realm().orElse(name), a.timeout()),
                      a.cacheFor());
                });
    List<EventStoreRule> events = new ArrayList<>();
    List<RouterServiceConfig.EventRuleSettings> rules = realm.events().orElse(List.of());
    for (int i = 0; i < rules.size(); i++) {
      events.add(eventRule(key + ".events[" + i + "]", rules.get(i), uris, problems));
    }
    return new RealmConfig(name, realm.anonymousRole(), roles, authentication, authorizer, events);
  }

  private static EventStoreRule eventRule(
      String at,
      RouterServiceConfig.EventRuleSettings r,
      UriValidator uris,
      List<String> problems) {
    MatchPolicy match = matchPolicy(at, r.match(), problems);
    if (!uris.isValidPattern(r.uri(), match.wampName())) {
      problems.add(at + ".uri: '" + r.uri() + "' is not a valid " + match.wampName() + " pattern");
    }
    if (r.history() < 0 || r.history() > 10_000) {
      problems.add(at + ".history: must be from 0 to 10000 events");
    }
    if (!r.retain() && r.history() == 0) {
      problems.add(at + ": keeps nothing; set retain: true or a history");
    }
    return new EventStoreRule(r.uri(), match, r.retain(), r.history());
  }

  private static MatchPolicy matchPolicy(String at, String value, List<String> problems) {
    try {
      return MatchPolicy.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problems.add(at + ".match: '" + value + "' is not one of exact, prefix, wildcard");
      return MatchPolicy.EXACT;
    }
  }

  private static MethodConfig method(
      String realm,
      String key,
      AuthMethod method,
      RouterServiceConfig.MethodSettings settings,
      Map<String, List<Permission>> roles,
      UriValidator uris,
      List<String> problems) {
    if (settings.authenticator().isPresent()) {
      if (!settings.principals().isEmpty()) {
        problems.add(key + ": give principals or an authenticator, not both");
      }
      RouterServiceConfig.AuthenticatorSettings a = settings.authenticator().get();
      checkProcedure(key + ".authenticator.procedure", a.procedure(), uris, problems);
      if (a.timeout().isNegative() || a.timeout().isZero()) {
        problems.add(key + ".authenticator.timeout: must be longer than 0");
      }
      return MethodConfig.dynamic(
          new DynamicProcedure(a.procedure(), a.realm().orElse(realm), a.timeout()));
    }
    if (settings.principals().isEmpty()) {
      problems.add(key + ": needs principals or an authenticator, or no one could join by it");
    }
    Map<String, Principal> principals = new LinkedHashMap<>();
    settings
        .principals()
        .forEach(
            (authid, p) -> {
              String at = key + ".principals." + authid;
              if (!roles.containsKey(p.role())) {
                problems.add(
                    at + ".role: names role '" + p.role() + "', which the realm does not define");
              }
              principals.put(authid, PrincipalSettingsCheck.principal(at, method, p, problems));
            });
    return MethodConfig.of(principals);
  }

  private static void checkProcedure(
      String key, String procedure, UriValidator uris, List<String> problems) {
    if (!uris.isValid(procedure)) {
      problems.add(key + ": '" + procedure + "' is not a valid URI");
    }
  }

  private static Permission permission(
      String at,
      RouterServiceConfig.PermissionSettings p,
      UriValidator uris,
      List<String> problems) {
    MatchPolicy match = matchPolicy(at, p.match(), problems);
    String uri = p.uri().orElse("");
    if (uri.isEmpty() && match != MatchPolicy.PREFIX) {
      problems.add(at + ".uri: required unless match is prefix");
    } else if (!uri.isEmpty() && !uris.isValidPattern(uri, match.wampName())) {
      problems.add(at + ".uri: '" + uri + "' is not a valid " + match.wampName() + " pattern");
    }
    Set<Action> allow = EnumSet.noneOf(Action.class);
    for (String a : p.allow().orElse(List.of())) {
      try {
        allow.add(Action.valueOf(a.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        problems.add(at + ".allow: '" + a + "' is not one of call, register, publish, subscribe");
      }
    }
    Set<Disclose> disclose = EnumSet.noneOf(Disclose.class);
    for (String d : p.disclose().orElse(List.of())) {
      try {
        disclose.add(Disclose.valueOf(d.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        problems.add(at + ".disclose: '" + d + "' is not one of caller, publisher");
      }
    }
    return new Permission(uri, match, allow, disclose);
  }
}
