package io.quarkbar.platform;

import io.quarkbar.testing.nats.NatsServer;
import io.quarkbar.testing.postgres.PostgresTestResource;
import io.quarkbar.testing.processes.AppProcess;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * The whole platform as packaged applications, as an operator runs it: router-service with the
 * realm of {@code router-service/config/forum.yaml}, auth-service and forum-service joined to it
 * with WAMP-CRA secrets made up for this run (in their environments, never on a command line), each
 * service with a database of its own that starts empty; and, when asked, web-ui serving the forum's
 * page, whose origin the router then accepts. Browsers are {@link JsBrowser}s, or Chromium on that
 * page ({@code io.quarkbar.platform.browser}).
 *
 * <p>{@link #startCluster} runs router-service as two nodes of one cluster over a private
 * nats-server instead, with forum-service on the first and auth-service on the second.
 */
public final class Platform implements AutoCloseable {

  static final String REALM = "forum";

  private static final Path ROOT =
      Path.of(System.getProperty("platform.root", "..")).toAbsolutePath().normalize();

  final AppProcess router;
  final List<AppProcess> routers;
  final AppProcess auth;
  final AppProcess forum;
  private final AppProcess webUi;
  private final NatsServer nats;
  private final List<PostgresTestResource> databases;

  private Platform(
      List<AppProcess> routers,
      AppProcess auth,
      AppProcess forum,
      AppProcess webUi,
      NatsServer nats,
      List<PostgresTestResource> databases) {
    this.router = routers.getFirst();
    this.routers = routers;
    this.auth = auth;
    this.forum = forum;
    this.webUi = webUi;
    this.nats = nats;
    this.databases = databases;
  }

  /**
   * Starts the router, then the two services, each ready (joined, registered) when this returns.
   */
  static Platform start() {
    return start(false);
  }

  /**
   * Starts the router, then the two services, then (if {@code withWebUi}) web-ui pointed at the
   * router; each is ready when this returns.
   */
  public static Platform start(boolean withWebUi) {
    return start(withWebUi, 1);
  }

  /**
   * Starts router-service as {@code nodes} nodes of one cluster over a nats-server of its own (node
   * {@code n<i>} heartbeats every 250 ms and is taken for gone after 1.5 s of silence), then
   * forum-service joined to the first node and auth-service to the last.
   */
  static Platform startCluster(int nodes) {
    return start(false, nodes);
  }

  private static Platform start(boolean withWebUi, int nodes) {
    List<PostgresTestResource> databases = new ArrayList<>();
    Map<String, String> authDb = database("auth_it", databases);
    Map<String, String> forumDb = database("forum_it", databases);
    String authSecret = secret();
    String forumSecret = secret();
    Path logs = Path.of("target", "platform-logs");
    // Chosen first: the router must know the page's origin before the page exists.
    int routerPort = AppProcess.freePort();
    int webPort = withWebUi ? AppProcess.freePort() : 0;
    List<AppProcess> started = new ArrayList<>();
    NatsServer nats = nodes > 1 ? NatsServer.start(Path.of("target", "nats")) : null;
    List<AppProcess> routers = new ArrayList<>();
    try {
      for (int n = 1; n <= nodes; n++) {
        String name = nodes == 1 ? "router-service" : "router-service-n" + n;
        AppProcess.Builder node =
            routerBuilder(name, n == 1 ? routerPort : AppProcess.freePort(), logs)
                .env("QUARKBAR_AUTH_SERVICE_SECRET", authSecret)
                .env("QUARKBAR_FORUM_SERVICE_SECRET", forumSecret);
        if (nats != null) {
          node.systemProperty("router.cluster.nats-url", nats.url())
              .systemProperty("router.cluster.node", "n" + n)
              .systemProperty("router.cluster.heartbeat", "250ms")
              .systemProperty("router.cluster.death-timeout", "1500ms");
        }
        if (withWebUi) {
          // The page's origin, by either name. And the router's own: the services' WebSocket
          // client (Vert.x) sends it as Origin, and once the list is set nothing else is accepted.
          node.env(
              "ROUTER_WEBSOCKET_ALLOWED_ORIGINS",
              String.join(
                  ",",
                  "http://127.0.0.1:" + webPort,
                  "http://localhost:" + webPort,
                  "http://127.0.0.1:" + routerPort));
        }
        AppProcess router = node.start();
        started.add(router);
        routers.add(router);
      }
      String routerUrl = "ws://127.0.0.1:" + routers.getFirst().port() + "/ws";
      String authRouterUrl = "ws://127.0.0.1:" + routers.getLast().port() + "/ws";
      AppProcess auth =
          service("auth-service", authRouterUrl, authSecret, authDb, logs)
              // bcrypt at its lowest cost: the same code, milliseconds per login.
              .systemProperty("auth.bcrypt-cost", "4")
              .start();
      started.add(auth);
      AppProcess forum = service("forum-service", routerUrl, forumSecret, forumDb, logs).start();
      started.add(forum);
      AppProcess webUi =
          withWebUi
              ? AppProcess.builder("web-ui", jar("web-ui"))
                  .log(logs.resolve("web-ui.log"))
                  .port(webPort)
                  .env("WEB_ROUTER_URL", routerUrl)
                  .start()
              : null;
      return new Platform(routers, auth, forum, webUi, nats, databases);
    } catch (RuntimeException | AssertionError e) {
      // What started before a failure is stopped again, so that a failed start leaves nothing.
      started.reversed().forEach(AppProcess::close);
      if (nats != null) {
        nats.close();
      }
      databases.forEach(PostgresTestResource::stop);
      throw e;
    }
  }

  private static AppProcess.Builder routerBuilder(String name, int port, Path logs) {
    return AppProcess.builder(name, jar("router-service"))
        .log(logs.resolve(name + ".log"))
        .port(port)
        .systemProperty(
            "quarkus.config.locations", ROOT.resolve("router-service/config/forum.yaml").toString())
        // Every test browser comes from 127.0.0.1: a refused ticket must not slow the others.
        .systemProperty("router.limits.auth-failure-delay", "1ms")
        .systemProperty("router.limits.auth-failure-max-delay", "1ms");
  }

  private static AppProcess.Builder service(
      String name, String routerUrl, String secret, Map<String, String> db, Path logs) {
    return AppProcess.builder(name, jar(name))
        .log(logs.resolve(name + ".log"))
        .env("QUARKBAR_ROUTER_URL", routerUrl)
        .env("QUARKBAR_SERVICE_SECRET", secret)
        .env("QUARKBAR_DB_URL", db.get("quarkus.datasource.jdbc.url"))
        .env("QUARKBAR_DB_USER", db.get("quarkus.datasource.username"))
        .env("QUARKBAR_DB_PASSWORD", db.get("quarkus.datasource.password"))
        // Reconnect quickly after the router restarts, as the restart tests do.
        .systemProperty("quarkbar.wamp.reconnect.max-delay", "1s");
  }

  /** The router's WebSocket URL (the first node's, in a cluster), for browsers. */
  String url() {
    return url(1);
  }

  /** The WebSocket URL of router node {@code node}, counting from 1. */
  String url(int node) {
    return "ws://127.0.0.1:" + routers.get(node - 1).port() + "/ws";
  }

  /** The forum's page, served by web-ui: {@code http://127.0.0.1:<port>/}. */
  public String pageUrl() {
    if (webUi == null) {
      throw new IllegalStateException(
          "started without web-ui: Platform.start(true) serves the page");
    }
    return webUi.http("/").toString();
  }

  /** The router process, to restart it. */
  public AppProcess router() {
    return router;
  }

  /** The forum-service process, to stop and start it. */
  public AppProcess forum() {
    return forum;
  }

  /**
   * Waits until auth-service and forum-service are ready again (each joined to the router with its
   * registrations in place), as after a restart of the router.
   */
  public void awaitServicesReady(Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Awaitility.await("auth-service and forum-service ready")
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> isReady(http, auth) && isReady(http, forum));
  }

  private static boolean isReady(HttpClient http, AppProcess app) {
    HttpRequest ready =
        HttpRequest.newBuilder(app.http("/q/health/ready")).timeout(Duration.ofSeconds(2)).build();
    try {
      return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** What the processes logged last, for a failing test's message. */
  String logs() {
    StringBuilder nodes = new StringBuilder();
    for (AppProcess r : routers) {
      nodes.append("--- ").append(r).append(" ---\n").append(r.logTail(40)).append('\n');
    }
    String services =
        String.join(
            "\n",
            nodes.toString(),
            "--- auth-service ---",
            auth.logTail(40),
            "--- forum-service ---",
            forum.logTail(40));
    return webUi == null ? services : services + "\n--- web-ui ---\n" + webUi.logTail(20);
  }

  @Override
  public void close() {
    if (webUi != null) {
      webUi.close();
    }
    forum.close();
    auth.close();
    routers.reversed().forEach(AppProcess::close);
    if (nats != null) {
      nats.close();
    }
    databases.forEach(PostgresTestResource::stop);
  }

  private static Path jar(String module) {
    return ROOT.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
  }

  private static Map<String, String> database(String name, List<PostgresTestResource> all) {
    PostgresTestResource db = new PostgresTestResource();
    db.init(Map.of("database", name, "clean", "true"));
    all.add(db);
    return db.start();
  }

  private static String secret() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
