package io.quarkbar.wamp.router.config;

import java.util.Set;

/**
 * One rule of a role: on URIs that {@code uri} matches under {@code match}, the actions in {@code
 * allow} are permitted, and the identities in {@code disclose} are passed on.
 */
public record Permission(String uri, MatchPolicy match, Set<Action> allow, Set<Disclose> disclose) {

  public Permission {
    allow = Set.copyOf(allow);
    disclose = Set.copyOf(disclose);
  }
}
