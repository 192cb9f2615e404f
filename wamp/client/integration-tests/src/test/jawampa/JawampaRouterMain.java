import java.net.URI;
import ws.wamp.jawampa.WampRouter;
import ws.wamp.jawampa.WampRouterBuilder;
import ws.wamp.jawampa.transport.netty.SimpleWampWebsocketListener;

/**
 * jawampa 0.5.0's router with realm {@code realm1} at {@code ws://127.0.0.1:PORT/ws} (or another
 * PATH), with jawampa's default serializations (json and msgpack). Usage: {@code JawampaRouterMain
 * PORT [PATH]}.
 *
 * <p>bench/jawampa-router's main, plus the PATH argument. That module is built only after this
 * one, so this copy runs as a single-file source program, in a JVM of its own (netty 4.1.11 and
 * jackson 2.4 clash with Quarkus) and without jawampa on any classpath of the build: {@code java
 * -cp 'target/jawampa/*' src/test/jawampa/JawampaRouterMain.java PORT [PATH]}.
 *
 * <p>No shutdown hook closes the router: {@code WampRouter.close()} never completes on SIGTERM, so
 * the test stops this process forcibly.
 */
public final class JawampaRouterMain {

  private JawampaRouterMain() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String path = args.length > 1 ? args[1] : "/ws";
    WampRouter router = new WampRouterBuilder().addRealm("realm1").build();
    new SimpleWampWebsocketListener(router, URI.create("ws://127.0.0.1:" + port + path), null)
        .start();
    // The test waits for this line: the listener is bound once start() returns.
    System.out.println("jawampa router listening on port " + port);
    Thread.currentThread().join();
  }
}
