package io.quarkbar.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each part of the platform restarted under load of browsers: the rest recovers on its own. A
 * restarted auth-service knows who is online again without anyone logging in; a restarted
 * forum-service serves again the pages that called it while it was away; a restarted router gets
 * both services back, and pages that reconnect find everything working.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(PlatformLogsOnFailure.class)
class RestartIT {

  private static final String PASSWORD = "correct horse battery";
  private static final Duration RECOVERY = Duration.ofSeconds(30);

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

  private JsBrowser browser(String name) {
    JsBrowser b = JsBrowser.start(name);
    browsers.add(b);
    return b;
  }

  private String token(String name) {
    JsBrowser page = browser(name + "-login");
    page.openAnonymous(platform.url());
    page.call("forum.auth.register", name, PASSWORD);
    return page.call("forum.auth.login", name, PASSWORD).path("token").asText();
  }

  @Test
  @Order(1)
  void aRestartedAuthServiceKnowsWhoIsOnlineAgain() {
    String name = "restart-auth";
    JsBrowser page = browser(name);
    page.openWithTicket(platform.url(), name, token(name));
    JsBrowser watcher = browser("watcher");
    watcher.openAnonymous(platform.url());
    assertThat(PlatformIT.users(watcher.call("forum.presence.list"))).contains(name);

    platform.auth.restart();

    await()
        .atMost(RECOVERY)
        .untilAsserted(
            () -> {
              JsonNode list = watcher.tryCall("forum.presence.list");
              assertThat(list.has("error")).as("presence.list answered: %s", list).isFalse();
              assertThat(PlatformIT.users(list.get("result"))).contains(name);
            });
  }

  @Test
  @Order(2)
  void pagesGetAClearErrorWhileForumServiceIsDownAndServiceOnceItIsBack() {
    JsBrowser page = browser("reader");
    page.openAnonymous(platform.url());
    page.call("forum.thread.list", 1);

    platform.forum.stop();
    JsonNode down = page.tryCall("forum.thread.list", 1);
    assertThat(down.path("error").asText()).isEqualTo("wamp.error.no_such_procedure");
    assertThat(page.call("forum.presence.list")).as("presence while the forum is down").isNotNull();

    platform.forum.startAgain();
    assertThat(page.call("forum.thread.list", 1).path("page").asInt()).isEqualTo(1);
  }

  @Test
  @Order(3)
  void afterTheRouterRestartsBothServicesAreBackAndPagesReconnect() {
    String name = "restart-router";
    String token = token(name);
    JsBrowser page = browser(name);
    page.openWithTicketReconnecting(platform.url(), name, token);

    platform.router.restart();

    page.awaitEvent("the loss of the session", e -> "lost".equals(e.path("event").asText()));
    page.awaitEvent(
        "the page joining again", e -> "joined".equals(e.path("event").asText()), RECOVERY);
    await()
        .atMost(RECOVERY)
        .untilAsserted(
            () -> {
              JsonNode created = page.tryCall("forum.thread.create", "after the restart", "hello");
              assertThat(created.has("error")).as("thread.create answered: %s", created).isFalse();
            });
    JsBrowser watcher = browser("watcher-2");
    watcher.openAnonymous(platform.url());
    await()
        .atMost(RECOVERY)
        .untilAsserted(
            () -> assertThat(PlatformIT.users(watcher.call("forum.presence.list"))).contains(name));
  }
}
