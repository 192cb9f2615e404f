package io.quarkbar.wamp.router.config;

import io.quarkbar.wamp.protocol.uri.UriValidator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the router core needs to run: its realms, how strictly it checks URIs, and its limits. The
 * Quarkus service builds it from its typed configuration; tests build it directly.
 */
public record RouterConfig(List<RealmConfig> realms, UriValidator uriValidator, Limits limits) {

  public RouterConfig {
    realms = List.copyOf(realms);
  }

  public RouterConfig(List<RealmConfig> realms, UriValidator uriValidator) {
    this(realms, uriValidator, Limits.DEFAULT);
  }

  public RouterConfig withLimits(Limits limits) {
    return new RouterConfig(realms, uriValidator, limits);
  }

  /** One realm that lets anonymous sessions do everything: for tests and local experiments. */
  public static RouterConfig openRealm(String realm) {
    Permission all =
        new Permission(
            "", MatchPolicy.PREFIX, EnumSet.allOf(Action.class), EnumSet.allOf(Disclose.class));
    return new RouterConfig(
        List.of(
            new RealmConfig(realm, Optional.of("anonymous"), Map.of("anonymous", List.of(all)))),
        UriValidator.LOOSE);
  }
}
