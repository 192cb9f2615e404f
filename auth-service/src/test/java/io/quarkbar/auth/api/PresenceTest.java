package io.quarkbar.auth.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkbar.auth.support.ForumRouter;
import io.quarkbar.auth.support.ForumRouterResource;
import io.quarkbar.auth.support.Users;
import io.quarkbar.testing.postgres.PostgresTestResource;
import io.quarkbar.testing.wamp.WampTestSession;
import io.quarkbar.wamp.client.core.Credentials;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who is online: {@code forum.presence.on_join} when a user's first session joins, {@code
 * forum.presence.on_leave} when their last one leaves, nothing in between; and {@code
 * forum.presence.list}. Tests of other classes may have users online too, so each test looks at its
 * own users.
 */
@QuarkusTest
@WithTestResource(
    value = PostgresTestResource.class,
    initArgs = @ResourceArg(name = "database", value = "auth_test"))
@WithTestResource(ForumRouterResource.class)
class PresenceTest {

  static final Duration WAIT = Duration.ofSeconds(10);

  ForumRouter router;
  WampTestSession watcher;
  List<Map<String, Object>> joins;
  List<Map<String, Object>> leaves;

  @BeforeEach
  void watch() {
    watcher = router.join(new Credentials.Anonymous());
    joins = watcher.events("forum.presence.on_join").all();
    leaves = watcher.events("forum.presence.on_leave").all();
  }

  @AfterEach
  void stopWatching() {
    watcher.close();
  }

  @Test
  void onlyTheFirstSessionOfAUserJoiningAndTheLastLeavingAreEvents() {
    String name = Users.fresh("vera");
    String token = (String) Users.registerAndLogin(router, name).get("token");

    WampTestSession laptop = Users.withTicket(router, name, token);
    await().atMost(WAIT).until(() -> eventsOf(joins, name).size() == 1);
    Map<String, Object> joined = eventsOf(joins, name).getFirst();
    assertThat(joined).containsOnlyKeys("user", "since");
    assertThat(Instant.parse((String) joined.get("since"))).isBefore(Instant.now().plusSeconds(1));

    WampTestSession phone = Users.withTicket(router, name, token);
    laptop.close();
    // A later edge of someone else: once it is seen, any event about vera would have been too.
    String marker = Users.fresh("mark");
    try (WampTestSession markerSession = Users.loggedIn(router, marker)) {
      await().atMost(WAIT).until(() -> eventsOf(joins, marker).size() == 1);
    }
    await().atMost(WAIT).until(() -> eventsOf(leaves, marker).size() == 1);
    assertThat(eventsOf(joins, name)).hasSize(1);
    assertThat(eventsOf(leaves, name)).isEmpty();
    assertThat(onlineUsers()).contains(name);

    phone.close();
    await().atMost(WAIT).until(() -> eventsOf(leaves, name).size() == 1);
    assertThat(eventsOf(leaves, name).getFirst()).isEqualTo(Map.of("user", name));
    assertThat(onlineUsers()).doesNotContain(name);
  }

  @Test
  void theListHasTheOnlineUsersByUsernameAndNoAnonymousSessions() {
    String zed = Users.fresh("zed");
    String amy = Users.fresh("amy");
    try (WampTestSession z = Users.loggedIn(router, zed);
        WampTestSession a = Users.loggedIn(router, amy);
        WampTestSession anonymous = router.join(new Credentials.Anonymous())) {
      await().atMost(WAIT).until(() -> onlineUsers().containsAll(List.of(amy, zed)));

      List<Map<String, Object>> list = anonymous.call("forum.presence.list");
      List<String> users = list.stream().map(p -> (String) p.get("user")).toList();
      assertThat(users).isSorted().doesNotContain(anonymous.authid());
      Map<String, Object> amyOnline =
          list.stream().filter(p -> p.get("user").equals(amy)).findFirst().orElseThrow();
      assertThat(amyOnline).containsOnlyKeys("user", "since");
      assertThat(Instant.parse((String) amyOnline.get("since")))
          .isEqualTo(Instant.parse((String) eventsOf(joins, amy).getFirst().get("since")));
    }
  }

  @Test
  void aUserWhoseSessionsAllEndAtOnceGoesOfflineOnce() {
    String name = Users.fresh("will");
    String token = (String) Users.registerAndLogin(router, name).get("token");
    WampTestSession first = Users.withTicket(router, name, token);
    Users.withTicket(router, name, token);
    await().atMost(WAIT).until(() -> eventsOf(joins, name).size() == 1);

    first.call("forum.auth.logout"); // ends both sessions

    await().atMost(WAIT).until(() -> eventsOf(leaves, name).size() == 1);
    assertThat(onlineUsers()).doesNotContain(name);
    assertThat(eventsOf(leaves, name)).hasSize(1);
  }

  private List<String> onlineUsers() {
    List<Map<String, Object>> list = watcher.call("forum.presence.list");
    return list.stream().map(p -> (String) p.get("user")).toList();
  }

  private static List<Map<String, Object>> eventsOf(List<Map<String, Object>> events, String user) {
    return events.stream().filter(e -> user.equals(e.get("user"))).toList();
  }
}
