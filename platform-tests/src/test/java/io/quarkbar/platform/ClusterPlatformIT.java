package io.quarkbar.platform;

import static io.quarkbar.platform.PlatformIT.users;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
 * The platform on two router nodes of one cluster, unchanged: forum-service joins node 1 and
 * auth-service node 2, and the browsers (Autobahn|JS) are spread over both. A user logged in on one
 * node is online for the browsers of the other, logging out ends the user's sessions on every node,
 * and the users of a node that dies go offline.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(PlatformLogsOnFailure.class)
class ClusterPlatformIT {

  private static final String PASSWORD = "correct horse battery";

  Platform platform;
  private final List<JsBrowser> browsers = new ArrayList<>();

  @BeforeAll
  void start() {
    platform = Platform.startCluster(2);
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

  @Test
  @Order(1)
  void aUserOnOneNodeIsOnlineForTheOtherAndLoggingOutEndsItsSessionsOnBoth() {
    JsBrowser watcher = anonymous(2);
    watcher.subscribe("forum.presence.on_join");
    watcher.subscribe("forum.presence.on_leave");
    String ada = "ada" + System.nanoTime() % 100000;
    String token = registerAndLogIn(1, ada);

    // Two tabs, one per node; the router of node 1 asks auth-service on node 2 for the ticket.
    JsBrowser tabOne = loggedIn(1, ada, token);
    JsBrowser tabTwo = loggedIn(2, ada, token);
    watcher.awaitPublished("forum.presence.on_join", "user", ada);
    assertThat(users(watcher.call("forum.presence.list"))).contains(ada);

    // auth-service ends every session of the user, on both nodes.
    tabTwo.call("forum.auth.logout");
    tabOne.awaitEvent("the end of the tab on node 1", e -> "lost".equals(e.path("event").asText()));
    tabTwo.awaitEvent("the end of the tab on node 2", e -> "lost".equals(e.path("event").asText()));
    watcher.awaitPublished("forum.presence.on_leave", "user", ada);
    assertThat(users(watcher.call("forum.presence.list"))).doesNotContain(ada);
  }

  @Test
  @Order(2)
  void theUsersOfANodeThatDiesGoOffline() {
    JsBrowser watcher = anonymous(2);
    watcher.subscribe("forum.presence.on_join");
    watcher.subscribe("forum.presence.on_leave");
    String grace = "grace" + System.nanoTime() % 100000;
    String token = registerAndLogIn(2, grace);
    loggedIn(1, grace, token);
    watcher.awaitPublished("forum.presence.on_join", "user", grace);

    // SIGKILL: node 2 takes node 1 for gone after the death timeout and announces its sessions'
    // leaving, which auth-service (on node 2) turns into the user's going offline.
    platform.routers.getFirst().kill();
    watcher.awaitPublished("forum.presence.on_leave", "user", grace);
    assertThat(users(watcher.call("forum.presence.list"))).doesNotContain(grace);
  }

  private JsBrowser anonymous(int node) {
    JsBrowser b = JsBrowser.start("browser-" + browsers.size());
    browsers.add(b);
    b.openAnonymous(platform.url(node));
    return b;
  }

  /** Registers {@code name} and logs in from an anonymous page on {@code node}; the token. */
  private String registerAndLogIn(int node, String name) {
    JsBrowser page = anonymous(node);
    page.call("forum.auth.register", name, PASSWORD);
    JsonNode login = page.call("forum.auth.login", name, PASSWORD);
    assertThat(login.path("user").path("username").asText()).isEqualTo(name);
    return login.path("token").asText();
  }

  /** A page of {@code name} on {@code node}, joined with its token. */
  private JsBrowser loggedIn(int node, String name, String token) {
    JsBrowser page = JsBrowser.start(name + "-n" + node);
    browsers.add(page);
    JsBrowser.Joined joined = page.openWithTicket(platform.url(node), name, token);
    assertThat(joined.authid()).isEqualTo(name);
    return page;
  }
}
