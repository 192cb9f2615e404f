package io.quarkbar.auth.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkbar.auth.support.ForumRouter;
import io.quarkbar.auth.support.ForumRouterResource;
import io.quarkbar.auth.support.Users;
import io.quarkbar.testing.postgres.PostgresTestResource;
import io.quarkbar.testing.wamp.WampTestSession;
import io.quarkbar.wamp.client.core.Credentials;
import io.quarkbar.wamp.client.core.WampError;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code forum.auth.logout}: a logout is a logout on every tab and device. The caller's call
 * completes (result null), then every session of the user, the caller's too, ends with GOODBYE
 * {@code wamp.close.killed}.
 */
@QuarkusTest
@WithTestResource(
    value = PostgresTestResource.class,
    initArgs = @ResourceArg(name = "database", value = "auth_test"))
@WithTestResource(ForumRouterResource.class)
class LogoutTest {

  ForumRouter router;

  @Test
  void theCallCompletesThenEverySessionOfTheUserEnds() {
    String name = Users.fresh("tina");
    String laptopToken = (String) Users.registerAndLogin(router, name).get("token");
    String phoneToken = phoneLogin(name);
    String other = Users.fresh("uwe");

    try (WampTestSession tab = Users.withTicket(router, name, laptopToken);
        WampTestSession secondTab = Users.withTicket(router, name, laptopToken);
        WampTestSession phone = Users.withTicket(router, name, phoneToken);
        WampTestSession someoneElse = Users.loggedIn(router, other)) {

      Object result = tab.call("forum.auth.logout");

      assertThat(result).isNull();
      for (WampTestSession session : new WampTestSession[] {tab, secondTab, phone}) {
        WampTestSession.Ended ended = session.awaitEnd();
        assertThat(ended.reason()).isEqualTo("wamp.close.killed");
        assertThat(ended.message()).isEqualTo("logged out");
      }
      assertThat(someoneElse.isOpen()).isTrue();
      assertThat((Object) someoneElse.call("forum.presence.list")).isNotNull();
    }

    // Every token of the user is revoked; a new login works.
    for (String token : new String[] {laptopToken, phoneToken}) {
      assertThatThrownBy(() -> Users.withTicket(router, name, token).close())
          .isInstanceOfSatisfying(
              WampError.class,
              e -> assertThat(e.uri()).isEqualTo("wamp.error.authentication_failed"));
    }
    String fresh = phoneLogin(name);
    try (WampTestSession back = Users.withTicket(router, name, fresh)) {
      assertThat(back.authrole()).isEqualTo("user");
    }
  }

  @Test
  void anAnonymousSessionCannotLogOut() {
    try (WampTestSession anonymous = router.join(new Credentials.Anonymous())) {
      assertThat(anonymous.failure("forum.auth.logout").uri())
          .isEqualTo("wamp.error.not_authorized");
    }
  }

  private String phoneLogin(String name) {
    try (WampTestSession b = router.join(new Credentials.Anonymous())) {
      Map<String, Object> login = b.call("forum.auth.login", name, Users.PASSWORD);
      return (String) login.get("token");
    }
  }
}
