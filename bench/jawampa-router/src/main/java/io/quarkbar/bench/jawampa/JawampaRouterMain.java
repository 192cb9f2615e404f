package io.quarkbar.bench.jawampa;

import java.net.URI;
import ws.wamp.jawampa.WampRouter;
import ws.wamp.jawampa.WampRouterBuilder;
import ws.wamp.jawampa.transport.netty.SimpleWampWebsocketListener;

/**
 * jawampa 0.5.0's router with realm {@code realm1} at {@code ws://127.0.0.1:PORT/ws}, with
 * jawampa's default serializations (json and msgpack). Usage: {@code JawampaRouterMain PORT}.
 *
 * <p>No shutdown hook closes the router: {@code WampRouter.close()} never completes on SIGTERM and
 * would keep the JVM alive, so the benchmark harness stops this process forcibly instead.
 */
public final class JawampaRouterMain {

  private JawampaRouterMain() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    WampRouter router = new WampRouterBuilder().addRealm("realm1").build();
    new SimpleWampWebsocketListener(router, URI.create("ws://127.0.0.1:" + port + "/ws"), null)
        .start();
    // The harness waits for this line: the listener is bound once start() returns.
    System.out.println("jawampa router listening on port " + port);
    Thread.currentThread().join();
  }
}
