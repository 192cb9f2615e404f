package io.quarkbar.platform;

import io.quarkbar.testing.postgres.PostgresTestResource;
import io.quarkbar.testing.processes.AppProcess;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The whole platform as packaged applications, as an operator runs it: router-service with the
 * realm of {@code router-service/config/forum.yaml}, auth-service and forum-service joined to it
 * with WAMP-CRA secrets made up for this run (in their environments, never on a command line), each
 * service with a database of its own that starts empty. Browsers are {@link JsBrowser}s.
 */
final class Platform implements AutoCloseable {

  static final String REALM = "forum";

  private static final Path ROOT =
      Path.of(System.getProperty("platform.root", "..")).toAbsolutePath().normalize();

  final AppProcess router;
  final AppProcess auth;
  final AppProcess forum;
  private final List<PostgresTestResource> databases;

  private Platform(
      AppProcess router, AppProcess auth, AppProcess forum, List<PostgresTestResource> databases) {
    this.router = router;
    this.auth = auth;
    this.forum = forum;
    this.databases = databases;
  }

  /**
   * Starts the router, then the two services, each ready (joined, registered) when this returns.
   */
  static Platform start() {
    List<PostgresTestResource> databases = new ArrayList<>();
    Map<String, String> authDb = database("auth_it", databases);
    Map<String, String> forumDb = database("forum_it", databases);
    String authSecret = secret();
    String forumSecret = secret();
    Path logs = Path.of("target", "platform-logs");

    AppProcess router =
        AppProcess.builder("router-service", jar("router-service"))
            .log(logs.resolve("router-service.log"))
            .systemProperty(
                "quarkus.config.locations",
                ROOT.resolve("router-service/config/forum.yaml").toString())
            // Every test browser comes from 127.0.0.1: a refused ticket must not slow the others.
            .systemProperty("router.limits.auth-failure-delay", "1ms")
            .systemProperty("router.limits.auth-failure-max-delay", "1ms")
            .env("QUARKBAR_AUTH_SERVICE_SECRET", authSecret)
            .env("QUARKBAR_FORUM_SERVICE_SECRET", forumSecret)
            .start();
    String routerUrl = "ws://127.0.0.1:" + router.port() + "/ws";
    AppProcess auth =
        service("auth-service", routerUrl, authSecret, authDb, logs)
            // bcrypt at its lowest cost: the same code, milliseconds per login.
            .systemProperty("auth.bcrypt-cost", "4")
            .start();
    AppProcess forum = service("forum-service", routerUrl, forumSecret, forumDb, logs).start();
    return new Platform(router, auth, forum, databases);
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

  /** The router's WebSocket URL, for browsers. */
  String url() {
    return "ws://127.0.0.1:" + router.port() + "/ws";
  }

  /** What the processes logged last, for a failing test's message. */
  String logs() {
    return String.join(
        "\n",
        "--- router-service ---",
        router.logTail(40),
        "--- auth-service ---",
        auth.logTail(40),
        "--- forum-service ---",
        forum.logTail(40));
  }

  @Override
  public void close() {
    forum.close();
    auth.close();
    router.close();
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
