package io.quarkbar.router.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.router.support.RawWebSocket;
import io.quarkbar.router.support.WampTestClient;
import io.quarkbar.router.support.WampTestClient.Frame;
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
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Routing between clients of different serializers over real sockets: a JSON caller, a msgpack
 * callee, a CBOR subscriber. What one sends the others get exactly, binary included, each in its
 * own serializer's form.
 */
@QuarkusTest
class RoutingOverSocketTest {

  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final int ROUNDS = 25;
  private static final int LEAVERS = 10;

  /** 0x00 and 0xff included: bytes that are not valid UTF-8 on their own. */
  private static final byte[] BINARY = {0x00, 0x01, (byte) 0xfe, (byte) 0xff, 0x7f, 0x10, 0x20};

  private static final List<Object> ARGS =
      List.of(
          1L,
          -2L,
          (long) Integer.MAX_VALUE + 1,
          "two",
          "ünïcödé ✓",
          3.5,
          true,
          false,
          List.of(1L, List.of("nested")),
          Map.of("k", "v"),
          BINARY);

  private static final Map<String, Object> KWARGS =
      Map.of(
          "a",
          1L,
          "s",
          "text",
          "bin",
          BINARY,
          "nested",
          Map.of("list", List.of(BINARY, 2L), "empty", Map.of()),
          "emptyList",
          List.of());

  @Inject Vertx vertx;

  @TestHTTPResource("/ws")
  URI ws;

  private final List<WampTestClient> clients = new ArrayList<>();

  @AfterEach
  void closeAll() {
    clients.forEach(WampTestClient::close);
  }

  @Test
  void callBetweenJsonCallerAndMsgpackCalleeCarriesArgsKwargsAndBinaryExactly() {
    String procedure = unique("com.test.rpc.echo");
    WampTestClient callee = joined(Serializer.MSGPACK);
    WampTestClient caller = joined(Serializer.JSON);
    long registerRequest = callee.nextRequest();
    callee.send(new Register(registerRequest, Map.of(), procedure));
    Registered registered = callee.expect(Registered.class);
    assertThat(registered.request()).isEqualTo(registerRequest);

    long callRequest = caller.nextRequest();
    caller.send(new Call(callRequest, Map.of(), procedure, ARGS, KWARGS));

    Frame invocationFrame = callee.expectFrame(Invocation.class);
    Invocation invocation = (Invocation) invocationFrame.message();
    assertThat(invocation.registration()).isEqualTo(registered.registration());
    assertThat(normalize(invocation.arguments())).isEqualTo(normalize(ARGS));
    assertThat(normalize(invocation.argumentsKw())).isEqualTo(normalize(KWARGS));
    // A msgpack client gets bin 8 (0xc4, length, bytes), not a string it would have to decode.
    assertThat(invocationFrame.binary()).isTrue();
    assertThat(indexOf(invocationFrame.data(), msgpackBin(BINARY))).isNotNegative();

    List<Object> resultArgs = List.of(BINARY, "done");
    Map<String, Object> resultKwargs = Map.of("echo", BINARY);
    callee.send(new Yield(invocation.request(), Map.of(), resultArgs, resultKwargs));

    Frame resultFrame = caller.expectFrame(Result.class);
    Result result = (Result) resultFrame.message();
    assertThat(result.request()).isEqualTo(callRequest);
    assertThat(normalize(result.arguments())).isEqualTo(normalize(resultArgs));
    assertThat(normalize(result.argumentsKw())).isEqualTo(normalize(resultKwargs));
    // A JSON client gets the specification's "\0" + base64 string.
    assertThat(resultFrame.binary()).isFalse();
    assertThat(resultFrame.text())
        .contains("\"\\u0000" + Base64.getEncoder().encodeToString(BINARY) + "\"");
  }

  @Test
  void callToAnUnregisteredProcedureFails() {
    WampTestClient caller = joined(Serializer.CBOR);
    long request = caller.nextRequest();
    caller.send(new Call(request, Map.of(), unique("com.test.rpc.nobody"), List.of(), Map.of()));
    Error error = caller.expect(Error.class);
    assertThat(error.requestType()).isEqualTo(Call.CODE);
    assertThat(error.request()).isEqualTo(request);
    assertThat(error.error()).isEqualTo(WampUris.NO_SUCH_PROCEDURE);
  }

  @Test
  void acknowledgedPublishReachesSubscribersOfOtherSerializers() {
    String topic = unique("com.test.pubsub.mixed");
    WampTestClient cborSubscriber = subscribed(Serializer.CBOR, topic);
    WampTestClient msgpackSubscriber = subscribed(Serializer.MSGPACK, topic);
    WampTestClient publisher = joined(Serializer.JSON);

    long request = publisher.nextRequest();
    publisher.send(new Publish(request, Map.of("acknowledge", true), topic, ARGS, KWARGS));
    Published published = publisher.expect(Published.class);
    assertThat(published.request()).isEqualTo(request);

    for (WampTestClient subscriber : List.of(cborSubscriber, msgpackSubscriber)) {
      Frame frame = subscriber.expectFrame(Event.class);
      Event event = (Event) frame.message();
      assertThat(event.publication()).isEqualTo(published.publication());
      assertThat(normalize(event.arguments())).isEqualTo(normalize(ARGS));
      assertThat(normalize(event.argumentsKw())).isEqualTo(normalize(KWARGS));
      assertThat(frame.binary()).isTrue();
    }
    assertThat(cborSubscriber.poll(Duration.ofMillis(200)))
        .as("one EVENT per publication")
        .isNull();
  }

  @Test
  void cborSubscriberGetsBinaryAsACborByteString() {
    String topic = unique("com.test.pubsub.cborbin");
    WampTestClient subscriber = subscribed(Serializer.CBOR, topic);
    WampTestClient publisher = joined(Serializer.JSON);
    publisher.send(
        new Publish(
            publisher.nextRequest(),
            Map.of("acknowledge", true),
            topic,
            List.of(BINARY),
            Map.of()));
    publisher.expect(Published.class);
    Frame frame = subscriber.expectFrame(Event.class);
    assertThat((byte[]) ((Event) frame.message()).arguments().getFirst()).isEqualTo(BINARY);
    // Major type 2 (byte string) with the length in the low bits, then the bytes.
    byte[] byteString = new byte[BINARY.length + 1];
    byteString[0] = (byte) (0x40 | BINARY.length);
    System.arraycopy(BINARY, 0, byteString, 1, BINARY.length);
    assertThat(indexOf(frame.data(), byteString)).isNotNegative();
  }

  @Test
  void calleeClosingTheWebSocketFailsItsCallInFlightPromptly() {
    String procedure = unique("com.test.rpc.vanishing");
    WampTestClient callee = joined(Serializer.MSGPACK);
    callee.send(new Register(callee.nextRequest(), Map.of(), procedure));
    callee.expect(Registered.class);
    WampTestClient caller = joined(Serializer.JSON);

    long request = caller.nextRequest();
    caller.send(new Call(request, Map.of(), procedure, List.of("hold"), Map.of()));
    callee.expect(Invocation.class);
    long start = System.nanoTime();
    callee.closeWebSocket();

    Error error = caller.expect(Error.class);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(error.requestType()).isEqualTo(Call.CODE);
    assertThat(error.request()).isEqualTo(request);
    assertThat(error.error()).isEqualTo(WampUris.CANCELED);
    assertThat(millis).as("ms until the caller heard").isLessThan(2000);
    assertCallerStillWorks(caller, procedure);
  }

  @Test
  void calleeDroppingTheTcpConnectionFailsItsCallInFlightPromptly() throws Exception {
    String procedure = unique("com.test.rpc.dropped");
    Serializer s = Serializer.JSON;
    RawWebSocket callee = rawJoined(s);
    callee.sendFrame(RawWebSocket.TEXT, true, s.encode(new Register(2, Map.of(), procedure)));
    assertThat(s.decode(callee.readFrame().payload())).isInstanceOf(Registered.class);
    WampTestClient caller = joined(Serializer.CBOR);

    long request = caller.nextRequest();
    caller.send(new Call(request, Map.of(), procedure, List.of("hold"), Map.of()));
    assertThat(s.decode(callee.readFrame().payload())).isInstanceOf(Invocation.class);
    long start = System.nanoTime();
    callee.close();

    Error error = caller.expect(Error.class);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(error.request()).isEqualTo(request);
    assertThat(error.error()).isEqualTo(WampUris.CANCELED);
    assertThat(millis).as("ms until the caller heard").isLessThan(2000);
    assertCallerStillWorks(caller, procedure);
  }

  /**
   * Subscribers that leave while a publisher publishes to them must not cost the publisher its
   * session: a WebSocket is closing for a moment before the router hears of it, and a delivery in
   * that moment has nowhere to go, but it is not the publisher's fault.
   */
  @Test
  void subscribersLeavingMidStreamDoNotHurtThePublisher() {
    String topic = unique("com.test.pubsub.leaving");
    WampTestClient publisher = joined(Serializer.JSON);
    WampTestClient stayer = subscribed(Serializer.CBOR, topic);
    for (int round = 0; round < ROUNDS; round++) {
      List<WampTestClient> leavers = new ArrayList<>();
      for (int i = 0; i < LEAVERS; i++) {
        leavers.add(subscribed(Serializer.MSGPACK, topic));
      }
      for (int k = 0; k < LEAVERS * 30; k++) {
        publisher.sendAsync(
            new Publish(publisher.nextRequest(), Map.of(), topic, List.of((long) k), Map.of()));
        if (k % 30 == 0) {
          leavers.get(k / 30).closeWebSocket();
        }
      }
      long request = publisher.nextRequest();
      publisher.send(new Publish(request, Map.of("acknowledge", true), topic, List.of(), Map.of()));
      assertThat(publisher.expect(Published.class).request()).isEqualTo(request);
      for (int k = 0; k < LEAVERS * 30; k++) {
        assertThat(stayer.expect(Event.class).arguments()).containsExactly((long) k);
      }
      assertThat(stayer.expect(Event.class).arguments()).isEmpty();
      leavers.forEach(WampTestClient::close);
    }
  }

  /** After its callee is gone, the caller's session is intact and the procedure is free again. */
  private void assertCallerStillWorks(WampTestClient caller, String procedure) {
    WampTestClient successor = joined(Serializer.CBOR);
    successor.send(new Register(successor.nextRequest(), Map.of(), procedure));
    successor.expect(Registered.class);
    long request = caller.nextRequest();
    caller.send(new Call(request, Map.of(), procedure, List.of("again"), Map.of()));
    Invocation invocation = successor.expect(Invocation.class);
    successor.send(new Yield(invocation.request(), Map.of(), List.of("back"), Map.of()));
    Result result = caller.expect(Result.class);
    assertThat(result.request()).isEqualTo(request);
    assertThat(result.arguments()).containsExactly("back");
  }

  private RawWebSocket rawJoined(Serializer s) throws Exception {
    RawWebSocket raw = RawWebSocket.upgrade(ws, Map.of("Sec-WebSocket-Protocol", s.subprotocol()));
    assertThat(raw.status()).isEqualTo(101);
    raw.sendFrame(
        s.isBinary() ? RawWebSocket.BINARY : RawWebSocket.TEXT,
        true,
        s.encode(new Hello("realm1", Map.of("roles", WampTestClient.ROLES))));
    assertThat(s.decode(raw.readFrame().payload())).isInstanceOf(Welcome.class);
    return raw;
  }

  private WampTestClient subscribed(Serializer serializer, String topic) {
    WampTestClient c = joined(serializer);
    long request = c.nextRequest();
    c.send(new Subscribe(request, Map.of(), topic));
    assertThat(c.expect(Subscribed.class).request()).isEqualTo(request);
    return c;
  }

  private WampTestClient joined(Serializer serializer) {
    WampTestClient c = WampTestClient.connect(vertx, ws, serializer);
    clients.add(c);
    c.join("realm1");
    return c;
  }

  private static String unique(String prefix) {
    return prefix + NAMES.incrementAndGet();
  }

  /**
   * A form in which equal payloads are equal: byte arrays as hex (arrays compare by identity),
   * dicts sorted, all integers as Long.
   */
  static Object normalize(Object value) {
    return switch (value) {
      case byte[] b -> "binary:" + HexFormat.of().formatHex(b);
      case Integer i -> i.longValue();
      case List<?> l -> l.stream().map(RoutingOverSocketTest::normalize).toList();
      case Map<?, ?> m -> {
        Map<String, Object> sorted = new TreeMap<>();
        m.forEach((k, v) -> sorted.put(String.valueOf(k), normalize(v)));
        yield sorted;
      }
      case null, default -> value;
    };
  }

  private static byte[] msgpackBin(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xc4);
    out.write(bytes.length);
    out.writeBytes(bytes);
    return out.toByteArray();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
