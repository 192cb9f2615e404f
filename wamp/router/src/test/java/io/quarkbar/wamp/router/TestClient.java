package io.quarkbar.wamp.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.quarkbar.wamp.protocol.message.Abort;
import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.Publish;
import io.quarkbar.wamp.protocol.message.Register;
import io.quarkbar.wamp.protocol.message.Registered;
import io.quarkbar.wamp.protocol.message.Subscribe;
import io.quarkbar.wamp.protocol.message.Subscribed;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.router.transport.LocalTransport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A WAMP client for tests, on a {@link LocalTransport}: what it sends is processed before {@link
 * #send} returns; what the router sends is taken with {@link #expect}, which fails with what
 * arrived instead.
 */
final class TestClient {

  /** How long {@link #expect} waits for a message. */
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  /** How long {@link #expectNothing()} listens; delivery is synchronous, so this is generous. */
  static final Duration QUIET = Duration.ofMillis(50);

  /** The roles a typical client announces in HELLO. */
  static final Map<String, Object> ROLES =
      Map.of(
          "publisher",
          Map.of(
              "features",
              Map.of(
                  "publisher_exclusion", true,
                  "publisher_identification", true,
                  "subscriber_blackwhite_listing", true)),
          "subscriber",
          Map.of("features", Map.of("pattern_based_subscription", true)),
          "caller",
          Map.of(
              "features", Map.of("progressive_call_results", true, "caller_identification", true)),
          "callee",
          Map.of(
              "features",
              Map.of(
                  "progressive_call_results", true,
                  "pattern_based_registration", true,
                  "caller_identification", true)));

  private final LocalTransport transport;
  private final AtomicLong requests = new AtomicLong();
  private Welcome welcome;

  private TestClient(LocalTransport transport) {
    this.transport = transport;
  }

  static TestClient connect(Router router, Serializer serializer) {
    return new TestClient(LocalTransport.connect(router, serializer));
  }

  /** A client whose connection seems to come from {@code address}. */
  static TestClient connectFrom(Router router, String address) {
    return new TestClient(LocalTransport.connect(router, Serializer.JSON, address));
  }

  /** A client that has joined {@code realm}. */
  static TestClient joined(Router router, Serializer serializer, String realm) {
    TestClient client = connect(router, serializer);
    client.join(realm);
    return client;
  }

  /** Sends HELLO with the usual roles and expects WELCOME. */
  Welcome join(String realm) {
    send(new Hello(realm, Map.of("roles", ROLES)));
    welcome = expect(Welcome.class);
    return welcome;
  }

  /** Sends HELLO with the usual roles and {@code auth} (authmethods, authid, authextra). */
  void hello(String realm, Map<String, Object> auth) {
    Map<String, Object> details = new java.util.HashMap<>(auth);
    details.put("roles", ROLES);
    send(new Hello(realm, details));
  }

  /** Takes the WELCOME that ends a join begun with {@link #hello}. */
  Welcome welcomed() {
    welcome = expect(Welcome.class);
    return welcome;
  }

  long sessionId() {
    return welcome.session();
  }

  String authid() {
    return (String) welcome.details().get("authid");
  }

  long nextRequest() {
    return requests.incrementAndGet();
  }

  void send(WampMessage message) {
    transport.sendToRouter(message);
  }

  void sendBytes(byte[] bytes) {
    transport.sendBytesToRouter(bytes);
  }

  /** The next message from the router, which must be a {@code type}. */
  <T extends WampMessage> T expect(Class<T> type) {
    WampMessage m = transport.poll(TIMEOUT);
    if (m == null) {
      fail("expected %s within %s, but nothing arrived", type.getSimpleName(), TIMEOUT);
    }
    if (!type.isInstance(m)) {
      fail("expected %s, but got %s", type.getSimpleName(), m);
    }
    return type.cast(m);
  }

  /** The next message from the router, if one is already waiting. */
  WampMessage poll(Duration timeout) {
    return transport.poll(timeout);
  }

  void expectNothing() {
    expectNothing(QUIET);
  }

  void expectNothing(Duration within) {
    WampMessage m = transport.poll(within);
    if (m != null) {
      fail("expected no message, but got %s", m);
    }
  }

  /** Expects ABORT {@code reason}, after which the router has closed the connection. */
  Abort expectAbort(String reason) {
    Abort abort = expect(Abort.class);
    assertThat(abort.reason()).as("ABORT reason of %s", abort).isEqualTo(reason);
    // A verdict may come from another thread (a timer, an authenticator's): close follows send.
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!transport.isClosed() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(transport.isClosed()).as("connection closed after ABORT").isTrue();
    expectNothing();
    return abort;
  }

  /** Expects ERROR {@code uri} for request {@code request} of type {@code requestType}. */
  Error expectError(int requestType, long request, String uri) {
    Error error = expect(Error.class);
    assertThat(error.requestType()).as("REQUEST.Type of %s", error).isEqualTo(requestType);
    assertThat(error.request()).as("REQUEST.Request of %s", error).isEqualTo(request);
    assertThat(error.error()).as("Error URI of %s", error).isEqualTo(uri);
    return error;
  }

  long subscribe(String topic) {
    return subscribe(topic, Map.of());
  }

  /** SUBSCRIBE, expecting SUBSCRIBED; returns the subscription ID. */
  long subscribe(String topic, Map<String, Object> options) {
    long request = nextRequest();
    send(new Subscribe(request, options, topic));
    Subscribed subscribed = expect(Subscribed.class);
    assertThat(subscribed.request()).isEqualTo(request);
    return subscribed.subscription();
  }

  long register(String procedure) {
    return register(procedure, Map.of());
  }

  /** REGISTER, expecting REGISTERED; returns the registration ID. */
  long register(String procedure, Map<String, Object> options) {
    long request = nextRequest();
    send(new Register(request, options, procedure));
    Registered registered = expect(Registered.class);
    assertThat(registered.request()).isEqualTo(request);
    return registered.registration();
  }

  /** PUBLISH; returns its request ID. */
  long publish(
      String topic, Map<String, Object> options, List<Object> args, Map<String, Object> kwargs) {
    long request = nextRequest();
    send(new Publish(request, options, topic, args, kwargs));
    return request;
  }

  long publish(String topic, Map<String, Object> options) {
    return publish(topic, options, List.of(), Map.of());
  }

  /** CALL; returns its request ID. */
  long call(
      String procedure, Map<String, Object> options, List<Object> args, Map<String, Object> kw) {
    long request = nextRequest();
    send(new Call(request, options, procedure, args, kw));
    return request;
  }

  long call(String procedure) {
    return call(procedure, Map.of(), List.of(), Map.of());
  }

  boolean isClosed() {
    return transport.isClosed();
  }

  void disconnect() {
    transport.disconnect();
  }
}
