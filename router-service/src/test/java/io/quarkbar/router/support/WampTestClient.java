package io.quarkbar.router.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.quarkbar.wamp.protocol.codec.ProtocolViolationException;
import io.quarkbar.wamp.protocol.message.Abort;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A WAMP client for tests, over a real Vert.x WebSocket: it sends whatever it is told (valid
 * messages, raw bytes, fragments) and queues everything the router sends, decoded, together with
 * the WebSocket close, so that a test can say what it expects next and fail with what came instead.
 */
public final class WampTestClient implements AutoCloseable {

  /** How long {@link #expect} waits: long enough for a loaded CI machine, short enough to fail. */
  public static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** Roles announced in HELLO: all four client roles, as real clients do. */
  public static final Map<String, Object> ROLES =
      Map.of(
          "caller", Map.of("features", Map.of()),
          "callee", Map.of("features", Map.of()),
          "publisher", Map.of("features", Map.of()),
          "subscriber", Map.of("features", Map.of()));

  /** Something the client noticed: a message frame or the end of the connection. */
  public sealed interface Received permits Frame, Closed {}

  /**
   * One message frame as it came off the wire; {@code message} is null when it did not decode, and
   * {@code decodeError} then says why.
   */
  public record Frame(byte[] data, boolean binary, WampMessage message, String decodeError)
      implements Received {

    public String text() {
      return new String(data, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      String what = message != null ? message.toString() : "undecodable (" + decodeError + ")";
      return (binary ? "binary " : "text ") + "frame " + what;
    }
  }

  /** The WebSocket closed; {@code code} is null when no close frame came (the TCP link dropped). */
  public record Closed(Short code, String reason) implements Received {}

  private final WebSocketClient client;
  private final WebSocket ws;
  private final Serializer serializer;
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private long nextRequest = 1;

  private WampTestClient(WebSocketClient client, WebSocket ws, Serializer serializer) {
    this.client = client;
    this.ws = ws;
    this.serializer = serializer;
  }

  /** Connects offering one serializer's subprotocol. */
  public static WampTestClient connect(Vertx vertx, URI uri, Serializer serializer) {
    return connect(vertx, uri, serializer, new WebSocketClientOptions());
  }

  /**
   * Connects offering {@code serializer}'s subprotocol with client options of the test's choosing
   * (e.g. a small receive buffer for a client that is to fall behind).
   */
  public static WampTestClient connect(
      Vertx vertx, URI uri, Serializer serializer, WebSocketClientOptions options) {
    WebSocketClient client =
        vertx.createWebSocketClient(
            options.setMaxFrameSize(16 * 1024 * 1024).setMaxMessageSize(16 * 1024 * 1024));
    WebSocketConnectOptions connect =
        new WebSocketConnectOptions()
            .setHost(uri.getHost())
            .setPort(uri.getPort())
            .setURI(uri.getRawPath())
            .setSubProtocols(List.of(serializer.subprotocol()));
    WebSocket ws;
    try {
      ws =
          client
              .connect(connect)
              .toCompletionStage()
              .toCompletableFuture()
              .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while connecting", e);
    } catch (ExecutionException | TimeoutException e) {
      client.close();
      throw new AssertionError("WebSocket connection to " + uri + " failed", e);
    }
    assertThat(ws.subProtocol()).as("negotiated subprotocol").isEqualTo(serializer.subprotocol());
    WampTestClient c = new WampTestClient(client, ws, serializer);
    ws.textMessageHandler(text -> c.frame(text.getBytes(StandardCharsets.UTF_8), false));
    ws.binaryMessageHandler(bytes -> c.frame(bytes.getBytes(), true));
    ws.closeHandler(v -> c.received.add(new Closed(ws.closeStatusCode(), ws.closeReason())));
    ws.exceptionHandler(e -> {});
    return c;
  }

  /** Connects and joins {@code realm}; fails unless WELCOME comes back. */
  public static WampTestClient join(Vertx vertx, URI uri, Serializer serializer, String realm) {
    WampTestClient c = connect(vertx, uri, serializer);
    c.join(realm);
    return c;
  }

  private void frame(byte[] data, boolean binary) {
    WampMessage message = null;
    String error = null;
    try {
      message = serializer.decode(data);
    } catch (ProtocolViolationException e) {
      error = e.getMessage();
    }
    received.add(new Frame(data, binary, message, error));
  }

  public Serializer serializer() {
    return serializer;
  }

  /** A fresh request ID for this session (IDs must increase per session). */
  public long nextRequest() {
    return nextRequest++;
  }

  /** Sends HELLO for {@code realm} and returns the session ID from WELCOME. */
  public long join(String realm) {
    send(new Hello(realm, Map.of("roles", ROLES)));
    return expect(Welcome.class).session();
  }

  /** Sends one message, encoded with this client's serializer, in one frame of the right kind. */
  public void send(WampMessage message) {
    sendEncoded(serializer.encode(message));
  }

  /**
   * Sends one message without waiting for the write to complete, for bursts where waiting on each
   * write would measure the test's thread rather than the router.
   */
  public void sendAsync(WampMessage message) {
    byte[] bytes = serializer.encode(message);
    if (serializer.isBinary()) {
      ws.writeFinalBinaryFrame(Buffer.buffer(bytes));
    } else {
      ws.writeFinalTextFrame(new String(bytes, StandardCharsets.UTF_8));
    }
  }

  /** Sends a wire list as it is (wrong types and counts included), in one frame. */
  public void sendList(List<Object> wire) {
    sendEncoded(serializer.encodeList(wire));
  }

  /** Sends bytes in the frame kind this client's serializer uses. */
  public void sendEncoded(byte[] bytes) {
    if (serializer.isBinary()) {
      sendBinary(bytes);
    } else {
      sendText(new String(bytes, StandardCharsets.UTF_8));
    }
  }

  public void sendText(String text) {
    await(ws.writeFinalTextFrame(text));
  }

  public void sendBinary(byte[] bytes) {
    await(ws.writeFinalBinaryFrame(Buffer.buffer(bytes)));
  }

  /**
   * Sends {@code bytes} as one message split over {@code parts} frames: a first text or binary
   * frame that is not final, then continuation frames.
   */
  public void sendFragmented(byte[] bytes, int parts) {
    int size = (bytes.length + parts - 1) / parts;
    for (int i = 0, offset = 0; offset < bytes.length; i++, offset += size) {
      Buffer chunk = Buffer.buffer(bytes).slice(offset, Math.min(bytes.length, offset + size));
      boolean last = offset + size >= bytes.length;
      WebSocketFrame frame;
      if (i > 0) {
        frame = WebSocketFrame.continuationFrame(chunk, last);
      } else if (serializer.isBinary()) {
        frame = WebSocketFrame.binaryFrame(chunk, last);
      } else {
        frame = WebSocketFrame.textFrame(chunk.toString(StandardCharsets.UTF_8), last);
      }
      await(ws.writeFrame(frame));
    }
  }

  /** The next thing received, or null if nothing comes within {@code timeout}. */
  public Received poll(Duration timeout) {
    try {
      return received.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the router", e);
    }
  }

  /** The next frame, which must decode to a {@code type}; fails with what came instead. */
  public <T extends WampMessage> T expect(Class<T> type) {
    return type.cast(expectFrame(type).message());
  }

  /** The next frame, which must decode to a {@code type}, with its raw bytes. */
  public Frame expectFrame(Class<? extends WampMessage> type) {
    Received r = poll(TIMEOUT);
    if (r instanceof Frame f && type.isInstance(f.message())) {
      return f;
    }
    return fail(
        "expected %s within %s, got %s",
        type.getSimpleName().toUpperCase(Locale.ROOT), TIMEOUT, r == null ? "nothing" : r);
  }

  /** The next frame must be ABORT with {@code reason}. */
  public Abort expectAbort(String reason) {
    Abort abort = expect(Abort.class);
    assertThat(abort.reason()).as("ABORT reason (details: %s)", abort.details()).isEqualTo(reason);
    return abort;
  }

  /** The next thing must be the end of the connection; frames before it fail the test. */
  public Closed expectClosed() {
    Received r = poll(TIMEOUT);
    if (r instanceof Closed c) {
      return c;
    }
    return fail(
        "expected the connection to close within %s, got %s", TIMEOUT, r == null ? "nothing" : r);
  }

  /** ABORT with {@code reason}, then the connection closes: what a refused client sees. */
  public void expectAbortAndClose(String reason) {
    expectAbort(reason);
    expectClosed();
  }

  /** Stops reading: Vert.x stops delivering and, once its small buffer fills, stops TCP reads. */
  public void pause() {
    ws.pause();
  }

  public void resume() {
    ws.resume();
  }

  /**
   * Whether Vert.x considers the WebSocket closed (a close was sent, received or the link dropped).
   */
  public boolean isClosed() {
    return ws.isClosed();
  }

  /** Closes the WebSocket (status 1000) without a WAMP GOODBYE. */
  public void closeWebSocket() {
    ws.close();
  }

  @Override
  public void close() {
    if (!ws.isClosed()) {
      ws.close();
    }
    client.close();
  }

  private static void await(Future<Void> write) {
    try {
      write
          .toCompletionStage()
          .toCompletableFuture()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while sending", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("sending failed", e);
    }
  }
}
