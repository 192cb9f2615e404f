package io.quarkbar.auth.api;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

/**
 * {@code forum.auth.login}: tokens for right passwords, one error for every wrong login, and the
 * limits on failures per username and per session.
 */
@QuarkusTest
@WithTestResource(
    value = PostgresTestResource.class,
    initArgs = @ResourceArg(name = "database", value = "auth_test"))
@WithTestResource(ForumRouterResource.class)
class LoginTest {

  ForumRouter router;

  @Inject EntityManager db;

  @Test
  void theRightPasswordGivesATokenValidFor24Hours() {
    String name = Users.fresh("erin");
    Map<String, Object> login = Users.registerAndLogin(router, name);

    assertThat(login).containsOnlyKeys("token", "user", "expiresAt");
    // 256 bits in base64url without padding.
    assertThat((String) login.get("token")).matches("[A-Za-z0-9_-]{43}");
    assertThat(login)
        .extractingByKey("user", as(InstanceOfAssertFactories.MAP))
        .containsEntry("username", name)
        .containsKey("createdAt");
    assertThat(Instant.parse((String) login.get("expiresAt")))
        .isCloseTo(Instant.now().plus(Duration.ofHours(24)), within(1, ChronoUnit.MINUTES));
  }

  @Test
  void eachLoginGivesAnotherToken() {
    String name = Users.fresh("fred");
    String first = (String) Users.registerAndLogin(router, name).get("token");
    try (WampTestSession b = router.join(new Credentials.Anonymous())) {
      Map<String, Object> second = b.call("forum.auth.login", name, Users.PASSWORD);
      assertThat(second.get("token")).isNotEqualTo(first);
    }
  }

  @Test
  void theDatabaseKeepsOnlyTheTokensHash() throws Exception {
    String token = (String) Users.registerAndLogin(router, Users.fresh("gina")).get("token");
    byte[] hash =
        MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));

    long byHash =
        ((Number)
                db.createNativeQuery("SELECT count(*) FROM tokens WHERE token_hash = ?1")
                    .setParameter(1, hash)
                    .getSingleResult())
            .longValue();
    long byText =
        ((Number)
                db.createNativeQuery(
                        "SELECT count(*) FROM tokens t WHERE position(?1 in t::text) > 0")
                    .setParameter(1, token)
                    .getSingleResult())
            .longValue();
    assertThat(byHash).isEqualTo(1);
    assertThat(byText).isZero();
  }

  @Test
  void aWrongPasswordAndAnUnknownUserFailAlike() {
    String name = Users.fresh("hank");
    Users.registerAndLogin(router, name);
    try (WampTestSession b = router.join(new Credentials.Anonymous())) {
      WampError wrongPassword = b.failure("forum.auth.login", name, "not the password");
      WampError unknownUser = b.failure("forum.auth.login", Users.fresh("nobody"), Users.PASSWORD);

      assertThat(wrongPassword.uri()).isEqualTo("forum.error.login_failed");
      assertThat(unknownUser.uri()).isEqualTo(wrongPassword.uri());
      assertThat(unknownUser.args()).isEqualTo(wrongPassword.args());
    }
  }

  @Test
  void emptyOrOverlongArgumentsAreInvalid() {
    try (WampTestSession b = router.join(new Credentials.Anonymous())) {
      assertThat(b.failure("forum.auth.login", "", Users.PASSWORD).getMessage())
          .contains("username is required");
      assertThat(b.failure("forum.auth.login", "ivan", "x".repeat(129)).getMessage())
          .contains("password is at most 128 characters");
      assertThat(b.failure("forum.auth.login", "ivan").uri())
          .isEqualTo("wamp.error.invalid_argument");
    }
  }

  @Test
  void fiveFailuresForAUsernameLockItForEveryoneEvenWithTheRightPassword() {
    String name = Users.fresh("jane");
    Users.registerAndLogin(router, name);
    // From several sessions: the count is the username's.
    for (int i = 0; i < 5; i++) {
      try (WampTestSession attacker = router.join(new Credentials.Anonymous())) {
        assertThat(attacker.failure("forum.auth.login", name, "guess " + i).uri())
            .isEqualTo("forum.error.login_failed");
      }
    }
    try (WampTestSession owner = router.join(new Credentials.Anonymous())) {
      WampError locked = owner.failure("forum.auth.login", name, Users.PASSWORD);
      assertThat(locked.uri()).isEqualTo("forum.error.too_many_attempts");
      assertThat(locked.getMessage()).contains("for this username").contains("try again after");
      Instant retryAt =
          Instant.parse(locked.getMessage().substring(locked.getMessage().lastIndexOf(' ') + 1));
      assertThat(retryAt)
          .isCloseTo(Instant.now().plus(Duration.ofMinutes(15)), within(1, ChronoUnit.MINUTES));

      // Other users are not affected.
      String other = Users.fresh("jane");
      Users.registerAndLogin(router, other);
      assertThat(owner.<Map<String, Object>>call("forum.auth.login", other, Users.PASSWORD))
          .containsKey("token");
    }
  }

  @Test
  void twentyFailuresFromOneSessionLockThatSession() {
    String name = Users.fresh("kate");
    Users.registerAndLogin(router, name);
    try (WampTestSession attacker = router.join(new Credentials.Anonymous())) {
      // Twenty usernames, so that no username reaches its own limit.
      for (int i = 0; i < 20; i++) {
        attacker.failure("forum.auth.login", Users.fresh("victim"), "guess");
      }
      WampError locked = attacker.failure("forum.auth.login", name, Users.PASSWORD);
      assertThat(locked.uri()).isEqualTo("forum.error.too_many_attempts");
      assertThat(locked.getMessage()).contains("from this session");

      try (WampTestSession other = router.join(new Credentials.Anonymous())) {
        assertThat(other.<Map<String, Object>>call("forum.auth.login", name, Users.PASSWORD))
            .containsKey("token");
      }
    }
  }

  @Test
  void aSuccessfulLoginForgetsTheUsernamesFailures() {
    String name = Users.fresh("liam");
    Users.registerAndLogin(router, name);
    try (WampTestSession b = router.join(new Credentials.Anonymous())) {
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 4; i++) {
          b.failure("forum.auth.login", name, "typo " + i);
        }
        assertThat(b.<Map<String, Object>>call("forum.auth.login", name, Users.PASSWORD))
            .containsKey("token");
      }
    }
  }
}
