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
 */
public record RealmConfig(
    String name,
    Optional<String> anonymousRole,
    Map<String, List<Permission>> roles,
    Map<AuthMethod, MethodConfig> authentication,
    Optional<AuthorizerConfig> authorizer) {

  public RealmConfig {
    roles = Map.copyOf(roles);
    if (authentication.containsKey(AuthMethod.ANONYMOUS)) {
      throw new IllegalArgumentException("anonymous access is given by anonymousRole");
    }
    authentication = authentication.isEmpty() ? Map.of() : new EnumMap<>(authentication);
  }

  /** A realm with anonymous access (or none) and no other authentication. */
  public RealmConfig(
      String name, Optional<String> anonymousRole, Map<String, List<Permission>> roles) {
    this(name, anonymousRole, roles, Map.of(), Optional.empty());
  }

  /** Whether sessions may join by {@code method}. */
  public boolean accepts(AuthMethod method) {
    return method == AuthMethod.ANONYMOUS
        ? anonymousRole.isPresent()
        : authentication.containsKey(method);
  }
}
