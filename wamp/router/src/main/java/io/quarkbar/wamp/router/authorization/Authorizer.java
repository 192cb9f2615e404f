package io.quarkbar.wamp.router.authorization;

import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.router.config.Action;
import io.quarkbar.wamp.router.config.Disclose;
import io.quarkbar.wamp.router.config.MatchPolicy;
import io.quarkbar.wamp.router.config.Permission;
import io.quarkbar.wamp.router.match.UriMatcher;
import io.quarkbar.wamp.router.session.Session;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The authorization of one realm. Deny by default: an action is allowed only when the most specific
 * permission of the session's role that matches the URI allows it (exact, then the longest prefix,
 * then the most specific wildcard: a more specific rule overrides a broader one, as in Crossbar). A
 * role that is not configured may do nothing.
 *
 * <p>Where no static permission of the role matches, a realm with a {@link DynamicAuthorizer} asks
 * it: {@link #permission} then answers {@link #ASK}, the caller hands the message to {@link #ask}
 * and stops, and the message is processed again once the answer is in.
 */
public final class Authorizer {

  /** The answer of {@link #permission} when the dynamic authorizer must be asked first. */
  public static final Permission ASK =
      new Permission("#ask", MatchPolicy.EXACT, Set.of(), Set.of());

  /** The answer of {@link #permission} when the dynamic authorizer failed to answer. */
  public static final Permission FAILED =
      new Permission("#failed", MatchPolicy.EXACT, Set.of(), Set.of());

  private final Map<String, UriMatcher<Permission>> roles = new HashMap<>();
  private final DynamicAuthorizer dynamic;

  public Authorizer(Map<String, List<Permission>> permissionsByRole) {
    this(permissionsByRole, null);
  }

  public Authorizer(Map<String, List<Permission>> permissionsByRole, DynamicAuthorizer dynamic) {
    this.dynamic = dynamic;
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

  /** The static permission that governs {@code role} on {@code uri}, or {@code null} for none. */
  public Permission permission(String role, String uri) {
    UriMatcher<Permission> matcher = roles.get(role);
    return matcher == null ? null : matcher.best(uri);
  }

  /**
   * The permission that governs {@code session} doing {@code action} on {@code uri}: the static
   * one, else the dynamic authorizer's answer; {@code null} when none allows anything, {@link #ASK}
   * when the authorizer must be asked, {@link #FAILED} when it could not answer.
   */
  public Permission permission(Session session, String uri, Action action) {
    Permission p = permission(session.identity().authrole(), uri);
    if (p != null || dynamic == null) {
      return p;
    }
    return dynamic.answer(session, uri, action);
  }

  /**
   * Asks the dynamic authorizer about {@code action} on {@code uri}, holding the session's messages
   * from {@code message} on until the answer is in ({@link Session#suspend}).
   */
  public void ask(Session session, WampMessage message, String uri, Action action) {
    dynamic.ask(session, message, uri, action);
  }

  /** Whether {@code role} may perform {@code action} on {@code uri} by its static permissions. */
  public boolean isAllowed(String role, String uri, Action action) {
    Permission p = permission(role, uri);
    return p != null && p.allow().contains(action);
  }

  /** Whether the permission that allowed an action also discloses {@code who}. */
  public static boolean discloses(Permission p, Disclose who) {
    return p != null && p.disclose().contains(who);
  }
}
