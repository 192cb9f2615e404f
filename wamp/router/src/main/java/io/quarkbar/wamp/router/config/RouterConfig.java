package io.quarkbar.wamp.router.config;

import io.quarkbar.wamp.protocol.uri.UriValidator;
import java.util.List;

/**
 * What the router core needs to run: its realms and how strictly it checks URIs. The Quarkus
 * service builds it from its typed configuration; tests build it directly.
 */
public record RouterConfig(List<RealmConfig> realms, UriValidator uriValidator) {

  public RouterConfig {
    realms = List.copyOf(realms);
  }

  /** One realm that lets anonymous sessions do everything: for tests and local experiments. */
  public static RouterConfig openRealm(String realm) {
    Permission all =
        new Permission(
            "",
            MatchPolicy.PREFIX,
            java.util.EnumSet.allOf(Action.class),
            java.util.EnumSet.allOf(Disclose.class));
    return new RouterConfig(
        List.of(
            new RealmConfig(
                realm,
                java.util.Optional.of("anonymous"),
                java.util.Map.of("anonymous", List.of(all)))),
        UriValidator.LOOSE);
  }
}
