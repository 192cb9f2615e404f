package io.quarkbar.router.rawsocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.router.support.RawSocketClient;
import io.quarkbar.router.support.WampTestClient;
import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.Goodbye;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Publish;
import io.quarkbar.wamp.protocol.message.Published;
import io.quarkbar.wamp.protocol.message.Register;
import io.quarkbar.wamp.protocol.message.Registered;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.Subscribe;
import io.quarkbar.wamp.protocol.message.Subscribed;
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One router core, two transports: RawSocket and WebSocket clients call and publish to each other,
 * each in its own serializer, and what one sends the other gets exactly, binary included. PINGs are
 * answered with PONGs that echo them.
 */
@QuarkusTest
@TestProfile(RawSocketProfile.class)
class RawSocketRoutingTest {

  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final byte[] BINARY = {0x00, 0x01, (byte) 0xfe, (byte) 0xff, 0x7f};
  private static final List<Object> ARGS =
      List.of(1L, "two", "ünïcödé", 3.5, true, List.of(1L, List.of("nested")), BINARY);
  private static final Map<String, Object> KWARGS = Map.of("k", "v", "bin", BINARY);

  @Inject Vertx vertx;

  @Inject RawSocketServer server;

  @TestHTTPResource("/ws")
  URI ws;

  private final List<AutoCloseable> clients = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : clients) {
      c.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void aWebSocketCallerCallsARawSocketCallee(Serializer serializer) {
    String procedure = name("com.test.rs.callee");
    RawSocketClient callee = rawSocket(serializer);
    long register = callee.nextRequest();
    callee.send(new Register(register, Map.of(), procedure));
    assertThat(callee.expect(Registered.class).request()).isEqualTo(register);

    WampTestClient caller = webSocket(Serializer.JSON);
    long request = caller.nextRequest();
    caller.send(new Call(request, Map.of(), procedure, ARGS, KWARGS));

    Invocation invocation = callee.expect(Invocation.class);
    assertThat(normalize(invocation.arguments())).isEqualTo(normalize(ARGS));
    assertThat(normalize(invocation.argumentsKw())).isEqualTo(normalize(KWARGS));
    callee.send(
        new Yield(
            invocation.request(), Map.of(), invocation.arguments(), invocation.argumentsKw()));

    Result result = caller.expect(Result.class);
    assertThat(result.request()).isEqualTo(request);
    assertThat(normalize(result.arguments())).isEqualTo(normalize(ARGS));
    assertThat(normalize(result.argumentsKw())).isEqualTo(normalize(KWARGS));
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void aRawSocketCallerCallsAWebSocketCallee(Serializer serializer) {
    String procedure = name("com.test.ws.callee");
    WampTestClient callee = webSocket(Serializer.MSGPACK);
    callee.send(new Register(callee.nextRequest(), Map.of(), procedure));
    callee.expect(Registered.class);

    RawSocketClient caller = rawSocket(serializer);
    long request = caller.nextRequest();
    caller.send(new Call(request, Map.of(), procedure, ARGS, KWARGS));

    Invocation invocation = callee.expect(Invocation.class);
    assertThat(normalize(invocation.arguments())).isEqualTo(normalize(ARGS));
    callee.send(new Yield(invocation.request(), Map.of(), List.of("done", BINARY), Map.of()));

    Result result = caller.expect(Result.class);
    assertThat(result.request()).isEqualTo(request);
    assertThat(normalize(result.arguments())).isEqualTo(normalize(List.of("done", BINARY)));
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void eventsCrossBetweenTheTransports(Serializer serializer) {
    String topic = name("com.test.rs.topic");
    RawSocketClient rsSubscriber = rawSocket(serializer);
    rsSubscriber.send(new Subscribe(rsSubscriber.nextRequest(), Map.of(), topic));
    rsSubscriber.expect(Subscribed.class);
    WampTestClient wsSubscriber = webSocket(Serializer.CBOR);
    wsSubscriber.send(new Subscribe(wsSubscriber.nextRequest(), Map.of(), topic));
    wsSubscriber.expect(Subscribed.class);

    RawSocketClient rsPublisher = rawSocket(Serializer.JSON);
    long request = rsPublisher.nextRequest();
    rsPublisher.send(new Publish(request, Map.of("acknowledge", true), topic, ARGS, KWARGS));
    assertThat(rsPublisher.expect(Published.class).request()).isEqualTo(request);

    for (Event event :
        List.of(rsSubscriber.expect(Event.class), wsSubscriber.expect(Event.class))) {
      assertThat(normalize(event.arguments())).isEqualTo(normalize(ARGS));
      assertThat(normalize(event.argumentsKw())).isEqualTo(normalize(KWARGS));
    }

    WampTestClient wsPublisher = webSocket(Serializer.JSON);
    wsPublisher.send(
        new Publish(wsPublisher.nextRequest(), Map.of(), topic, List.of(2L), Map.of()));
    assertThat(rsSubscriber.expect(Event.class).arguments()).containsExactly(2L);
  }

  @Test
  void aPingIsAnsweredWithAPongThatEchoesIt() {
    RawSocketClient c = track(RawSocketClient.connect(port(), Serializer.JSON));
    // Before HELLO already: PING and PONG are below WAMP.
    byte[] payload = new byte[1000];
    new SecureRandom().nextBytes(payload);
    c.sendFrame(RawSocketClient.PING, payload);
    assertThat(c.expectFrame(RawSocketClient.PONG).payload()).isEqualTo(payload);

    c.join("realm1");
    c.sendFrame(RawSocketClient.PING, new byte[0]);
    assertThat(c.expectFrame(RawSocketClient.PONG).payload()).isEmpty();
    c.sendFrame(RawSocketClient.PING, "abc".getBytes());
    assertThat(c.expectFrame(RawSocketClient.PONG).payload()).isEqualTo("abc".getBytes());
    // The session goes on.
    c.send(new Subscribe(c.nextRequest(), Map.of(), "com.test.after.ping"));
    c.expect(Subscribed.class);
  }

  @Test
  void goodbyeIsAnsweredAndTheConnectionCloses() {
    RawSocketClient c = rawSocket(Serializer.MSGPACK);
    c.send(new Goodbye(Map.of(), "wamp.close.normal"));
    assertThat(c.expect(Goodbye.class).reason()).isEqualTo(WampUris.GOODBYE_AND_OUT);
    c.expectClosed();
  }

  private static String name(String prefix) {
    return prefix + "." + NAMES.incrementAndGet();
  }

  private int port() {
    return server.port().orElseThrow();
  }

  private RawSocketClient rawSocket(Serializer serializer) {
    return track(RawSocketClient.join(port(), serializer, "realm1"));
  }

  private WampTestClient webSocket(Serializer serializer) {
    return track(WampTestClient.join(vertx, ws, serializer, "realm1"));
  }

  private <T extends AutoCloseable> T track(T c) {
    clients.add(c);
    return c;
  }

  /** Values as comparable as their meaning: binary as hex, integers as longs, dicts sorted. */
  private static Object normalize(Object value) {
    return switch (value) {
      case byte[] b -> "binary:" + HexFormat.of().formatHex(b);
      case Integer i -> i.longValue();
      case List<?> l -> l.stream().map(RawSocketRoutingTest::normalize).toList();
      case Map<?, ?> m -> {
        Map<String, Object> sorted = new TreeMap<>();
        m.forEach((k, v) -> sorted.put(String.valueOf(k), normalize(v)));
        yield sorted;
      }
      case null, default -> value;
    };
  }
}
