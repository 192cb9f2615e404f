package io.quarkbar.router.config;

import io.quarkbar.wamp.protocol.uri.UriValidator;
import io.quarkbar.wamp.router.config.Action;
import io.quarkbar.wamp.router.config.Disclose;
import io.quarkbar.wamp.router.config.MatchPolicy;
import io.quarkbar.wamp.router.config.Permission;
import io.quarkbar.wamp.router.config.RealmConfig;
import io.quarkbar.wamp.router.config.RouterConfig;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    checkWebSocket(settings.websocket(), problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid router configuration (see the README for the keys; a file is passed with -Dquarkus.config.locations=FILE):\n  - "
              + String.join("\n  - ", problems));
    }
    return new RouterConfig(realms, uris);
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
    return new RealmConfig(name, realm.anonymousRole(), roles);
  }

  private static Permission permission(
      String at,
      RouterServiceConfig.PermissionSettings p,
      UriValidator uris,
      List<String> problems) {
    MatchPolicy match;
    try {
      match = MatchPolicy.valueOf(p.match().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problems.add(at + ".match: '" + p.match() + "' is not one of exact, prefix, wildcard");
      match = MatchPolicy.EXACT;
    }
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
