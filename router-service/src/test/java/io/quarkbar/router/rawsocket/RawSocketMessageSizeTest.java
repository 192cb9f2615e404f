package io.quarkbar.router.rawsocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.router.support.RawSocketClient;
import io.quarkbar.router.support.RealmProbe;
import io.quarkbar.router.support.WampTestClient;
import io.quarkbar.wamp.protocol.message.Call;
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
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Message sizes both ways. The router announces {@code router.rawsocket.max-message-size} (4 KiB
 * here) in its handshake: a message up to it is routed, a frame that announces more ends the
 * session with ABORT {@code wamp.error.payload_size_exceeded} before its payload is read. The
 * client announces its own maximum: an EVENT larger than that is dropped for it, anything else ends
 * its session, since the router must not send it.
 */
@QuarkusTest
@TestProfile(RawSocketProfile.class)
class RawSocketMessageSizeTest {

  private static final int LIMIT = RawSocketProfile.MAX_MESSAGE;
  private static final AtomicInteger NAMES = new AtomicInteger();

  @Inject Vertx vertx;

  @Inject RawSocketServer server;

  @TestHTTPResource("/ws")
  URI ws;

  private RealmProbe bystanders;
  private final List<AutoCloseable> clients = new ArrayList<>();

  @BeforeEach
  void joinBystanders() {
    bystanders = new RealmProbe(vertx, ws);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : clients) {
      c.close();
    }
    bystanders.close();
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void aMessageOfExactlyTheLimitIsRouted(Serializer serializer) {
    String procedure = "com.test.size.exact." + NAMES.incrementAndGet();
    WampTestClient callee = track(WampTestClient.join(vertx, ws, Serializer.CBOR, "realm1"));
    callee.send(new Register(callee.nextRequest(), Map.of(), procedure));
    callee.expect(Registered.class);

    RawSocketClient caller = track(RawSocketClient.join(port(), serializer, "realm1"));
    long request = caller.nextRequest();
    byte[] call = callOfSize(serializer, request, procedure, LIMIT);
    assertThat(call).hasSize(LIMIT);
    caller.sendEncoded(call);
    Invocation invocation = callee.expect(Invocation.class);
    callee.send(new Yield(invocation.request(), Map.of(), List.of("ok"), Map.of()));
    assertThat(caller.expect(Result.class).request()).isEqualTo(request);
    bystanders.assertStillRoutes();
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void aMessageOneByteOverTheLimitAbortsTheSession(Serializer serializer) {
    RawSocketClient c = track(RawSocketClient.join(port(), serializer, "realm1"));
    byte[] call = callOfSize(serializer, c.nextRequest(), "com.test.size.over", LIMIT + 1);
    c.sendEncoded(call);
    c.expectAbortAndClose(WampUris.PAYLOAD_SIZE_EXCEEDED);
    bystanders.assertStillRoutes();
  }

  @Test
  void thePrefixAloneIsEnoughToAbort() {
    RawSocketClient c = track(RawSocketClient.join(port(), Serializer.MSGPACK, "realm1"));
    // A frame that says 1 MiB follows; the router does not wait for it.
    c.sendRaw(ByteBuffer.allocate(4).putInt(1 << 20).array());
    c.expectAbortAndClose(WampUris.PAYLOAD_SIZE_EXCEEDED);
    bystanders.assertStillRoutes();
  }

  @Test
  void aHelloOverTheLimitAbortsBeforeTheSessionOpens() {
    RawSocketClient c = track(RawSocketClient.connect(port(), Serializer.JSON));
    c.send(new Hello("realm1", Map.of("roles", WampTestClient.ROLES, "agent", "x".repeat(LIMIT))));
    c.expectAbortAndClose(WampUris.PAYLOAD_SIZE_EXCEEDED);
    bystanders.assertStillRoutes();
  }

  @Test
  void anEventLargerThanTheClientAcceptsIsDroppedForThatClientOnly() {
    String topic = "com.test.size.event." + NAMES.incrementAndGet();
    // L = 1: this client accepts messages up to 1024 bytes.
    RawSocketClient small = track(RawSocketClient.connect(port(), Serializer.JSON, 1));
    small.join("realm1");
    subscribe(small, topic);
    RawSocketClient large = track(RawSocketClient.join(port(), Serializer.JSON, "realm1"));
    subscribe(large, topic);

    WampTestClient publisher = track(WampTestClient.join(vertx, ws, Serializer.JSON, "realm1"));
    String big = "b".repeat(2000);
    publisher.send(new Publish(1, Map.of(), topic, List.of(big), Map.of()));
    publisher.send(new Publish(2, Map.of("acknowledge", true), topic, List.of("small"), Map.of()));
    publisher.expect(Published.class);

    assertThat(large.expect(Event.class).arguments()).containsExactly(big);
    assertThat(large.expect(Event.class).arguments()).containsExactly("small");
    // The small client never sees the big event, and its session goes on.
    assertThat(small.expect(Event.class).arguments()).containsExactly("small");
    subscribe(small, topic + ".more");
    bystanders.assertStillRoutes();
  }

  @Test
  void aResultLargerThanTheClientAcceptsEndsItsSession() {
    String procedure = "com.test.size.result." + NAMES.incrementAndGet();
    WampTestClient callee = track(WampTestClient.join(vertx, ws, Serializer.MSGPACK, "realm1"));
    callee.send(new Register(callee.nextRequest(), Map.of(), procedure));
    callee.expect(Registered.class);

    RawSocketClient caller = track(RawSocketClient.connect(port(), Serializer.CBOR, 1));
    caller.join("realm1");
    caller.send(new Call(caller.nextRequest(), Map.of(), procedure, List.of(), Map.of()));
    Invocation invocation = callee.expect(Invocation.class);
    callee.send(new Yield(invocation.request(), Map.of(), List.of("r".repeat(2000)), Map.of()));

    caller.expectAbortAndClose(WampUris.PAYLOAD_SIZE_EXCEEDED);
    bystanders.assertStillRoutes();
  }

  /** A CALL encoded in exactly {@code size} bytes, padded through its one string argument. */
  private static byte[] callOfSize(Serializer s, long request, String procedure, int size) {
    int pad = size - 100;
    for (int attempt = 0; attempt < 10; attempt++) {
      byte[] bytes =
          s.encode(new Call(request, Map.of(), procedure, List.of("p".repeat(pad)), Map.of()));
      if (bytes.length == size) {
        return bytes;
      }
      pad += size - bytes.length;
    }
    throw new IllegalStateException("no CALL of exactly " + size + " bytes");
  }

  private static void subscribe(RawSocketClient c, String topic) {
    long request = c.nextRequest();
    c.send(new Subscribe(request, Map.of(), topic));
    assertThat(c.expect(Subscribed.class).request()).isEqualTo(request);
  }

  private int port() {
    return server.port().orElseThrow();
  }

  private <T extends AutoCloseable> T track(T c) {
    clients.add(c);
    return c;
  }
}
