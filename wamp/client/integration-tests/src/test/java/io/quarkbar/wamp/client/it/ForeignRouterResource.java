package io.quarkbar.wamp.client.it;

import io.quarkbar.testing.processes.AppProcess;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts a router we did not write as a child process on a free port, realm {@code realm1} open to
 * anonymous sessions, and points the service at it: the default connection, which registers and
 * subscribes, and a second connection {@code other} (another session), which calls and publishes.
 */
abstract class ForeignRouterResource implements QuarkusTestResourceLifecycleManager {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  private final String name;
  private final String path;
  private ChildProcess router;

  ForeignRouterResource(String name, String path) {
    this.name = name;
    this.path = path;
  }

  /** The command that starts the router on {@code port}, serving WebSocket at {@code path}. */
  abstract List<String> command(int port, String path);

  /** The line the router prints once it listens. */
  abstract String readyLine();

  /** The serializer of connection {@code other}; the default connection uses json. */
  abstract String otherSerializer();

  @Override
  public Map<String, String> start() {
    int port = AppProcess.freePort();
    Path log = RouterServiceResource.logDir().resolve(name + ".log");
    try {
      router = ChildProcess.start(command(port, path), Map.of(), log);
      router.awaitLine(readyLine(), READY_TIMEOUT);
    } catch (Exception | AssertionError e) {
      stop();
      throw new IllegalStateException(name + " did not start: " + e.getMessage(), e);
    }
    String url = "ws://127.0.0.1:" + port + path;
    Map<String, String> config = new LinkedHashMap<>();
    config.put("client-it.router.url", url);
    config.put("quarkbar.wamp.url", url);
    config.put("quarkbar.wamp.realm", "realm1");
    config.put("quarkbar.wamp.serializer", "json");
    config.put("quarkbar.wamp.connections.other.url", url);
    config.put("quarkbar.wamp.connections.other.realm", "realm1");
    config.put("quarkbar.wamp.connections.other.serializer", otherSerializer());
    // After a disconnect, come back soon: the next test waits for it.
    config.put("quarkbar.wamp.reconnect.max-delay", "1s");
    config.put("quarkbar.wamp.connections.other.reconnect.max-delay", "1s");
    return config;
  }

  @Override
  public void stop() {
    if (router == null) {
      return;
    }
    try {
      stopRouter(router);
    } catch (Exception e) {
      throw new IllegalStateException("could not stop " + name, e);
    } finally {
      router = null;
    }
  }

  void stopRouter(ChildProcess router) throws Exception {
    router.close();
  }

  /** jawampa 0.5.0 in a JVM of its own, from the jars the build copied to target/jawampa. */
  public static class Jawampa extends ForeignRouterResource {

    public Jawampa() {
      super("jawampa", "/ws");
    }

    @Override
    List<String> command(int port, String path) {
      Path jars = Path.of(System.getProperty("client-it.jawampa.dir", "target/jawampa"));
      Path main =
          Path.of(
              System.getProperty(
                  "client-it.jawampa.main", "src/test/jawampa/JawampaRouterMain.java"));
      return List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          // A small router for a few dozen messages: C1 alone starts faster.
          "-XX:TieredStopAtLevel=1",
          "-cp",
          jars.toAbsolutePath() + "/*",
          main.toAbsolutePath().toString(),
          Integer.toString(port),
          path);
    }

    @Override
    String readyLine() {
      return "jawampa router listening";
    }

    @Override
    String otherSerializer() {
      return "msgpack";
    }

    /** {@code WampRouter.close()} hangs on SIGTERM: there is no graceful stop to wait for. */
    @Override
    void stopRouter(ChildProcess router) throws Exception {
      router.kill();
    }
  }

  /** fox-wamp 0.7.28 on Node, installed by {@code npm ci}; json only. */
  public static class FoxWamp extends ForeignRouterResource {

    public FoxWamp() {
      this("fox-wamp", "/ws");
    }

    FoxWamp(String name, String path) {
      super(name, path);
    }

    @Override
    List<String> command(int port, String path) {
      Path dir = Path.of(System.getProperty("client-it.node.dir", "src/test/node"));
      Path modules = dir.resolve("../../../node_modules").normalize();
      if (!modules.resolve("fox-wamp").toFile().isDirectory()) {
        throw new IllegalStateException(
            modules + "/fox-wamp does not exist: run `npm ci` in wamp/client/integration-tests");
      }
      return List.of(
          System.getProperty("client-it.node", "node"),
          dir.resolve("fox-router.js").toAbsolutePath().toString(),
          Integer.toString(port),
          path);
    }

    @Override
    String readyLine() {
      return "fox-wamp router listening";
    }

    @Override
    String otherSerializer() {
      return "json";
    }
  }

  /** fox-wamp at {@code /ws}, the path the interop docs give, for {@link ExactPathTest}. */
  public static class FoxWampExactPath extends FoxWamp {

    public FoxWampExactPath() {
      super("fox-wamp-exact-path", "/ws");
    }
  }
}
