package io.quarkbar.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A WAMP session in {@code wamp.2.json} over the JDK's {@link java.net.http.WebSocket}, which
 * answers the router's pings by itself; the test writes and reads the WAMP messages. For what no
 * third-party client shows: WELCOME as the router wrote it, and timings in a test's own clock.
 */
final class JdkWampSession implements AutoCloseable {

  static final long WELCOME = 2;
  static final long ERROR = 8;
  static final long CALL = 48;
  static final long REGISTER = 64;
  static final long REGISTERED = 65;
  static final long SUBSCRIBE = 32;
  static final long SUBSCRIBED = 33;
  static final long EVENT = 36;

  private final WebSocket ws;
  private final LinkedBlockingQueue<List<Object>> inbox;
  private final List<List<Object>> backlog = new ArrayList<>();
  private final AtomicLong requests = new AtomicLong();
  private final List<Object> welcome;
  private final Collector collector;

  private JdkWampSession(WebSocket ws, Collector collector, String realm, boolean canceling)
      throws InterruptedException {
    this.ws = ws;
    this.inbox = collector.inbox;
    this.collector = collector;
    Map<String, Object> calleeFeatures = canceling ? Map.of("call_canceling", true) : Map.of();
    send(
        List.of(
            1L,
            realm,
            Map.of(
                "roles",
                Map.of(
                    "caller", Map.of("features", Map.of()),
                    "callee", Map.of("features", calleeFeatures),
                    "subscriber", Map.of("features", Map.of()),
                    "publisher", Map.of("features", Map.of())))));
    this.welcome = next(m -> true, Duration.ofSeconds(5), "WELCOME");
  }

  /** Joins {@code realm} anonymously at {@code url}. */
  static JdkWampSession join(String url, String realm) throws Exception {
    return join(HttpClient.newHttpClient(), url, realm);
  }

  /** Joins {@code realm} anonymously at {@code url} through {@code http} (e.g. its TLS trust). */
  static JdkWampSession join(HttpClient http, String url, String realm) throws Exception {
    JdkWampSession session = open(http, url, realm, false);
    assertThat(session.welcome.getFirst())
        .as("answer to HELLO: %s", session.welcome)
        .isEqualTo(WELCOME);
    return session;
  }

  /** Joins as a callee that announces call canceling, and so is sent INTERRUPT. */
  static JdkWampSession joinCancelingCallee(String url, String realm) throws Exception {
    JdkWampSession session = open(HttpClient.newHttpClient(), url, realm, true);
    assertThat(session.welcome.getFirst())
        .as("answer to HELLO: %s", session.welcome)
        .isEqualTo(WELCOME);
    return session;
  }

  /** What the router answers a HELLO with (WELCOME or ABORT), the connection then closed. */
  static List<Object> answerToHello(String url, String realm) throws Exception {
    try (JdkWampSession session = open(HttpClient.newHttpClient(), url, realm, false)) {
      return session.welcome;
    }
  }

  private static JdkWampSession open(HttpClient http, String url, String realm, boolean canceling)
      throws Exception {
    Collector collector = new Collector(new LinkedBlockingQueue<>());
    WebSocket ws =
        http.newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .subprotocols("wamp.2.json")
            .buildAsync(URI.create(url), collector)
            .get(10, TimeUnit.SECONDS);
    return new JdkWampSession(ws, collector, realm, canceling);
  }

  /** WebSocket pings received from the router so far (the JDK answers each with a pong). */
  long pingsReceived() {
    return collector.pings.get();
  }

  long sessionId() {
    return ((Number) welcome.get(1)).longValue();
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> welcomeDetails() {
    return (Map<String, Object>) welcome.get(2);
  }

  long nextRequest() {
    return requests.incrementAndGet();
  }

  void send(List<Object> message) {
    ws.sendText(MiniJson.write(message), true).join();
  }

  /** Sends CALL and returns its request ID. */
  long call(String procedure, List<Object> args) {
    long request = nextRequest();
    send(List.of(CALL, request, Map.of(), procedure, args));
    return request;
  }

  /** Sends REGISTER and returns its request ID. */
  long register(String procedure) {
    long request = nextRequest();
    send(List.of(REGISTER, request, Map.of(), procedure));
    return request;
  }

  /** Subscribes and waits for SUBSCRIBED. */
  long subscribe(String topic) throws InterruptedException {
    long request = nextRequest();
    send(List.of(SUBSCRIBE, request, Map.of(), topic));
    List<Object> answer = next(answerTo(SUBSCRIBE, request), Duration.ofSeconds(5), "SUBSCRIBED");
    assertThat(answer.getFirst()).as("answer to SUBSCRIBE: %s", answer).isEqualTo(SUBSCRIBED);
    return ((Number) answer.get(2)).longValue();
  }

  /** The answer (result or ERROR) to the request {@code request} of type {@code type}. */
  static Predicate<List<Object>> answerTo(long type, long request) {
    return m ->
        (m.getFirst().equals(ERROR) && m.get(1).equals(type) && m.get(2).equals(request))
            || (!m.getFirst().equals(ERROR)
                && !m.getFirst().equals(EVENT)
                && m.size() > 1
                && m.get(1).equals(request));
  }

  /**
   * The next message matching {@code test}, received already or within {@code timeout}; others are
   * kept for later calls. Fails the test if none comes.
   */
  List<Object> next(Predicate<List<Object>> test, Duration timeout, String what)
      throws InterruptedException {
    List<Object> m = poll(test, timeout);
    if (m == null) {
      fail("no %s within %s; received meanwhile: %s", what, timeout, backlog);
    }
    return m;
  }

  /** Like {@link #next}, but null when nothing matching comes within {@code timeout}. */
  List<Object> poll(Predicate<List<Object>> test, Duration timeout) throws InterruptedException {
    for (Iterator<List<Object>> it = backlog.iterator(); it.hasNext(); ) {
      List<Object> m = it.next();
      if (test.test(m)) {
        it.remove();
        return m;
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      List<Object> m = left > 0 ? inbox.poll(left, TimeUnit.NANOSECONDS) : inbox.poll();
      if (m == null) {
        return null;
      }
      if (test.test(m)) {
        return m;
      }
      backlog.add(m);
    }
  }

  @Override
  public void close() {
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "")
        .handle((sent, alreadyClosed) -> null)
        .completeOnTimeout(null, 2, TimeUnit.SECONDS)
        .join();
    ws.abort();
  }

  /** Whole text messages, parsed, in arrival order; pings are answered by the JDK. */
  private static final class Collector implements WebSocket.Listener {

    private final LinkedBlockingQueue<List<Object>> inbox;
    private final StringBuilder partial = new StringBuilder();
    private final AtomicLong pings = new AtomicLong();

    Collector(LinkedBlockingQueue<List<Object>> inbox) {
      this.inbox = inbox;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        inbox.add(MiniJson.parseList(partial.toString()));
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
      pings.incrementAndGet();
      ws.request(1);
      return null;
    }
  }
}
