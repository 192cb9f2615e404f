package io.quarkbar.auth.api;

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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code forum.auth.register}, called by an anonymous browser over the forum realm. */
@QuarkusTest
@WithTestResource(
    value = PostgresTestResource.class,
    initArgs = @ResourceArg(name = "database", value = "auth_test"))
@WithTestResource(ForumRouterResource.class)
class RegisterTest {

  ForumRouter router;
  WampTestSession browser;

  @BeforeEach
  void join() {
    browser = router.join(new Credentials.Anonymous());
  }

  @AfterEach
  void leave() {
    browser.close();
  }

  @Test
  void registeringAnswersTheUserAsOthersSeeIt() {
    String name = Users.fresh("anna");
    Map<String, Object> user = browser.call("forum.auth.register", name, Users.PASSWORD);

    assertThat(user).containsOnlyKeys("username", "createdAt").containsEntry("username", name);
    Instant createdAt = Instant.parse((String) user.get("createdAt"));
    assertThat(createdAt).isCloseTo(Instant.now(), within(1, ChronoUnit.MINUTES));
    assertThat((String) user.get("createdAt")).endsWith("Z");
  }

  @Test
  void usernamesOutsideTheRulesAreInvalidArguments() {
    for (String bad :
        List.of("ab", "Anna", "1anna", "_anna", "anna!", "an na", "a".repeat(33), "ännä")) {
      WampError e = browser.failure("forum.auth.register", bad, Users.PASSWORD);
      assertThat(e.uri()).as(bad).isEqualTo("wamp.error.invalid_argument");
      assertThat(e.getMessage()).as(bad).contains("username must be 3 to 32 characters");
    }
    for (String good : List.of(Users.fresh("abc"), Users.fresh("a.b-c_d"), "z" + "9".repeat(31))) {
      assertThat(browser.<Map<String, Object>>call("forum.auth.register", good, Users.PASSWORD))
          .containsEntry("username", good);
    }
  }

  @Test
  void passwordsOutsideTheRulesAreInvalidArguments() {
    String name = Users.fresh("bertrand");
    WampError tooShort = browser.failure("forum.auth.register", name, "1234567");
    assertThat(tooShort.uri()).isEqualTo("wamp.error.invalid_argument");
    assertThat(tooShort.getMessage()).contains("password must be 8 to 128 characters");

    WampError tooLong = browser.failure("forum.auth.register", name, "x".repeat(129));
    assertThat(tooLong.getMessage()).contains("password must be 8 to 128 characters");

    WampError sameAsName = browser.failure("forum.auth.register", name, name);
    assertThat(sameAsName.uri()).isEqualTo("wamp.error.invalid_argument");
    assertThat(sameAsName.getMessage()).contains("password must not be the username");

    WampError missing = browser.failure("forum.auth.register", name);
    assertThat(missing.uri()).isEqualTo("wamp.error.invalid_argument");
    assertThat(missing.getMessage()).contains("password is required");

    assertThat(browser.<Map<String, Object>>call("forum.auth.register", name, "x".repeat(128)))
        .containsEntry("username", name);
  }

  @Test
  void aUsernameThatExistsIsTaken() {
    String name = Users.fresh("carl");
    browser.call("forum.auth.register", name, Users.PASSWORD);

    WampError e = browser.failure("forum.auth.register", name, "another password");
    assertThat(e.uri()).isEqualTo("forum.error.username_taken");
    assertThat(e.getMessage()).contains(name);
  }

  @Test
  void ofRegistrationsOfOneNameAtOnceExactlyOneSucceeds() throws Exception {
    String name = Users.fresh("dora");
    int racers = 6;
    List<WampTestSession> browsers = new ArrayList<>();
    for (int i = 0; i < racers; i++) {
      browsers.add(router.join(new Credentials.Anonymous()));
    }
    ExecutorService threads = Executors.newFixedThreadPool(racers);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<CompletableFuture<String>> outcomes = new ArrayList<>();
      for (WampTestSession b : browsers) {
        outcomes.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    start.await();
                    b.call("forum.auth.register", name, Users.PASSWORD);
                    return "registered";
                  } catch (WampError e) {
                    return e.uri();
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                },
                threads));
      }
      start.countDown();
      List<String> results = new ArrayList<>();
      for (CompletableFuture<String> o : outcomes) {
        results.add(o.get());
      }
      assertThat(results)
          .containsOnly("registered", "forum.error.username_taken")
          .containsOnlyOnce("registered");
    } finally {
      threads.shutdown();
      browsers.forEach(WampTestSession::close);
    }
  }
}
