package io.quarkbar.bench.scale;

import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Register;
import io.quarkbar.wamp.protocol.message.Registered;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.Subscribe;
import io.quarkbar.wamp.protocol.message.Subscribed;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Times a presence event across nodes while the cluster carries its load: a watcher on one node
 * subscribed to {@code wamp.session.on_join}, a new session joining another node; the time from its
 * WELCOME until the watcher has its on_join (the join itself from the connect). Also times a call
 * across nodes at that load ({@link #measureCall}). JSON over the JDK's WebSocket client, so that
 * the probe shares nothing with the load's workers.
 */
final class PresenceProbe {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private PresenceProbe() {}

  /**
   * Sorted delays in microseconds, over {@code samples} joins: [0] from the joiner's connect to its
   * WELCOME, [1] from its WELCOME until the watcher on the other node has its on_join.
   */
  static long[][] measure(URI watcherNode, URI joinerNode, int samples) throws Exception {
    try (Client watcher = Client.join(watcherNode)) {
      watcher.send(new Subscribe(1, Map.of(), "wamp.session.on_join"));
      watcher.expect(Subscribed.class);
      long[] joins = new long[samples];
      long[] micros = new long[samples];
      for (int i = 0; i < samples; i++) {
        long start = System.nanoTime();
        long session;
        try (Client joiner = Client.join(joinerNode)) {
          session = joiner.session;
          long welcomed = System.nanoTime();
          joins[i] = (welcomed - start) / 1_000;
          start = welcomed;
          while (true) {
            Event e = watcher.expect(Event.class);
            Object details = e.arguments().get(0);
            if (details instanceof Map<?, ?> d
                && d.get("session") instanceof Number n
                && n.longValue() == session) {
              break;
            }
          }
          micros[i] = (System.nanoTime() - start) / 1_000;
        }
      }
      Arrays.sort(joins);
      Arrays.sort(micros);
      return new long[][] {joins, micros};
    }
  }

  /**
   * Sorted round trips in microseconds of {@code samples} calls, one at a time, from a caller on
   * {@code callerNode} to a callee on {@code calleeNode} that answers at once.
   */
  static long[] measureCall(URI calleeNode, URI callerNode, int samples) throws Exception {
    String procedure = "bench.scale.probe." + System.nanoTime();
    try (Client callee = Client.join(calleeNode);
        Client caller = Client.join(callerNode)) {
      callee.send(new Register(1, Map.of(), procedure));
      callee.expect(Registered.class);
      long[] micros = new long[samples];
      long request = 0;
      for (int i = 0; i < samples; ) {
        long start = System.nanoTime();
        caller.send(new Call(++request, Map.of(), procedure, List.of(i), Map.of()));
        // The callee answers as soon as its INVOCATION is in; none comes while the caller's node
        // does not know the registration yet (a few milliseconds): the caller then gets ERROR.
        Invocation inv = callee.poll(Invocation.class, Duration.ofSeconds(2));
        if (inv != null) {
          callee.send(new Yield(inv.request(), Map.of(), List.of(i), Map.of()));
        }
        WampMessage answer = caller.expect(WampMessage.class);
        if (answer instanceof Result) {
          micros[i++] = (System.nanoTime() - start) / 1_000;
        } else {
          Thread.sleep(20);
        }
      }
      Arrays.sort(micros);
      return micros;
    }
  }

  /** What {@link #measureCall} found, for the report. */
  static String describeCall(long[] micros) {
    return String.format(
        java.util.Locale.ROOT,
        "p50 %.2f ms, max %.2f ms (%d calls one at a time, caller and callee on different nodes)",
        micros[micros.length / 2] / 1000.0,
        micros[micros.length - 1] / 1000.0,
        micros.length);
  }

  /** One WAMP session over JSON. */
  private static final class Client implements WebSocket.Listener, AutoCloseable {

    private final BlockingQueue<WampMessage> inbox = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;
    private long session;

    static Client join(URI url) throws Exception {
      Client c = new Client();
      c.socket =
          HTTP.newWebSocketBuilder()
              .subprotocols(Serializer.JSON.subprotocol())
              .connectTimeout(TIMEOUT)
              .buildAsync(url, c)
              .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      c.send(
          new Hello(
              "realm1",
              Map.of(
                  "roles",
                  Map.of("subscriber", Map.of(), "caller", Map.of(), "callee", Map.of()))));
      c.session = c.expect(Welcome.class).session();
      return c;
    }

    void send(WampMessage m) throws Exception {
      socket
          .sendText(new String(Serializer.JSON.encode(m), StandardCharsets.UTF_8), true)
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** The next message if it is a {@code type} within {@code wait}, else null (and it is lost). */
    <T extends WampMessage> T poll(Class<T> type, Duration wait) throws InterruptedException {
      WampMessage m = inbox.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      return type.isInstance(m) ? type.cast(m) : null;
    }

    <T extends WampMessage> T expect(Class<T> type) throws InterruptedException {
      WampMessage m = inbox.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (!type.isInstance(m)) {
        throw new IllegalStateException("expected " + type.getSimpleName() + ", got " + m);
      }
      return type.cast(m);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        byte[] bytes = partial.toString().getBytes(StandardCharsets.UTF_8);
        partial.setLength(0);
        inbox.add(Serializer.JSON.decode(bytes));
      }
      ws.request(1);
      return null;
    }

    @Override
    public void close() {
      socket.abort();
    }
  }

  /** What {@link #measure} found, for the report. */
  static String describe(long[][] delays) {
    long[] joins = delays[0];
    long[] presence = delays[1];
    return String.format(
        java.util.Locale.ROOT,
        "p50 %.2f ms, max %.2f ms after WELCOME (the join itself, from the connect: p50 %.2f ms,"
            + " max %.2f ms; %d joins on one node seen by a watcher on another)",
        presence[presence.length / 2] / 1000.0,
        presence[presence.length - 1] / 1000.0,
        joins[joins.length / 2] / 1000.0,
        joins[joins.length - 1] / 1000.0,
        presence.length);
  }
}
