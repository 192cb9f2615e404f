package io.quarkbar.wamp.router.authorization;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.router.config.Action;
import io.quarkbar.wamp.router.config.Disclose;
import io.quarkbar.wamp.router.config.MatchPolicy;
import io.quarkbar.wamp.router.config.Permission;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthorizerTest {

  private static Permission allow(String uri, MatchPolicy match, Action... actions) {
    return new Permission(uri, match, Set.of(actions), Set.of());
  }

  @Test
  void unknownRoleMayDoNothing() {
    Authorizer authorizer =
        new Authorizer(
            Map.of(
                "admin",
                List.of(
                    new Permission(
                        "", MatchPolicy.PREFIX, EnumSet.allOf(Action.class), Set.of()))));

    assertThat(authorizer.hasRole("admin")).isTrue();
    assertThat(authorizer.hasRole("guest")).isFalse();
    for (Action action : Action.values()) {
      assertThat(authorizer.isAllowed("guest", "com.example", action)).isFalse();
      assertThat(authorizer.isAllowed("admin", "com.example", action)).isTrue();
    }
    assertThat(authorizer.permission("guest", "com.example")).isNull();
  }

  @Test
  void uriThatNoPermissionMatchesIsDenied() {
    Authorizer authorizer =
        new Authorizer(Map.of("user", List.of(allow("com.app", MatchPolicy.PREFIX, Action.CALL))));

    assertThat(authorizer.isAllowed("user", "com.app.x", Action.CALL)).isTrue();
    assertThat(authorizer.isAllowed("user", "org.app.x", Action.CALL)).isFalse();
    assertThat(authorizer.permission("user", "org.app.x")).isNull();
  }

  @Test
  void roleWithoutPermissionsMayDoNothing() {
    Authorizer authorizer = new Authorizer(Map.of("nobody", List.of()));

    assertThat(authorizer.hasRole("nobody")).isTrue();
    assertThat(authorizer.isAllowed("nobody", "com.example", Action.SUBSCRIBE)).isFalse();
  }

  @Test
  void onlyTheListedActionsAreAllowed() {
    Authorizer authorizer =
        new Authorizer(
            Map.of("sub", List.of(allow("", MatchPolicy.PREFIX, Action.SUBSCRIBE, Action.CALL))));

    assertThat(authorizer.isAllowed("sub", "com.x", Action.SUBSCRIBE)).isTrue();
    assertThat(authorizer.isAllowed("sub", "com.x", Action.CALL)).isTrue();
    assertThat(authorizer.isAllowed("sub", "com.x", Action.PUBLISH)).isFalse();
    assertThat(authorizer.isAllowed("sub", "com.x", Action.REGISTER)).isFalse();
  }

  @Test
  void theMostSpecificPermissionWinsEvenWhenItAllowsLess() {
    Authorizer authorizer =
        new Authorizer(
            Map.of(
                "user",
                List.of(
                    allow("", MatchPolicy.PREFIX, Action.values()),
                    allow("com.secret", MatchPolicy.PREFIX, Action.SUBSCRIBE),
                    allow("com.secret.public", MatchPolicy.PREFIX, Action.values()),
                    allow("com.secret.public.locked", MatchPolicy.EXACT))));

    assertThat(authorizer.isAllowed("user", "org.any", Action.PUBLISH)).isTrue();
    assertThat(authorizer.isAllowed("user", "com.secret.x", Action.PUBLISH)).isFalse();
    assertThat(authorizer.isAllowed("user", "com.secret.x", Action.SUBSCRIBE)).isTrue();
    assertThat(authorizer.isAllowed("user", "com.secret.public.x", Action.PUBLISH)).isTrue();
    // An exact rule that allows nothing denies, although broader rules allow.
    for (Action action : Action.values()) {
      assertThat(authorizer.isAllowed("user", "com.secret.public.locked", action)).isFalse();
    }
    assertThat(authorizer.isAllowed("user", "com.secret.public.locked.sub", Action.CALL)).isTrue();
  }

  @Test
  void wildcardPermissionsMatchOneComponentPerWildcard() {
    Authorizer authorizer =
        new Authorizer(
            Map.of("user", List.of(allow("com..status", MatchPolicy.WILDCARD, Action.SUBSCRIBE))));

    assertThat(authorizer.isAllowed("user", "com.device1.status", Action.SUBSCRIBE)).isTrue();
    assertThat(authorizer.isAllowed("user", "com.status", Action.SUBSCRIBE)).isFalse();
    assertThat(authorizer.isAllowed("user", "com.a.b.status", Action.SUBSCRIBE)).isFalse();
    assertThat(authorizer.isAllowed("user", "com.device1.status", Action.PUBLISH)).isFalse();
  }

  @Test
  void prefixRulesOutrankWildcardRulesAndTheMoreSpecificWildcardWins() {
    Authorizer authorizer =
        new Authorizer(
            Map.of(
                "user",
                List.of(
                    allow("com..status", MatchPolicy.WILDCARD, Action.SUBSCRIBE),
                    allow("com.dev.", MatchPolicy.WILDCARD, Action.PUBLISH),
                    allow("com.locked", MatchPolicy.PREFIX))));

    assertThat(authorizer.isAllowed("user", "com.dev.x.status", Action.PUBLISH)).isFalse();
    assertThat(authorizer.isAllowed("user", "com.dev.status", Action.PUBLISH)).isTrue();
    assertThat(authorizer.isAllowed("user", "com.dev.status", Action.SUBSCRIBE)).isFalse();
    assertThat(authorizer.isAllowed("user", "com.other.status", Action.SUBSCRIBE)).isTrue();
    assertThat(authorizer.isAllowed("user", "com.locked.status", Action.SUBSCRIBE)).isFalse();
  }

  @Test
  void rolesAreIndependent() {
    Authorizer authorizer =
        new Authorizer(
            Map.of(
                "reader", List.of(allow("", MatchPolicy.PREFIX, Action.SUBSCRIBE)),
                "writer", List.of(allow("", MatchPolicy.PREFIX, Action.PUBLISH))));

    assertThat(authorizer.isAllowed("reader", "com.x", Action.PUBLISH)).isFalse();
    assertThat(authorizer.isAllowed("writer", "com.x", Action.PUBLISH)).isTrue();
    assertThat(authorizer.isAllowed("writer", "com.x", Action.SUBSCRIBE)).isFalse();
  }

  @Test
  void disclosureFollowsTheGoverningPermission() {
    Authorizer authorizer =
        new Authorizer(
            Map.of(
                "user",
                List.of(
                    new Permission(
                        "", MatchPolicy.PREFIX, Set.of(Action.CALL), Set.of(Disclose.CALLER)),
                    new Permission(
                        "com.private",
                        MatchPolicy.PREFIX,
                        Set.of(Action.CALL),
                        EnumSet.noneOf(Disclose.class)))));

    Permission open = authorizer.permission("user", "com.x");
    Permission hidden = authorizer.permission("user", "com.private.x");
    assertThat(Authorizer.discloses(open, Disclose.CALLER)).isTrue();
    assertThat(Authorizer.discloses(open, Disclose.PUBLISHER)).isFalse();
    assertThat(Authorizer.discloses(hidden, Disclose.CALLER)).isFalse();
    assertThat(Authorizer.discloses(null, Disclose.CALLER)).isFalse();
  }
}
