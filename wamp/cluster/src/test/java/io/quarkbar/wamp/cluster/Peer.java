package io.quarkbar.wamp.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.quarkbar.wamp.protocol.message.Abort;
import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Publish;
import io.quarkbar.wamp.protocol.message.Published;
import io.quarkbar.wamp.protocol.message.Register;
import io.quarkbar.wamp.protocol.message.Registered;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.Subscribe;
import io.quarkbar.wamp.protocol.message.Subscribed;
import io.quarkbar.wamp.protocol.message.Unregister;
import io.quarkbar.wamp.protocol.message.Unregistered;
import io.quarkbar.wamp.protocol.message.Unsubscribe;
import io.quarkbar.wamp.protocol.message.Unsubscribed;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.router.Router;
import io.quarkbar.wamp.router.transport.LocalTransport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** A WAMP client of one router node, on a {@link LocalTransport} that encodes every message. */
final class Peer {

  static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** How long a peer listens for an event that must not come (events cross a NATS server). */
  static final Duration QUIET = Duration.ofMillis(300);

  private static final Map<String, Object> ROLES =
      Map.of(
          "publisher",
          Map.of(
              "features",
              Map.of("publisher_exclusion", true, "subscriber_blackwhite_listing", true)),
          "subscriber",
          Map.of("features", Map.of("pattern_based_subscription", true)),
          "caller",
          Map.of(
              "features",
              Map.of(
                  "progressive_call_results", true,
                  "progressive_call_invocations", true,
                  "call_canceling", true,
                  "call_timeout", true,
                  "caller_identification", true)),
          "callee",
          Map.of(
              "features",
              Map.of(
                  "progressive_call_results", true,
                  "progressive_call_invocations", true,
                  "call_canceling", true,
                  "call_timeout", true,
                  "caller_identification", true,
                  "pattern_based_registration", true,
                  "shared_registration", true)));

  private final LocalTransport transport;
  private final AtomicLong requests = new AtomicLong();
  private final long session;
  private final String authid;

  private Peer(LocalTransport transport) {
    this.transport = transport;
    transport.sendToRouter(new Hello(Cluster.REALM, Map.of("roles", ROLES)));
    Welcome welcome = expect(Welcome.class);
    this.session = welcome.session();
    this.authid = (String) welcome.details().get("authid");
  }

  static Peer join(Router router, Serializer serializer) {
    return new Peer(LocalTransport.connect(router, serializer));
  }

  /** A join {@code router} refuses: the ABORT it answers HELLO with. */
  static Abort refused(Router router) {
    LocalTransport transport = LocalTransport.connect(router, Serializer.JSON);
    transport.sendToRouter(new Hello(Cluster.REALM, Map.of("roles", ROLES)));
    WampMessage m = transport.poll(TIMEOUT);
    assertThat(m).as("the router's answer to HELLO").isInstanceOf(Abort.class);
    return (Abort) m;
  }

  long session() {
    return session;
  }

  String authid() {
    return authid;
  }

  long subscribe(String topic) {
    return subscribe(topic, Map.of());
  }

  long subscribe(String topic, Map<String, Object> options) {
    long request = requests.incrementAndGet();
    transport.sendToRouter(new Subscribe(request, options, topic));
    Subscribed s = expect(Subscribed.class);
    assertThat(s.request()).isEqualTo(request);
    return s.subscription();
  }

  /** SUBSCRIBE that the router refuses; returns its ERROR. */
  Error subscribeRefused(String topic, Map<String, Object> options) {
    long request = requests.incrementAndGet();
    transport.sendToRouter(new Subscribe(request, options, topic));
    Error e = expect(Error.class);
    assertThat(e.request()).isEqualTo(request);
    return e;
  }

  void unsubscribe(long subscription) {
    long request = requests.incrementAndGet();
    transport.sendToRouter(new Unsubscribe(request, subscription));
    expect(Unsubscribed.class);
  }

  /** UNSUBSCRIBE while events may still arrive: those before UNSUBSCRIBED are returned. */
  List<Event> unsubscribeAmidEvents(long subscription) {
    long request = requests.incrementAndGet();
    transport.sendToRouter(new Unsubscribe(request, subscription));
    List<Event> before = new java.util.ArrayList<>();
    while (true) {
      WampMessage m = transport.poll(TIMEOUT);
      if (m instanceof Event e) {
        before.add(e);
      } else if (m instanceof Unsubscribed) {
        return before;
      } else {
        fail("expected UNSUBSCRIBED, but got %s", m);
      }
    }
  }

  /** REGISTER that the router accepts; returns the registration ID. */
  long register(String procedure, Map<String, Object> options) {
    sendRegister(procedure, options);
    return expect(Registered.class).registration();
  }

  /** REGISTER without waiting; returns its request ID. */
  long sendRegister(String procedure, Map<String, Object> options) {
    long request = requests.incrementAndGet();
    transport.sendToRouter(new Register(request, options, procedure));
    return request;
  }

  void unregister(long registration) {
    transport.sendToRouter(new Unregister(requests.incrementAndGet(), registration));
    expect(Unregistered.class);
  }

  /** CALL without waiting; returns its request ID. */
  long call(String procedure, Map<String, Object> options, List<Object> args) {
    long request = requests.incrementAndGet();
    transport.sendToRouter(new Call(request, options, procedure, args, Map.of()));
    return request;
  }

  /** The RESULT of a CALL made with {@link #call}. */
  Result result(long request) {
    Result r = expect(Result.class);
    assertThat(r.request()).isEqualTo(request);
    return r;
  }

  /** The ERROR a CALL made with {@link #call} got. */
  Error callError(long request) {
    Error e = expect(Error.class);
    assertThat(e.request()).isEqualTo(request);
    return e;
  }

  /** The next message within {@code wait}, or null. */
  WampMessage poll(Duration wait) {
    return transport.poll(wait);
  }

  Invocation invocation() {
    return expect(Invocation.class);
  }

  /**
   * The INVOCATION of a call {@code caller} made; when none comes, the failure says what the caller
   * got instead (an ERROR tells why the call did not reach this callee).
   */
  Invocation invocationOf(Peer caller) {
    WampMessage m = transport.poll(TIMEOUT);
    if (!(m instanceof Invocation inv)) {
      fail(
          "expected Invocation within %s, but got %s; the caller got %s",
          TIMEOUT, m, caller.poll(Duration.ZERO));
      throw new AssertionError();
    }
    return inv;
  }

  void yield(long invocation, Map<String, Object> options, List<Object> args) {
    transport.sendToRouter(new Yield(invocation, options, args, Map.of()));
  }

  /** Any message this peer sends (ERROR for an INVOCATION, CANCEL, ...). */
  void send(WampMessage message) {
    transport.sendToRouter(message);
  }

  void publish(String topic, List<Object> args) {
    publish(topic, Map.of(), args);
  }

  void publish(String topic, Map<String, Object> options, List<Object> args) {
    transport.sendToRouter(new Publish(requests.incrementAndGet(), options, topic, args, Map.of()));
  }

  /** An acknowledged publication; returns what the router answered (PUBLISHED or ERROR). */
  WampMessage publishAcknowledged(String topic, List<Object> args) {
    transport.sendToRouter(
        new Publish(
            requests.incrementAndGet(), Map.of("acknowledge", true), topic, args, Map.of()));
    WampMessage m = transport.poll(TIMEOUT);
    assertThat(m).isInstanceOfAny(Published.class, Error.class);
    return m;
  }

  Event event() {
    return expect(Event.class);
  }

  /** The next EVENT if one arrives within a short while, else null. */
  Event pollEvent() {
    WampMessage m = transport.poll(Duration.ofMillis(100));
    return m instanceof Event e ? e : null;
  }

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

  void expectNothing() {
    WampMessage m = transport.poll(QUIET);
    if (m != null) {
      fail("expected no message, but got %s", m);
    }
  }

  void leave() {
    transport.disconnect();
  }
}
