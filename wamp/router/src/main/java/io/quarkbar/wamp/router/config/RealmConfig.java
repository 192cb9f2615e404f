package io.quarkbar.wamp.router.config;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A realm: its roles and their permissions, and who may join it as what.
 *
 * @param anonymousRole the role of sessions that join without credentials; empty: they are refused
 * @param authentication the other authentication methods the realm accepts, each with its
 *     principals or its dynamic authenticator; a method that is not listed is refused
 * @param authorizer asked about actions that no static permission covers; empty: those are denied
 * @param events which events the broker keeps (retention, history); empty: none
 */
public record RealmConfig(
    String name,
    Optional<String> anonymousRole,
    Map<String, List<Permission>> roles,
    Map<AuthMethod, MethodConfig> authentication,
    Optional<AuthorizerConfig> authorizer,
    List<EventStoreRule> events) {

  public RealmConfig {
    roles = Map.copyOf(roles);
    events = List.copyOf(events);
    if (authentication.containsKey(AuthMethod.ANONYMOUS)) {
      throw new IllegalArgumentException("anonymous access is given by anonymousRole");
    }
    authentication = authentication.isEmpty() ? Map.of() : new EnumMap<>(authentication);
  }

  /** A realm that keeps no events. */
  public RealmConfig(
      String name,
      Optional<String> anonymousRole,
      Map<String, List<Permission>> roles,
      Map<AuthMethod, MethodConfig> authentication,
      Optional<AuthorizerConfig> authorizer) {
    this(name, anonymousRole, roles, authentication, authorizer, List.of());
  }

  /** A realm with anonymous access (or none) and no other authentication. */
  public RealmConfig(
      String name, Optional<String> anonymousRole, Map<String, List<Permission>> roles) {
    this(name, anonymousRole, roles, Map.of(), Optional.empty());
  }

  /** This realm, keeping the events {@code rules} say. */
  public RealmConfig withEvents(List<EventStoreRule> rules) {
    return new RealmConfig(name, anonymousRole, roles, authentication, authorizer, rules);
  }

  /** Whether sessions may join by {@code method}. */
  public boolean accepts(AuthMethod method) {
    return method == AuthMethod.ANONYMOUS
        ? anonymousRole.isPresent()
        : authentication.containsKey(method);
  }
}
