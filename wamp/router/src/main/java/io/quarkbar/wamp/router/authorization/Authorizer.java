package io.quarkbar.wamp.router.authorization;

import io.quarkbar.wamp.router.config.Action;
import io.quarkbar.wamp.router.config.Disclose;
import io.quarkbar.wamp.router.config.Permission;
import io.quarkbar.wamp.router.match.UriMatcher;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The static, role-based authorization of one realm. Deny by default: an action is allowed only
 * when the most specific permission of the session's role that matches the URI allows it (exact,
 * then the longest prefix, then the most specific wildcard: a more specific rule overrides a
 * broader one, as in Crossbar). A role that is not configured may do nothing.
 */
public final class Authorizer {

  private final Map<String, UriMatcher<Permission>> roles = new HashMap<>();

  public Authorizer(Map<String, List<Permission>> permissionsByRole) {
    permissionsByRole.forEach(
        (role, permissions) -> {
          UriMatcher<Permission> matcher = new UriMatcher<>();
          permissions.forEach(p -> matcher.put(p.uri(), p.match(), p));
          roles.put(role, matcher);
        });
  }

  /** Whether the realm knows {@code role}. */
  public boolean hasRole(String role) {
    return roles.containsKey(role);
  }

  /** The permission that governs {@code role} on {@code uri}, or {@code null} for none. */
  public Permission permission(String role, String uri) {
    UriMatcher<Permission> matcher = roles.get(role);
    return matcher == null ? null : matcher.best(uri);
  }

  /** Whether {@code role} may perform {@code action} on {@code uri}. */
  public boolean isAllowed(String role, String uri, Action action) {
    Permission p = permission(role, uri);
    return p != null && p.allow().contains(action);
  }

  /** Whether the permission that allowed an action also discloses {@code who}. */
  public static boolean discloses(Permission p, Disclose who) {
    return p != null && p.disclose().contains(who);
  }
}
