package io.quarkbar.auth.support;

import io.quarkbar.wamp.client.core.ClientSession;
import io.quarkbar.wamp.client.core.ClientTransport;
import io.quarkbar.wamp.client.core.Credentials;
import io.quarkbar.wamp.client.core.WampError;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A browser's WAMP session, as the web app has one: the client core's {@link ClientSession} over a
 * real WebSocket to the test router, with JSON. Calls wait for their answer; events are collected.
 */
public final class Browser implements AutoCloseable {

  static final Duration WAIT = Duration.ofSeconds(10);

  /** How the session ended: GOODBYE or ABORT from the router, or the connection lost. */
  public record Ended(String reason, String message) {}

  private final WebSocket ws;
  private final CompletableFuture<Ended> ended;
  private ClientSession session;

  private Browser(WebSocket ws, CompletableFuture<Ended> ended) {
    this.ws = ws;
    this.ended = ended;
  }

  /** Joins {@code realm} at {@code url}; throws the router's {@link WampError} if it refuses. */
  static Browser join(Vertx vertx, String url, String realm, Credentials credentials) {
    WebSocket ws =
        await(
            vertx
                .createWebSocketClient()
                .connect(
                    new WebSocketConnectOptions()
                        .setAbsoluteURI(url)
                        .setSubProtocols(List.of(Serializer.JSON.subprotocol())))
                .toCompletionStage()
                .toCompletableFuture());
    CompletableFuture<Void> joined = new CompletableFuture<>();
    CompletableFuture<Ended> ended = new CompletableFuture<>();
    Browser browser = new Browser(ws, ended);
    ClientSession session =
        new ClientSession(
            browser.transport(),
            realm,
            credentials,
            new ClientSession.Listener() {
              @Override
              public void joined(ClientSession s, Welcome welcome) {
                joined.complete(null);
              }

              @Override
              public void left(ClientSession s, String reason, String message) {
                joined.completeExceptionally(new WampError(reason, String.valueOf(message)));
                ended.complete(new Ended(reason, message));
              }
            });
    browser.session = session;
    ws.textMessageHandler(
        text -> session.receive(Serializer.JSON.decode(text.getBytes(StandardCharsets.UTF_8))));
    ws.closeHandler(v -> session.transportClosed("closed"));
    // Both sides close after GOODBYE; a write that loses that race is no error of the test's.
    ws.exceptionHandler(e -> {});
    session.join();
    await(joined);
    return browser;
  }

  private ClientTransport transport() {
    return new ClientTransport() {
      @Override
      public void send(WampMessage message) {
        if (!ws.isClosed()) {
          ws.writeTextMessage(new String(Serializer.JSON.encode(message), StandardCharsets.UTF_8));
        }
      }

      @Override
      public void close() {
        if (!ws.isClosed()) {
          ws.close();
        }
      }
    };
  }

  public long sessionId() {
    return session.id();
  }

  public String authid() {
    return (String) session.welcomeDetails().get("authid");
  }

  public String authrole() {
    return (String) session.welcomeDetails().get("authrole");
  }

  public boolean isOpen() {
    return session.isOpen();
  }

  /** Calls {@code procedure}; its result (the first argument, or null); a failure is thrown. */
  @SuppressWarnings("unchecked")
  public <T> T call(String procedure, Object... args) {
    Result result =
        await(session.call(procedure, Map.of(), Arrays.asList(args), Map.of(), null).result());
    return result.arguments().isEmpty() ? null : (T) result.arguments().getFirst();
  }

  /** Calls {@code procedure}, which must fail; the error. */
  public WampError failure(String procedure, Object... args) {
    try {
      Object result = call(procedure, args);
      throw new AssertionError(procedure + " answered " + result + " instead of an error");
    } catch (WampError e) {
      return e;
    }
  }

  /** Subscribes to {@code topic}; the list fills with each event's first argument. */
  public List<Object> subscribe(String topic) {
    List<Object> events = new CopyOnWriteArrayList<>();
    await(
        session.subscribe(
            topic,
            Map.of(),
            e -> events.add(e.arguments().isEmpty() ? null : e.arguments().getFirst())));
    return events;
  }

  /** Waits for the session to end, and says how. */
  public Ended awaitEnd() {
    return await(ended);
  }

  /** Leaves the realm (GOODBYE), and waits for the router's answer. */
  @Override
  public void close() {
    if (session.isOpen()) {
      session.leave(WampUris.CLOSE_REALM, null);
      try {
        ended.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        // The connection closes below either way.
      }
    }
    if (!ws.isClosed()) {
      ws.close();
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within " + WAIT, e);
    }
  }
}
