package io.quarkbar.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The forum as browsers use it, against the packaged router-service, auth-service and
 * forum-service, with Autobahn|JS sessions: register, log in, join again with the token, see who is
 * online and what others write as it happens, and be refused what a browser must never do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PlatformLogsOnFailure.class)
class PlatformIT {

  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final String PASSWORD = "correct horse battery";

  Platform platform;
  private final List<JsBrowser> browsers = new ArrayList<>();

  @BeforeAll
  void start() {
    platform = Platform.start();
    PlatformLogsOnFailure.watch(platform);
  }

  @AfterAll
  void stop() {
    if (platform != null) {
      platform.close();
    }
  }

  @AfterEach
  void closeBrowsers() {
    browsers.forEach(JsBrowser::close);
    browsers.clear();
  }

  private JsBrowser anonymous() {
    JsBrowser b = JsBrowser.start("browser-" + browsers.size());
    browsers.add(b);
    b.openAnonymous(platform.url());
    return b;
  }

  private static String newName() {
    return "user" + NAMES.incrementAndGet() + "x" + (System.nanoTime() % 100000);
  }

  /** Registers {@code name} and logs in from an anonymous page; the token. */
  private String registerAndLogIn(String name) {
    JsBrowser page = anonymous();
    page.call("forum.auth.register", name, PASSWORD);
    JsonNode login = page.call("forum.auth.login", name, PASSWORD);
    assertThat(login.path("user").path("username").asText()).isEqualTo(name);
    return login.path("token").asText();
  }

  /** A page of {@code name}, logged in and joined again with its token. */
  private JsBrowser loggedIn(String name) {
    String token = registerAndLogIn(name);
    JsBrowser page = JsBrowser.start(name);
    browsers.add(page);
    JsBrowser.Joined joined = page.openWithTicket(platform.url(), name, token);
    assertThat(joined.authid()).isEqualTo(name);
    assertThat(joined.authrole()).isEqualTo("user");
    return page;
  }

  @Test
  void aUserWhoLogsInIsSeenOnlineByOthersAndOfflineAfterLoggingOut() {
    JsBrowser watcher = anonymous();
    watcher.subscribe("forum.presence.on_join");
    watcher.subscribe("forum.presence.on_leave");
    String ada = newName();

    JsBrowser page = loggedIn(ada);

    assertThat(watcher.awaitPublished("forum.presence.on_join", "user", ada)).isNotNull();
    assertThat(users(watcher.call("forum.presence.list"))).contains(ada);

    page.call("forum.auth.logout");

    watcher.awaitPublished("forum.presence.on_leave", "user", ada);
    assertThat(users(watcher.call("forum.presence.list"))).doesNotContain(ada);
    page.awaitEvent("the end of the session", e -> "lost".equals(e.path("event").asText()));
  }

  @Test
  void closingTheLastTabTakesAUserOffline() {
    JsBrowser watcher = anonymous();
    watcher.subscribe("forum.presence.on_leave");
    String name = newName();
    JsBrowser page = loggedIn(name);

    page.closeSession();

    watcher.awaitPublished("forum.presence.on_leave", "user", name);
  }

  @Test
  void threadsAndPostsAppearLiveForOthersAndOnlyTheAuthorEditsOrDeletes() {
    JsBrowser reader = anonymous();
    reader.subscribe("forum.thread.on_create");
    reader.subscribe("forum.post.on_create");
    reader.subscribe("forum.post.on_update");
    reader.subscribe("forum.post.on_delete");
    String ada = newName();
    JsBrowser author = loggedIn(ada);
    JsBrowser other = loggedIn(newName());

    JsonNode created = author.call("forum.thread.create", "Hello " + ada, "the first post");
    long threadId = created.path("thread").path("id").asLong();
    assertThat(created.path("thread").path("author").asText()).isEqualTo(ada);
    JsonNode threadEvent =
        reader.awaitEvent(
            "forum.thread.on_create of thread " + threadId,
            e ->
                "forum.thread.on_create".equals(e.path("topic").asText())
                    && e.path("args").path(0).path("thread").path("id").asLong() == threadId);
    assertThat(threadEvent.path("args").path(0).path("thread").path("title").asText())
        .isEqualTo("Hello " + ada);

    JsonNode reply = author.call("forum.post.create", threadId, "a reply");
    long postId = reply.path("id").asLong();
    reader.awaitEvent(
        "forum.post.on_create of post " + postId,
        e ->
            "forum.post.on_create".equals(e.path("topic").asText())
                && e.path("args").path(0).path("id").asLong() == postId
                && ada.equals(e.path("args").path(0).path("author").asText()));
    assertThat(reader.call("forum.thread.get", threadId, 1).path("posts").path("total").asInt())
        .isEqualTo(2);

    assertThat(other.tryCall("forum.post.edit", postId, "not yours").path("error").asText())
        .isEqualTo("forum.error.forbidden");
    assertThat(other.tryCall("forum.post.delete", postId).path("error").asText())
        .isEqualTo("forum.error.forbidden");
    assertThat(
            reader.receives(
                e -> "forum.post.on_update".equals(e.path("topic").asText()),
                Duration.ofMillis(500)))
        .as("an event for a refused edit")
        .isFalse();

    author.call("forum.post.edit", postId, "an edited reply");
    reader.awaitEvent(
        "forum.post.on_update",
        e ->
            "forum.post.on_update".equals(e.path("topic").asText())
                && "an edited reply".equals(e.path("args").path(0).path("body").asText()));
    author.call("forum.post.delete", postId);
    reader.awaitEvent(
        "forum.post.on_delete",
        e ->
            "forum.post.on_delete".equals(e.path("topic").asText())
                && e.path("args").path(0).path("id").asLong() == postId);
  }

  @Test
  void wrongCredentialsAreRefusedAlikeAndBadInputIsExplained() {
    String name = newName();
    registerAndLogIn(name);
    JsBrowser page = anonymous();

    JsonNode wrongPassword = page.tryCall("forum.auth.login", name, "not the password");
    JsonNode unknownUser = page.tryCall("forum.auth.login", newName(), "not the password");

    assertThat(wrongPassword.path("error").asText()).isEqualTo("forum.error.login_failed");
    assertThat(unknownUser.path("error").asText()).isEqualTo("forum.error.login_failed");
    assertThat(unknownUser.path("args")).isEqualTo(wrongPassword.path("args"));

    JsonNode shortPassword = page.tryCall("forum.auth.register", newName(), "short");
    assertThat(shortPassword.path("error").asText()).isEqualTo("wamp.error.invalid_argument");
    assertThat(shortPassword.path("args").path(0).asText()).contains("password");

    JsBrowser forger = JsBrowser.start("forger");
    browsers.add(forger);
    JsonNode badTicket = forger.tryTicket(platform.url(), name, "forged", false);
    assertThat(badTicket.path("error").asText()).isEqualTo("wamp.error.authentication_failed");
  }

  @Test
  void aBrowserCanNeverServeOrPublishTheServicesUris() {
    JsBrowser stranger = anonymous();
    JsBrowser user = loggedIn(newName());

    for (JsBrowser page : List.of(stranger, user)) {
      assertThat(page.tryRegister("forum.auth.login").path("error").asText())
          .isEqualTo("wamp.error.not_authorized");
      assertThat(
              page.tryCall("forum.auth.authenticate", "forum", "someone", Map.of("ticket", "x"))
                  .path("error")
                  .asText())
          .isEqualTo("wamp.error.not_authorized");
      assertThat(
              page.tryPublish("forum.presence.on_join", Map.of("user", "mallory"))
                  .path("error")
                  .asText())
          .isEqualTo("wamp.error.not_authorized");
    }
    assertThat(stranger.tryCall("forum.thread.create", "title", "body").path("error").asText())
        .as("an anonymous page writing")
        .isEqualTo("wamp.error.not_authorized");
  }

  @Test
  void aRevokedTokenNoLongerJoins() {
    String name = newName();
    String token = registerAndLogIn(name);
    JsBrowser page = JsBrowser.start(name);
    browsers.add(page);
    page.openWithTicket(platform.url(), name, token);
    page.call("forum.auth.logout");

    JsBrowser again = JsBrowser.start(name + "-again");
    browsers.add(again);
    assertThat(again.tryTicket(platform.url(), name, token, false).path("error").asText())
        .isEqualTo("wamp.error.authentication_failed");
  }

  static List<String> users(JsonNode presence) {
    List<String> users = new ArrayList<>();
    presence.forEach(p -> users.add(p.path("user").asText()));
    return users;
  }
}
