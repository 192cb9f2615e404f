package io.quarkbar.router.rawsocket;

import io.netty.util.concurrent.EventExecutor;
import io.quarkbar.router.config.RouterServiceConfig;
import io.quarkbar.router.telemetry.RouterMetrics;
import io.quarkbar.router.transport.KeepAliveTimer;
import io.quarkbar.wamp.router.Router;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.impl.NetSocketInternal;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The WAMP RawSocket endpoint: a Vert.x TCP server on a port of its own ({@code
 * router.rawsocket.port}; none unless configured), on the Vert.x instance Quarkus runs, attaching
 * every connection to the same router core as the WebSocket endpoint.
 *
 * <p>RawSocket's first byte, {@code 0x7F}, never starts an HTTP request, so it could share the HTTP
 * port; a port of its own keeps the HTTP server untouched.
 *
 * <p>A Vert.x TCP server hands all its connections to the event loop it was started on. So one
 * server is started per event loop, as instances of one verticle on the same port: Vert.x then
 * shares the listening socket between them and deals connections out in turn, as Quarkus does for
 * its HTTP server.
 */
@ApplicationScoped
public class RawSocketServer {

  private static final Logger LOG = Logger.getLogger(RawSocketServer.class);

  /**
   * The port the instances listen on for {@code router.rawsocket.port: 0}: with a negative port,
   * Vert.x binds a random port once and shares it among the TCP servers given the same negative
   * number (with port 0 each one would bind its own). Vert.x keeps TCP and HTTP servers apart, so
   * this does not meet Quarkus' own random HTTP ports (-1 to -3).
   */
  private static final int SHARED_RANDOM_PORT = -1;

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  /**
   * What a connection needs from the configuration.
   *
   * @param maxMessageSize the largest frame a client may send, as announced in the handshake
   * @param maxOutboundQueue bytes that may wait to be sent to one client
   * @param pingInterval silence after which the router sends a PING; zero: none
   * @param keepAlive the timer that sends those PINGs; null when there are none
   * @param handshakeTimeout how long a new connection has to send its handshake
   */
  record Settings(
      int maxMessageSize,
      int maxOutboundQueue,
      Duration pingInterval,
      KeepAliveTimer keepAlive,
      Duration handshakeTimeout) {}

  @Inject Vertx vertx;

  @Inject Router router;

  @Inject RouterMetrics metrics;

  @Inject RouterServiceConfig config;

  private volatile String deployment;
  private volatile KeepAliveTimer keepAlive;
  private volatile int port = -1;

  /** Starts listening when {@code router.rawsocket.port} is set; fails start-up if it cannot. */
  void start(@Observes StartupEvent event) throws Exception {
    RouterServiceConfig.RawSocketSettings rawsocket = config.rawsocket();
    if (rawsocket.port().isEmpty()) {
      return;
    }
    int configured = rawsocket.maxMessageSize().orElse(config.websocket().maxMessageSize());
    keepAlive =
        rawsocket.pingInterval().isZero() ? null : new KeepAliveTimer(rawsocket.pingInterval());
    Settings settings =
        new Settings(
            Framing.announceable(configured),
            rawsocket.maxOutboundQueue().orElse(config.websocket().maxOutboundQueue()),
            rawsocket.pingInterval(),
            keepAlive,
            config.limits().helloTimeout());
    int requested = rawsocket.port().getAsInt();
    NetServerOptions options =
        new NetServerOptions()
            .setHost(rawsocket.host())
            .setPort(requested == 0 ? SHARED_RANDOM_PORT : requested)
            .setTcpNoDelay(true)
            // Finds a vanished peer eventually (after the system's keep-alive time, hours by
            // default) even with RawSocket pings off.
            .setTcpKeepAlive(true);
    int loops = eventLoops();
    deployment =
        await(
            vertx.deployVerticle(
                () -> new Listener(options, settings), new DeploymentOptions().setInstances(loops)),
            START_TIMEOUT);
    if (settings.maxMessageSize() != configured) {
      LOG.infof(
          "RawSocket: the maximum message size %d is announced as %d, a power of two from 512 to"
              + " 16 MiB as the handshake requires",
          configured, settings.maxMessageSize());
    }
    LOG.infof(
        "WAMP RawSocket listening on %s:%d (json, msgpack, cbor; messages up to %d bytes)",
        rawsocket.host(), port, settings.maxMessageSize());
  }

  /**
   * Stops listening and closes the connections that are left, after the router has said GOODBYE to
   * every session (RouterLifecycle, which observes the same event at the default priority).
   */
  void stop(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) ShutdownEvent event) {
    String id = deployment;
    if (id == null) {
      return;
    }
    deployment = null;
    if (keepAlive != null) {
      keepAlive.close();
    }
    try {
      await(vertx.undeploy(id), STOP_TIMEOUT);
    } catch (Exception e) {
      LOG.warnf("RawSocket: the server did not stop cleanly: %s", e.toString());
    }
  }

  /** The port the endpoint listens on; empty when RawSocket is off (or not started yet). */
  public OptionalInt port() {
    int p = port;
    return p < 0 ? OptionalInt.empty() : OptionalInt.of(p);
  }

  /** How many event loops Vert.x runs (one per core here, see EventLoopSizing). */
  private int eventLoops() {
    if (vertx instanceof VertxInternal internal) {
      int n = 0;
      for (EventExecutor ignored : internal.getEventLoopGroup()) {
        n++;
      }
      return Math.max(1, n);
    }
    return Runtime.getRuntime().availableProcessors();
  }

  private static <T> T await(Future<T> future, Duration timeout) throws Exception {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } catch (TimeoutException e) {
      throw new TimeoutException("RawSocket: no answer from Vert.x within " + timeout);
    }
  }

  /** One TCP server on the shared port, on the event loop of this verticle instance. */
  private final class Listener extends AbstractVerticle {

    private final NetServerOptions options;
    private final Settings settings;

    Listener(NetServerOptions options, Settings settings) {
      this.options = options;
      this.settings = settings;
    }

    @Override
    public void start(Promise<Void> started) {
      vertx
          .createNetServer(options)
          .connectHandler(
              socket ->
                  new RawSocketConnection((NetSocketInternal) socket, router, metrics, settings))
          .listen()
          .onSuccess(
              server -> {
                port = server.actualPort();
                started.complete();
              })
          .onFailure(started::fail);
    }
  }
}
