package io.quarkbar.auth.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkbar.auth.domain.UserAccount;
import io.quarkbar.auth.persistence.AccessTokenRepository;
import io.quarkbar.auth.persistence.UserAccountRepository;
import io.quarkbar.auth.support.ForumRouter;
import io.quarkbar.auth.support.ForumRouterResource;
import io.quarkbar.auth.support.Users;
import io.quarkbar.testing.postgres.PostgresTestResource;
import io.quarkbar.testing.wamp.WampTestSession;
import io.quarkbar.wamp.client.core.Credentials;
import io.quarkbar.wamp.client.core.WampError;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code forum.auth.authenticate}, the way it is used: a browser joins the realm with ticket
 * authentication, and the router asks the service about the ticket.
 */
@QuarkusTest
@WithTestResource(
    value = PostgresTestResource.class,
    initArgs = @ResourceArg(name = "database", value = "auth_test"))
@WithTestResource(ForumRouterResource.class)
class TicketTest {

  ForumRouter router;

  @Inject UserAccountRepository users;
  @Inject AccessTokenRepository tokens;

  @Test
  void aTokenFromLoginJoinsAsTheUserWithRoleUser() {
    String name = Users.fresh("mia");
    String token = (String) Users.registerAndLogin(router, name).get("token");

    try (WampTestSession session = Users.withTicket(router, name, token)) {
      assertThat(session.authid()).isEqualTo(name);
      assertThat(session.authrole()).isEqualTo("user");
      // The token stays valid for more sessions: another tab, a reload.
      try (WampTestSession again = Users.withTicket(router, name, token)) {
        assertThat(again.authrole()).isEqualTo("user");
      }
    }
  }

  @Test
  void aTokenOfAnotherUserIsRefused() {
    String nina = Users.fresh("nina");
    String otto = Users.fresh("otto");
    Users.registerAndLogin(router, otto);
    String ninasToken = (String) Users.registerAndLogin(router, nina).get("token");

    assertRefused(otto, ninasToken, "another user than " + otto);
  }

  @Test
  void garbageIsRefused() {
    String name = Users.fresh("paul");
    Users.registerAndLogin(router, name);

    assertRefused(name, "garbage", "unknown token");
    assertRefused(name, "A".repeat(43), "unknown token");
    assertRefused(Users.fresh("nobody"), "garbage", "unknown token");
  }

  @Test
  void anExpiredTokenIsRefused() {
    String name = Users.fresh("quinn");
    String token = (String) Users.registerAndLogin(router, name).get("token");
    expireTokensOf(name);

    assertRefused(name, token, "expired");
  }

  @Test
  void aTokenRevokedByLogoutIsRefused() {
    String name = Users.fresh("rosa");
    String token = (String) Users.registerAndLogin(router, name).get("token");
    try (WampTestSession session = Users.withTicket(router, name, token)) {
      session.call("forum.auth.logout");
    }

    assertRefused(name, token, "revoked");
  }

  @Test
  void noBrowserMayCallTheAuthenticator() {
    String name = Users.fresh("sam");
    String token = (String) Users.registerAndLogin(router, name).get("token");
    try (WampTestSession anonymous = router.join(new Credentials.Anonymous());
        WampTestSession user = Users.withTicket(router, name, token)) {
      for (WampTestSession b : new WampTestSession[] {anonymous, user}) {
        WampError e = b.failure("forum.auth.authenticate", "forum", name, Map.of("ticket", token));
        assertThat(e.uri()).isEqualTo("wamp.error.not_authorized");
      }
    }
  }

  private void assertRefused(String username, String ticket, String why) {
    assertThatThrownBy(() -> Users.withTicket(router, username, ticket).close())
        .isInstanceOfSatisfying(
            WampError.class,
            e -> {
              assertThat(e.uri()).isEqualTo("wamp.error.authentication_failed");
              assertThat(e.getMessage()).contains(why);
            });
  }

  /** Moves the expiry of the user's tokens into the past, as the passing of a day would. */
  private void expireTokensOf(String username) {
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              UserAccount user = users.findByUsername(username).orElseThrow();
              tokens.update(
                  "expiresAt = ?1 where account = ?2", Instant.now().minusSeconds(1), user);
            });
  }
}
