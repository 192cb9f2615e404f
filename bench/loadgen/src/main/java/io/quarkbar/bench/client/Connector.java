package io.quarkbar.bench.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.quarkbar.bench.targets.Target;
import io.quarkbar.wamp.protocol.message.Abort;
import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.Register;
import io.quarkbar.wamp.protocol.message.Registered;
import io.quarkbar.wamp.protocol.message.Subscribe;
import io.quarkbar.wamp.protocol.message.Subscribed;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.impl.NetSocketInternal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opens peers on a target: for a WAMP router a session in {@code realm1} (HELLO, WELCOME), over
 * WebSocket or, where the target has it, RawSocket; for the raw relay a member of a channel.
 * Registering and subscribing likewise are real WAMP exchanges with a router and nothing with the
 * relay, whose channel already is the "subscription"; so the scenarios drive both kinds of target
 * with the same code.
 */
public final class Connector implements AutoCloseable {

  private static final Map<String, Object> NO_FEATURES = Map.of("features", Map.of());

  /**
   * Every client role: jawampa refuses a HELLO without roles or with a role it does not know
   * ({@code wamp.error.no_such_role}); all four are known to every router here.
   */
  private static final Map<String, Object> HELLO_DETAILS =
      Map.of(
          "agent",
          "quarkbar-bench",
          "roles",
          Map.of(
              "caller", NO_FEATURES,
              "callee", NO_FEATURES,
              "publisher", NO_FEATURES,
              "subscriber", NO_FEATURES));

  /** How long a WebSocket handshake may take before the join fails. */
  private static final long HANDSHAKE_TIMEOUT_MS = 30_000;

  private final Target target;
  private final Context context;
  private final WebSocketClient client;
  private final NetClient rawSocketClient;
  private final AtomicLong setupRequests = new AtomicLong();

  public Connector(Vertx vertx, Context context, Target target) {
    this(vertx, context, target, null);
  }

  /**
   * A connector whose WebSocket connections leave from {@code localAddress} (e.g. 127.0.0.3), or
   * from the system's choice when null: on loopback, every address of 127/8 is a source of its own,
   * with its own ephemeral ports and its own per-address session bound at the router.
   */
  public Connector(Vertx vertx, Context context, Target target, String localAddress) {
    this.target = target;
    this.context = context;
    WebSocketClientOptions options =
        new WebSocketClientOptions()
            // The default of 50 per host would queue the sessions scenario's connections.
            .setMaxConnections(100_000)
            .setConnectTimeout(30_000)
            .setTcpNoDelay(true)
            .setMaxFrameSize(1 << 20)
            .setMaxMessageSize(1 << 22);
    if (localAddress != null) {
      options.setLocalAddress(localAddress);
    }
    this.client = vertx.createWebSocketClient(options);
    this.rawSocketClient =
        vertx.createNetClient(new NetClientOptions().setConnectTimeout(30_000).setTcpNoDelay(true));
  }

  /**
   * A session (or relay channel member) for {@code channel}: the procedure or topic it will use.
   * Fails with the router's reason when the router does not welcome it.
   */
  public Future<Peer> join(Serializer serializer, String channel) {
    URI url = target.url();
    String path = url.getPath();
    if (!target.routesWamp()) {
      path += "?channel=" + URLEncoder.encode(channel, StandardCharsets.UTF_8);
    }
    // No WebSocketConnectOptions.setTimeout: with it, Vert.x closed the first connection of each
    // client that long after it opened, however healthy (one lost session per load-generator
    // process in bench/scale.sh, 2026-11-30). The handshake's deadline is this class's own.
    WebSocketConnectOptions options =
        new WebSocketConnectOptions()
            .setHost(url.getHost())
            .setPort(url.getPort())
            .setURI(path)
            .setSubProtocols(List.of(serializer.subprotocol()))
            .setAllowOriginHeader(false);
    Future<Peer> connected =
        Future.<Peer>future(
            p ->
                context.runOnContext(
                    v -> {
                      long deadline =
                          context
                              .owner()
                              .setTimer(
                                  HANDSHAKE_TIMEOUT_MS,
                                  t ->
                                      p.tryFail(
                                          "no WebSocket handshake within "
                                              + HANDSHAKE_TIMEOUT_MS
                                              + " ms"));
                      client
                          .connect(options)
                          .onComplete(
                              ar -> {
                                context.owner().cancelTimer(deadline);
                                if (ar.failed()) {
                                  p.tryFail(ar.cause());
                                } else if (!p.tryComplete(
                                    new Peer(
                                        ar.result(), serializer, context, target.routesWamp()))) {
                                  ar.result().close();
                                }
                              });
                    }));
    if (!target.routesWamp()) {
      return connected;
    }
    return hello(connected);
  }

  /**
   * A session over RawSocket (TCP) on the target's RawSocket port: the 4-byte handshake for {@code
   * serializer}, then HELLO and WELCOME. Only for a target that has one ({@link
   * Target#rawSocketPort()}).
   */
  public Future<Peer> joinRawSocket(Serializer serializer) {
    int port =
        target
            .rawSocketPort()
            .orElseThrow(
                () -> new IllegalStateException(target.name() + " serves no WAMP over RawSocket"));
    String host = target.url().getHost();
    Future<Peer> connected =
        Future.<Peer>future(
            p ->
                context.runOnContext(
                    v ->
                        rawSocketClient
                            .connect(port, host)
                            .compose(
                                socket ->
                                    Peer.rawSocket((NetSocketInternal) socket, serializer, context))
                            .onComplete(p)));
    return hello(connected);
  }

  private Future<Peer> hello(Future<Peer> connected) {
    return connected.compose(
        peer ->
            peer.request(new Hello("realm1", HELLO_DETAILS))
                .compose(reply -> expect(peer, reply, Welcome.CODE, "HELLO"))
                .map(peer));
  }

  /** Registers {@code procedure} for {@code callee}; nothing to do on the relay. */
  public Future<Void> register(Peer callee, String procedure) {
    if (!callee.isWamp()) {
      return Future.succeededFuture();
    }
    long request = setupRequests.incrementAndGet();
    return callee
        .request(new Register(request, Map.of(), procedure))
        .compose(reply -> expect(callee, reply, Registered.CODE, "REGISTER " + procedure));
  }

  /** Subscribes {@code subscriber} to {@code topic}; nothing to do on the relay. */
  public Future<Void> subscribe(Peer subscriber, String topic) {
    if (!subscriber.isWamp()) {
      return Future.succeededFuture();
    }
    long request = setupRequests.incrementAndGet();
    return subscriber
        .request(new Subscribe(request, Map.of(), topic))
        .compose(reply -> expect(subscriber, reply, Subscribed.CODE, "SUBSCRIBE " + topic));
  }

  private static Future<Void> expect(Peer peer, ByteBuf reply, int code, String what) {
    long type = Wire.intAt(peer.serializer(), reply, 0);
    if (type == code) {
      return Future.succeededFuture();
    }
    return Future.failedFuture(what + " answered with " + describe(peer.serializer(), reply));
  }

  /** The reply in words, for failures: ABORT and ERROR with their reason. */
  private static String describe(Serializer serializer, ByteBuf reply) {
    try {
      WampMessage m = serializer.decode(ByteBufUtil.getBytes(reply));
      return switch (m) {
        case Abort a -> "ABORT " + a.reason() + " " + a.arguments();
        case Error e -> "ERROR " + e.error() + " " + e.arguments();
        default -> m.toString();
      };
    } catch (RuntimeException undecodable) {
      return "an undecodable message: " + ByteBufUtil.hexDump(reply);
    }
  }

  @Override
  public void close() {
    client.close();
    rawSocketClient.close();
  }
}
