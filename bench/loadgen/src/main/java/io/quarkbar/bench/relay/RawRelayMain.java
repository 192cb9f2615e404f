package io.quarkbar.bench.relay;

import io.quarkbar.router.websocket.FrameWriter;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The least a router on this transport must do, and nothing more: a Vert.x WebSocket server that
 * puts each connection into the channel named by its {@code ?channel=} query and forwards every
 * frame it receives, as it is, to all other connections of that channel. Nothing is decoded or
 * encoded. Frames go out through router-service's own {@link FrameWriter} (batched flushes, the
 * same outbound limit, the same cut of a client that falls behind), so the gap between this relay
 * and the router is WAMP routing, not a different write path.
 *
 * <p>RPC through it is caller and callee in one channel: CALL in, out to the callee, YIELD in, out
 * to the caller, the same four frames a router handles per call. Fan-out is one publisher and N
 * subscribers in one channel: one frame in, N out. Messages are single frames (the load generator
 * never fragments); continuation frames are dropped. Usage: {@code RawRelayMain PORT [EVENT_LOOPS]}
 * (default: one per CPU it may run on, as router-service sizes its own).
 */
public final class RawRelayMain {

  /** router-service's default {@code router.websocket.max-outbound-queue}. */
  private static final int MAX_OUTBOUND_QUEUE = 4 * 1024 * 1024;

  private final Map<String, List<Member>> channels = new ConcurrentHashMap<>();

  private record Member(ServerWebSocket ws, FrameWriter writer) {}

  private RawRelayMain() {}

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    VertxOptions vertxOptions =
        new VertxOptions()
            .setEventLoopPoolSize(
                args.length > 1
                    ? Integer.parseInt(args[1])
                    : Runtime.getRuntime().availableProcessors());
    Vertx vertx = Vertx.vertx(vertxOptions);
    RawRelayMain relay = new RawRelayMain();
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost("127.0.0.1")
            .setPort(port)
            .setWebSocketSubProtocols(
                Arrays.stream(Serializer.values()).map(Serializer::subprotocol).toList());
    vertx
        .createHttpServer(options)
        .requestHandler(relay::upgrade)
        .listen()
        .onSuccess(s -> System.out.println("raw relay listening on port " + port))
        .onFailure(
            e -> {
              e.printStackTrace();
              System.exit(1);
            });
  }

  private void upgrade(HttpServerRequest request) {
    HttpConnection connection = request.connection();
    request.toWebSocket().onSuccess(ws -> accept(ws, connection));
  }

  private void accept(ServerWebSocket ws, HttpConnection connection) {
    boolean binary =
        Serializer.forSubprotocol(ws.subProtocol()).map(Serializer::isBinary).orElse(false);
    // The channel's write-buffer watermark, which FrameWriter reads as "the client is behind".
    ws.setWriteQueueMaxSize(MAX_OUTBOUND_QUEUE);
    Member self = new Member(ws, FrameWriter.of(connection, binary, MAX_OUTBOUND_QUEUE));
    List<Member> members =
        channels.computeIfAbsent(channelOf(ws.query()), c -> new CopyOnWriteArrayList<>());
    members.add(self);
    ws.frameHandler(frame -> forward(self, members, frame));
    ws.closeHandler(v -> members.remove(self));
    ws.exceptionHandler(e -> {});
  }

  private static void forward(Member from, List<Member> members, WebSocketFrame frame) {
    if (!(frame.isText() || frame.isBinary())) {
      return;
    }
    // One copy per frame received, shared by every receiver (the router encodes once, too).
    byte[] bytes = frame.binaryData().getBytes();
    for (Member to : members) {
      if (to != from && !to.ws().isClosed() && !to.writer().write(bytes)) {
        to.writer().cut();
      }
    }
  }

  private static String channelOf(String query) {
    if (query != null) {
      for (String part : query.split("&")) {
        if (part.startsWith("channel=")) {
          return part.substring("channel=".length());
        }
      }
    }
    return "";
  }
}
