package io.quarkbar.wamp.router;

import io.quarkbar.wamp.protocol.uri.UriValidator;
import io.quarkbar.wamp.router.config.Action;
import io.quarkbar.wamp.router.config.Disclose;
import io.quarkbar.wamp.router.config.MatchPolicy;
import io.quarkbar.wamp.router.config.Permission;
import io.quarkbar.wamp.router.config.RealmConfig;
import io.quarkbar.wamp.router.config.RouterConfig;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Router configurations for tests. */
final class Configs {

  static final String REALM = "realm1";

  private Configs() {}

  /** {@code realm1}, open to anonymous sessions that may do everything (and are disclosed). */
  static Router openRouter() {
    return new Router(RouterConfig.openRealm(REALM));
  }

  /**
   * {@code realm1}, whose anonymous role may do {@code actions} on every URI and disclose no one.
   */
  static Router routerAllowing(Action... actions) {
    EnumSet<Action> allowed = EnumSet.noneOf(Action.class);
    allowed.addAll(List.of(actions));
    return router(new Permission("", MatchPolicy.PREFIX, allowed, EnumSet.noneOf(Disclose.class)));
  }

  /** {@code realm1}, whose anonymous role has exactly {@code permissions}. */
  static Router router(Permission... permissions) {
    return new Router(
        new RouterConfig(
            List.of(
                new RealmConfig(
                    REALM, Optional.of("anonymous"), Map.of("anonymous", List.of(permissions)))),
            UriValidator.LOOSE));
  }
}
