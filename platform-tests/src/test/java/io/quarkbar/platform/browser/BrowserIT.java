package io.quarkbar.platform.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkbar.platform.Platform;
import io.quarkbar.platform.PlatformLogsOnFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.logging.LogEntry;

/**
 * The forum's web page in Chromium, against the packaged platform (router-service, auth-service,
 * forum-service and web-ui): two people, each in a browser of their own, see each other come and go
 * and what the other writes as it happens; the page explains every failure, rides out a router
 * restart and a forum-service outage, and shows what users write as text, never as markup.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(PlatformLogsOnFailure.class)
class BrowserIT {

  private static final String PASSWORD = "correct horse battery";
  private static final Duration RECOVERY = Duration.ofSeconds(60);
  private static final String FORUM_UNAVAILABLE =
      "The forum service is unavailable right now; try again later.";
  private static final AtomicInteger NAMES = new AtomicInteger();

  @RegisterExtension final Browsers browsers = new Browsers();

  Platform platform;

  @BeforeAll
  void start() {
    Chromium.assumeInstalled();
    platform = Platform.start(true);
    PlatformLogsOnFailure.watch(platform);
  }

  @AfterAll
  void stop() {
    if (platform != null) {
      platform.close();
    }
  }

  private ForumPage page(String name) {
    return browsers.open(name, platform.pageUrl());
  }

  /** A page on which {@code name} registered, and is therefore logged in. */
  private ForumPage loggedIn(String name) {
    ForumPage page = page(name);
    page.register(name, PASSWORD);
    page.awaitLoggedInAs(name);
    return page;
  }

  /** A username no other test uses. */
  private static String name(String base) {
    return base + "-" + NAMES.incrementAndGet();
  }

  /**
   * First, on an empty forum: a few people online and a few threads, as the README shows the page.
   * With {@code -Dquarkbar.readme-screenshot=true} the screenshot is copied to docs/screenshot.png.
   */
  @Test
  @Order(1)
  void theForumWithAFewPeopleOnline() throws Exception {
    ForumPage ada = loggedIn("ada");
    ForumPage grace = loggedIn("grace");
    ForumPage linus = loggedIn("linus");

    ada.createThread(
        "Welcome to the Quarkbar forum", "Say hello, and tell us what you are building with WAMP.");
    grace.openThread("Welcome to the Quarkbar forum");
    grace.reply(
        "Hello! We are moving our dashboards from polling to pub/sub, one topic at a time.");
    linus.openThread("Welcome to the Quarkbar forum");
    linus.reply("Hi all. I came for the router benchmarks and stayed for the presence list.");
    linus.backToThreads();
    linus.createThread(
        "Show us your WAMP topology",
        "Which realms, roles and services do you run? Ours: one realm, two services, browsers as"
            + " guests or users.");
    grace.backToThreads();
    grace.createThread(
        "What does the page do while the router restarts?",
        "I restarted the router during a demo: the header said Reconnecting… and everything came"
            + " back on its own.");
    ada.backToThreads();
    ada.openThread("What does the page do while the router restarts?");
    ada.reply("It joins again, with a growing delay, then reads the lists again.");
    grace.backToThreads();
    grace.awaitOnline("ada");
    grace.awaitOnline("linus");
    grace.awaitThreadListed("Show us your WAMP topology");

    assertThat(grace.threadTitles())
        .as("newest activity first")
        .containsExactly(
            "What does the page do while the router restarts?",
            "Show us your WAMP topology",
            "Welcome to the Quarkbar forum");
    assertThat(grace.online()).containsExactly("ada", "grace", "linus");

    Path shot = grace.screenshot(Browsers.SCREENSHOTS.resolve("forum.png"));
    if (Boolean.getBoolean("quarkbar.readme-screenshot")) {
      Path root = Path.of(System.getProperty("platform.root", ".."));
      Files.copy(shot, root.resolve("docs/screenshot.png"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Test
  @Order(2)
  void othersSeeAUserComeOnlineStayOnlineAcrossAReloadAndGoOfflineOnLogout() {
    ForumPage bob = loggedIn(name("bob"));
    String adaName = name("ada");

    ForumPage ada = loggedIn(adaName);
    bob.awaitOnline(adaName);

    ada.reload();
    ada.awaitLoggedInAs(adaName);
    bob.awaitOnline(adaName);

    ada.logOut();
    ada.awaitLoggedOut();
    assertThat(ada.notice()).isEqualTo("You are logged out.");
    bob.awaitOffline(adaName);

    ada.reload();
    assertThat(ada.isLoggedIn()).as("logged in after logging out and reloading").isFalse();
  }

  @Test
  @Order(3)
  void closingTheTabTakesTheUserOffline() {
    ForumPage bob = loggedIn(name("bob"));
    String adaName = name("ada");
    ForumPage ada = loggedIn(adaName);
    bob.awaitOnline(adaName);

    ada.close();

    bob.awaitOffline(adaName);
  }

  @Test
  @Order(4)
  void threadsAndPostsAppearLiveAndOnlyTheirAuthorMayChangeThem() {
    String adaName = name("ada");
    String bobName = name("bob");
    ForumPage ada = loggedIn(adaName);
    ForumPage bob = loggedIn(bobName);
    String title = "A thread by " + adaName;

    ada.createThread(title, "The first post.");
    bob.awaitThreadListed(title);
    bob.openThread(title);
    bob.awaitPost("The first post.");

    ada.reply("A reply by its author.");
    bob.awaitPost("A reply by its author.");
    assertThat(bob.posts())
        .as("bob's view of ada's posts")
        .allSatisfy(
            post -> {
              assertThat(post.author()).isEqualTo(adaName);
              assertThat(post.editable()).as("Edit and Delete offered to bob").isFalse();
            });

    bob.reply("A reply by bob.");
    assertThat(bob.awaitPost("A reply by bob.").editable()).isTrue();
    ada.awaitPost("A reply by bob.");

    ada.editPost("A reply by its author.", "A reply by its author, edited.");
    assertThat(bob.awaitPost("A reply by its author, edited.").edited()).isTrue();

    ada.deletePost("A reply by its author, edited.");
    bob.awaitNoPost("A reply by its author, edited.");
    assertThat(bob.posts())
        .extracting(ForumPage.Post::body)
        .containsExactly("The first post.", "A reply by bob.");

    assertThat(severe(ada)).as("errors in ada's console").isEmpty();
    assertThat(severe(bob)).as("errors in bob's console").isEmpty();
  }

  @Test
  @Order(5)
  void wrongPasswordsAndInvalidInputAreExplained() {
    ForumPage page = page(name("guest"));

    page.register("ab", PASSWORD);
    assertThat(page.loginError()).startsWith("Username must be 3 to 32 characters");

    page.register(name("carol"), "short");
    assertThat(page.loginError()).startsWith("Password must be 8 to 128 characters");

    page.logIn(name("nobody"), PASSWORD);
    assertThat(page.loginError()).isEqualTo("Wrong username or password.");

    String dave = name("dave");
    page.register(dave, PASSWORD);
    page.awaitLoggedInAs(dave);
    page.submitThread("   ", "A thread without a title.");
    assertThat(page.threadFormError()).containsIgnoringCase("title");
  }

  @Test
  @Order(6)
  void markupInAPostIsShownAsText() {
    ForumPage ada = loggedIn(name("ada"));
    ForumPage bob = page(name("bob"));
    String markup = "<img src=x onerror=\"window.pwned = true\">";
    String title = "Look " + markup;
    String body = markup + "<script>window.pwned = true</script> & <b>bold</b>";

    ada.createThread(title, body);
    bob.openThread(title);

    assertThat(bob.awaitPost(body).body()).isEqualTo(body);
    assertThat(bob.count("#content img, #content script, #content b")).isZero();
    assertThat(bob.script("return window.pwned === undefined")).isEqualTo(true);
    assertThat(ada.script("return window.pwned === undefined")).isEqualTo(true);
  }

  @Test
  @Order(7)
  void whileForumServiceIsDownThePageSaysSoAndPresenceStillWorks() {
    String bobName = name("bob");
    ForumPage ada = loggedIn(name("ada"));
    ForumPage bob = loggedIn(bobName);
    ada.awaitOnline(bobName);

    platform.forum().stop();
    try {
      ada.submitThread("While the forum is down", "Is anyone there?");
      assertThat(ada.threadFormError()).isEqualTo(FORUM_UNAVAILABLE);

      bob.logOut();
      ada.awaitOffline(bobName);
      bob.logIn(bobName, PASSWORD);
      bob.awaitLoggedInAs(bobName);
      ada.awaitOnline(bobName);
      assertThat(bob.threadListError()).isEqualTo(FORUM_UNAVAILABLE);
    } finally {
      platform.forum().startAgain();
    }

    ada.createThread("The forum is back", "Hello again.");
    bob.awaitThreadListed("The forum is back");
  }

  @Test
  @Order(8)
  void afterTheRouterRestartsBothPagesReconnectAndAreLiveAgain() throws Exception {
    String adaName = name("ada");
    String bobName = name("bob");
    ForumPage ada = loggedIn(adaName);
    ForumPage bob = loggedIn(bobName);
    bob.awaitOnline(adaName);
    List<ForumPage> pages = List.of(ada, bob);

    CompletableFuture<Void> restart = CompletableFuture.runAsync(platform.router()::restart);
    Set<String> sawReconnecting = ConcurrentHashMap.newKeySet();
    await("both pages showing reconnecting")
        .atMost(RECOVERY)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              pages.stream()
                  .filter(p -> "reconnecting".equals(p.connectionState()))
                  .forEach(p -> sawReconnecting.add(p.name()));
              return sawReconnecting.size() == pages.size();
            });
    restart.get(RECOVERY.toSeconds(), TimeUnit.SECONDS);

    for (ForumPage page : pages) {
      page.awaitConnection("connected", RECOVERY);
    }
    ada.awaitLoggedInAs(adaName);
    bob.awaitLoggedInAs(bobName);
    bob.awaitOnline(adaName);
    ada.awaitOnline(bobName);

    // The services rejoin on their own schedule; a page that writes before forum-service is back
    // is told so (the previous test), which is not what this one is about.
    platform.awaitServicesReady(RECOVERY);
    ada.createThread("After the router restart", "Still here.");
    bob.awaitThreadListed("After the router restart");
    ada.logOut();
    bob.awaitOffline(adaName);
  }

  /** What the page logged as errors (failed loads, refused scripts or connections). */
  private static List<String> severe(ForumPage page) {
    return page.console().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }
}
