package io.quarkbar.wamp.router.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A realm: its roles and their permissions. Sessions that do not authenticate get {@code
 * anonymousRole}; when it is empty, anonymous sessions are refused.
 */
public record RealmConfig(
    String name, Optional<String> anonymousRole, Map<String, List<Permission>> roles) {

  public RealmConfig {
    roles = Map.copyOf(roles);
  }
}
