package io.quarkbar.forum.support;

import io.quarkbar.wamp.client.core.ClientSession;
import io.quarkbar.wamp.client.core.ClientTransport;
import io.quarkbar.wamp.client.core.Credentials;
import io.quarkbar.wamp.client.core.WampError;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A browser, as the forum sees one: a WAMP session of the client core (wamp-client-core) over a
 * real WebSocket to the router, joined anonymously to realm {@code forum} with JSON. The tests'
 * embedded router names each such session {@code anonymous-<session ID>} and discloses it to
 * forum-service, so two clients are two authors.
 */
public final class BrowserClient implements AutoCloseable {

  /** How long a test waits for an answer or an event: generous for a loaded CI machine. */
  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static final Serializer JSON = Serializer.JSON;

  private final WebSocketClient client;
  private final WebSocket ws;
  private final ClientSession session;
  private final CompletableFuture<Void> closed;

  private BrowserClient(
      WebSocketClient client, WebSocket ws, ClientSession session, CompletableFuture<Void> closed) {
    this.client = client;
    this.ws = ws;
    this.session = session;
    this.closed = closed;
  }

  /** Connects to the router at {@code url} and joins realm {@code forum}. */
  public static BrowserClient join(Vertx vertx, String url) {
    URI uri = URI.create(url);
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocket ws =
        await(
            client
                .connect(
                    new WebSocketConnectOptions()
                        .setHost(uri.getHost())
                        .setPort(uri.getPort())
                        .setURI(uri.getRawPath())
                        .setSubProtocols(List.of(JSON.subprotocol())))
                .toCompletionStage());
    CompletableFuture<Void> joined = new CompletableFuture<>();
    ClientSession session =
        new ClientSession(
            new Transport(ws),
            "forum",
            new Credentials.Anonymous(),
            new ClientSession.Listener() {
              @Override
              public void joined(ClientSession s, Welcome welcome) {
                joined.complete(null);
              }

              @Override
              public void left(ClientSession s, String reason, String message) {
                joined.completeExceptionally(new WampError(reason, String.valueOf(message)));
              }
            });
    ws.textMessageHandler(
        text -> session.receive(JSON.decode(text.getBytes(StandardCharsets.UTF_8))));
    CompletableFuture<Void> closed = new CompletableFuture<>();
    ws.closeHandler(
        v -> {
          session.transportClosed("the WebSocket closed");
          closed.complete(null);
        });
    session.join();
    await(joined);
    return new BrowserClient(client, ws, session, closed);
  }

  /** The authid the router gave this session: the author of what it writes. */
  public String authid() {
    return (String) session.welcomeDetails().get("authid");
  }

  /** Calls {@code procedure} with positional {@code args}; the result's first argument. */
  public Object call(String procedure, Object... args) {
    return await(callAsync(procedure, args));
  }

  /** As {@link #call}, for a result that is an object. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> callForMap(String procedure, Object... args) {
    return (Map<String, Object>) call(procedure, args);
  }

  /** Calls {@code procedure} without waiting; the future has the result's first argument. */
  public CompletableFuture<Object> callAsync(String procedure, Object... args) {
    return session
        .call(procedure, Map.of(), List.of(args), Map.of(), null)
        .result()
        .thenApply(r -> r.arguments().isEmpty() ? null : r.arguments().getFirst());
  }

  /** Calls {@code procedure}, which must fail; the error it failed with. */
  public WampError callFails(String procedure, Object... args) {
    try {
      Object result = call(procedure, args);
      throw new AssertionError(procedure + " was to fail, but answered " + result);
    } catch (WampError e) {
      return e;
    }
  }

  /**
   * Subscribes to {@code topic}; every event's first argument goes to {@code handler}, on the
   * connection's event loop (a handler must not block). Returns once the router confirmed.
   */
  @SuppressWarnings("unchecked")
  public void subscribe(String topic, Consumer<Map<String, Object>> handler) {
    await(
        session.subscribe(
            topic,
            Map.of(),
            event -> handler.accept((Map<String, Object>) event.arguments().getFirst())));
  }

  /** Subscribes to {@code topic}, queuing its events for the test to take. */
  public Events events(String topic) {
    Events events = new Events(topic);
    subscribe(topic, events.queue::add);
    return events;
  }

  /** Leaves as a browser does: GOODBYE, and the router closes the WebSocket. */
  @Override
  public void close() {
    if (session.isOpen()) {
      session.leave("wamp.close.close_realm", "the test is over");
      await(closed);
    }
    client.close();
  }

  /** The events of one topic, in the order they came. */
  public static final class Events {
    private final String topic;
    private final BlockingQueue<Map<String, Object>> queue = new LinkedBlockingQueue<>();

    private Events(String topic) {
      this.topic = topic;
    }

    /** The next event; fails when none comes within {@link #TIMEOUT}. */
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

  /** The client core's side of the WebSocket: one text frame per message. */
  private record Transport(WebSocket ws) implements ClientTransport {

    @Override
    public void send(WampMessage message) {
      if (!ws.isClosed()) {
        ws.writeTextMessage(new String(JSON.encode(message), StandardCharsets.UTF_8));
      }
    }

    @Override
    public void close() {
      ws.close();
    }
  }
}
