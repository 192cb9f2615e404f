package io.quarkbar.bench.relay;

import io.netty.buffer.ByteBuf;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The least a router on this transport must do, and nothing more: a Vert.x WebSocket server that
 * puts each connection into the channel named by its {@code ?channel=} query and forwards every
 * frame it receives, as it is, to all other connections of that channel. Nothing is decoded or
 * encoded; frames are written the way router-service writes them (one final frame, buffer wrapped,
 * not copied), and a connection whose write queue exceeds the same limit as router-service's is
 * cut, as router-service cuts a slow client.
 *
 * <p>RPC through it is caller and callee in one channel: CALL in, out to the callee, YIELD in, out
 * to the caller, the same four frames a router handles per call. Fan-out is one publisher and N
 * subscribers in one channel: one frame in, N out. Usage: {@code RawRelayMain PORT [EVENT_LOOPS]}
 * (default: one per CPU it may run on, as router-service sizes its own).
 */
public final class RawRelayMain {

  /** router-service's default {@code router.websocket.max-outbound-queue}. */
  private static final int MAX_OUTBOUND_QUEUE = 4 * 1024 * 1024;

  private final Map<String, List<ServerWebSocket>> channels = new ConcurrentHashMap<>();

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
        .webSocketHandler(relay::accept)
        .listen()
        .onSuccess(s -> System.out.println("raw relay listening on port " + port))
        .onFailure(
            e -> {
              e.printStackTrace();
              System.exit(1);
            });
  }

  private void accept(ServerWebSocket ws) {
    String channel = channelOf(ws.query());
    List<ServerWebSocket> members =
        channels.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>());
    members.add(ws);
    ws.setWriteQueueMaxSize(MAX_OUTBOUND_QUEUE);
    ws.frameHandler(frame -> forward(ws, members, frame));
    ws.closeHandler(v -> members.remove(ws));
    ws.exceptionHandler(e -> {});
  }

  private static void forward(
      ServerWebSocket from, List<ServerWebSocket> members, WebSocketFrame frame) {
    if (!(frame.isText() || frame.isBinary() || frame.isContinuation())) {
      return;
    }
    ByteBuf data = ((WebSocketFrameImpl) frame).getBinaryData();
    for (ServerWebSocket to : members) {
      if (to == from || to.isClosed()) {
        continue;
      }
      if (to.writeQueueFull()) {
        to.close();
        continue;
      }
      // Each write releases its buffer once sent: every receiver gets its own reference.
      to.writeFrame(
          new WebSocketFrameImpl(frame.type(), data.retainedDuplicate(), frame.isFinal()));
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
