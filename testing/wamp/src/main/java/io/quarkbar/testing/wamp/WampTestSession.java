package io.quarkbar.testing.wamp;

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
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A WAMP session as a browser or another service holds one: the client core's {@link ClientSession}
 * (wamp-client-core) over a real Vert.x WebSocket to a router, in JSON, with any {@link
 * Credentials}. Calls wait for their answer (or fail with the router's {@link WampError}); events
 * queue up for the test to take; the session's end is recorded.
 */
public final class WampTestSession implements AutoCloseable {

  /** How long a call, a join or an event is waited for: generous for a loaded CI machine. */
  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static final Serializer JSON = Serializer.JSON;

  /** How the session ended: GOODBYE or ABORT from the router, or the connection lost. */
  public record Ended(String reason, String message) {}

  private final WebSocketClient client;
  private final WebSocket ws;
  private final CompletableFuture<Ended> ended = new CompletableFuture<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private ClientSession session;

  private WampTestSession(WebSocketClient client, WebSocket ws) {
    this.client = client;
    this.ws = ws;
  }

  /** Joins {@code realm} anonymously at the router's WebSocket {@code url}. */
  public static WampTestSession join(Vertx vertx, String url, String realm) {
    return join(vertx, url, realm, new Credentials.Anonymous());
  }

  /**
   * Joins {@code realm} at {@code url} with {@code credentials}; throws the router's {@link
   * WampError} (the ABORT's reason and message) if it refuses.
   */
  public static WampTestSession join(
      Vertx vertx, String url, String realm, Credentials credentials) {
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocket ws =
        await(
            client
                .connect(
                    new WebSocketConnectOptions()
                        .setAbsoluteURI(url)
                        .setSubProtocols(List.of(JSON.subprotocol())))
                .toCompletionStage());
    WampTestSession test = new WampTestSession(client, ws);
    CompletableFuture<Void> joined = new CompletableFuture<>();
    test.session =
        new ClientSession(
            test.transport(),
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
                test.ended.complete(new Ended(reason, message));
              }
            });
    ws.textMessageHandler(
        text -> test.session.receive(JSON.decode(text.getBytes(StandardCharsets.UTF_8))));
    ws.closeHandler(
        v -> {
          test.session.transportClosed("the WebSocket closed");
          test.closed.complete(null);
        });
    // Both sides close after GOODBYE; a write that loses that race is no error of the test's.
    ws.exceptionHandler(e -> {});
    test.session.join();
    try {
      await(joined);
    } catch (RuntimeException | AssertionError e) {
      client.close();
      throw e;
    }
    return test;
  }

  private ClientTransport transport() {
    return new ClientTransport() {
      @Override
      public void send(WampMessage message) {
        if (!ws.isClosed()) {
          ws.writeTextMessage(new String(JSON.encode(message), StandardCharsets.UTF_8));
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

  /** The authid the router gave this session. */
  public String authid() {
    return (String) session.welcomeDetails().get("authid");
  }

  /** The role the router gave this session. */
  public String authrole() {
    return (String) session.welcomeDetails().get("authrole");
  }

  public boolean isOpen() {
    return session.isOpen();
  }

  /** Calls {@code procedure}; the result's first argument, or null; a failure is thrown. */
  @SuppressWarnings("unchecked")
  public <T> T call(String procedure, Object... args) {
    return (T) await(callAsync(procedure, args));
  }

  /** As {@link #call}, for a result that is an object. */
  public Map<String, Object> callForMap(String procedure, Object... args) {
    return call(procedure, args);
  }

  /** Calls {@code procedure} without waiting; the future has the result's first argument. */
  public CompletableFuture<Object> callAsync(String procedure, Object... args) {
    return session
        .call(procedure, Map.of(), Arrays.asList(args), Map.of(), null)
        .result()
        .thenApply(WampTestSession::first);
  }

  private static Object first(Result r) {
    return r.arguments().isEmpty() ? null : r.arguments().getFirst();
  }

  /** Calls {@code procedure}, which must fail; the error it failed with. */
  public WampError failure(String procedure, Object... args) {
    try {
      Object result = call(procedure, args);
      throw new AssertionError(procedure + " answered " + result + " instead of an error");
    } catch (WampError e) {
      return e;
    }
  }

  /**
   * Subscribes to {@code topic}; each event's first argument goes to {@code handler}, on the
   * connection's event loop (a handler must not block). Returns once the router confirmed.
   */
  @SuppressWarnings("unchecked")
  public void subscribe(String topic, Consumer<Map<String, Object>> handler) {
    await(
        session.subscribe(
            topic,
            Map.of(),
            event ->
                handler.accept(
                    (Map<String, Object>)
                        (event.arguments().isEmpty() ? null : event.arguments().getFirst()))));
  }

  /** Subscribes to {@code topic}; the events' first arguments, as they come. */
  public Events events(String topic) {
    Events events = new Events(topic);
    subscribe(topic, events::add);
    return events;
  }

  /** Waits for the session to end, and says how. */
  public Ended awaitEnd() {
    return await(ended);
  }

  /** Leaves the realm (GOODBYE) and waits for the router to close the connection. */
  @Override
  public void close() {
    if (session.isOpen()) {
      session.leave(WampUris.CLOSE_REALM, null);
      try {
        closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        // The connection closes below either way.
      }
    }
    if (!ws.isClosed()) {
      ws.close();
    }
    client.close();
  }

  /** The events of one topic (each one's first argument), in the order they came. */
  public static final class Events {
    private final String topic;
    private final BlockingQueue<Map<String, Object>> queue = new LinkedBlockingQueue<>();
    private final List<Map<String, Object>> all = new CopyOnWriteArrayList<>();

    private Events(String topic) {
      this.topic = topic;
    }

    private void add(Map<String, Object> event) {
      all.add(event);
      queue.add(event);
    }

    /** The next event not taken yet; fails when none comes within {@link #TIMEOUT}. */
    public Map<String, Object> next() {
      try {
        Map<String, Object> event = queue.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
          throw new AssertionError("no event on " + topic + " within " + TIMEOUT);
        }
        return event;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    /** Every event so far, taken or not. */
    public List<Map<String, Object>> all() {
      return all;
    }
  }

  private static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new AssertionError(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within " + TIMEOUT, e);
    }
  }
}
