package io.quarkbar.auth.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkbar.auth.support.ForumRouter;
import io.quarkbar.auth.support.ForumRouterResource;
import io.quarkbar.auth.support.Users;
import io.quarkbar.testing.postgres.PostgresTestResource;
import io.quarkbar.testing.wamp.WampTestSession;
import io.quarkbar.wamp.client.Wamp;
import io.quarkbar.wamp.client.core.Credentials;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The service loses its connection to the router and comes back: what happened while it was away
 * reached it through no event, and the rebuild from the router's session list after it rejoins
 * finds it, and publishes the edges it missed.
 */
@QuarkusTest
@WithTestResource(
    value = PostgresTestResource.class,
    initArgs = @ResourceArg(name = "database", value = "auth_test"))
@WithTestResource(ForumRouterResource.class)
class PresenceRebuildTest {

  static final Duration WAIT = Duration.ofSeconds(15);

  ForumRouter router;

  /** The service's own WAMP connection: whether it is joined. */
  @Inject Wamp service;

  @Test
  void sessionsThatJoinedAndLeftWhileTheServiceWasAwayAreFoundByTheRebuild() {
    String stays = Users.fresh("xena");
    String leaves = Users.fresh("yuri");
    try (WampTestSession watcher = router.join(new Credentials.Anonymous());
        WampTestSession staying = Users.loggedIn(router, stays)) {
      WampTestSession leaving = Users.loggedIn(router, leaves);
      await().atMost(WAIT).until(() -> online(watcher).containsAll(List.of(stays, leaves)));
      List<Map<String, Object>> joins = watcher.events("forum.presence.on_join").all();
      List<Map<String, Object>> departures = watcher.events("forum.presence.on_leave").all();

      router.cut("auth-service");
      await().atMost(WAIT).until(() -> !service.isReady());
      leaving.close();
      WampTestSession carol = router.join(ForumRouter.craCredentials(ForumRouter.STATIC_USER));
      assertThat(carol.authrole()).isEqualTo("user");
      // Both happened while the service was away (it reconnects after a second at the earliest).
      assertThat(service.isReady()).isFalse();

      await().atMost(WAIT).until(service::isReady);
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(online(watcher))
                      .contains(stays, ForumRouter.STATIC_USER)
                      .doesNotContain(leaves));
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(users(joins)).containsExactly(ForumRouter.STATIC_USER);
                assertThat(users(departures)).containsExactly(leaves);
              });

      carol.close();
      await().atMost(WAIT).until(() -> !online(watcher).contains(ForumRouter.STATIC_USER));
    }
  }

  private static List<String> online(WampTestSession b) {
    List<Map<String, Object>> list = b.call("forum.presence.list");
    return list.stream().map(p -> (String) p.get("user")).toList();
  }

  private static List<Object> users(List<Map<String, Object>> events) {
    return events.stream().<Object>map(e -> e.get("user")).toList();
  }
}
