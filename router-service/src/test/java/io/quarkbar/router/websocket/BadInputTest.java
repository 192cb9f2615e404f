package io.quarkbar.router.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.router.support.RealmProbe;
import io.quarkbar.router.support.WampTestClient;
import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.Invocation;
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
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Malformed and out-of-order input over a real socket. Every case ends the offending session with
 * an ABORT that says why, then closes its connection, and leaves the rest of the router alone:
 * {@link RealmProbe} checks after each case that two bystander sessions still route.
 */
@QuarkusTest
class BadInputTest {

  @Inject Vertx vertx;

  @TestHTTPResource("/ws")
  URI ws;

  private RealmProbe bystanders;
  private final List<WampTestClient> clients = new ArrayList<>();

  @BeforeEach
  void joinBystanders() {
    bystanders = new RealmProbe(vertx, ws);
  }

  @AfterEach
  void closeAll() {
    clients.forEach(WampTestClient::close);
    bystanders.close();
  }

  // --- not the serializer's format ---

  @Test
  void invalidJsonText() {
    WampTestClient c = joined(Serializer.JSON);
    c.sendText("[16, 1, {}, \"com.t\", [1, 2");
    c.expectAbortAndClose(WampUris.PROTOCOL_VIOLATION);
    bystanders.assertStillRoutes();
  }

  @Test
  void invalidMsgpackBytes() {
    WampTestClient c = joined(Serializer.MSGPACK);
    // 0xc1 is the one byte msgpack never uses.
    c.sendBinary(new byte[] {(byte) 0x94, 0x10, 0x01, (byte) 0xc1});
    c.expectAbortAndClose(WampUris.PROTOCOL_VIOLATION);
    bystanders.assertStillRoutes();
  }

  @Test
  void invalidCborBytes() {
    WampTestClient c = joined(Serializer.CBOR);
    // Additional information 28 is reserved in CBOR.
    c.sendBinary(new byte[] {(byte) 0x84, 0x10, 0x01, 0x1c});
    c.expectAbortAndClose(WampUris.PROTOCOL_VIOLATION);
    bystanders.assertStillRoutes();
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void truncatedMessage(Serializer serializer) {
    WampTestClient c = joined(serializer);
    byte[] whole =
        serializer.encode(new Subscribe(c.nextRequest(), Map.of(), "com.test.truncated"));
    byte[] truncated = Arrays.copyOf(whole, whole.length - 3);
    c.sendEncoded(truncated);
    c.expectAbortAndClose(WampUris.PROTOCOL_VIOLATION);
    bystanders.assertStillRoutes();
  }

  @Test
  void binaryFrameOnJsonSession() {
    WampTestClient c = joined(Serializer.JSON);
    c.sendBinary(Serializer.JSON.encode(new Subscribe(c.nextRequest(), Map.of(), "com.t")));
    c.expectAbortAndClose(WampUris.PROTOCOL_VIOLATION);
    bystanders.assertStillRoutes();
  }

  @ParameterizedTest
  @EnumSource(
      value = Serializer.class,
      names = {"MSGPACK", "CBOR"})
  void textFrameOnBinarySession(Serializer serializer) {
    WampTestClient c = joined(serializer);
    c.sendText("[32, 1, {}, \"com.t\"]");
    c.expectAbortAndClose(WampUris.PROTOCOL_VIOLATION);
    bystanders.assertStillRoutes();
  }

  // --- valid encoding, invalid WAMP ---

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void unknownMessageType(Serializer serializer) {
    WampTestClient c = joined(serializer);
    c.sendList(List.of(999));
    c.expectAbortAndClose(WampUris.PROTOCOL_VIOLATION);
    bystanders.assertStillRoutes();
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void notAListAtAll(Serializer serializer) {
    WampTestClient c = joined(serializer);
    c.sendEncoded(dict(serializer));
    c.expectAbortAndClose(WampUris.PROTOCOL_VIOLATION);
    bystanders.assertStillRoutes();
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void wrongFieldCount(Serializer serializer) {
    WampTestClient c = connected(serializer);
    c.sendList(List.of(1, "realm1"));
    c.expectAbortAndClose(WampUris.PROTOCOL_VIOLATION);
    bystanders.assertStillRoutes();
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void stringWhereTheRequestIdGoes(Serializer serializer) {
    WampTestClient c = joined(serializer);
    c.sendList(List.of(32, "x", Map.of(), "com.t"));
    c.expectAbortAndClose(WampUris.PROTOCOL_VIOLATION);
    bystanders.assertStillRoutes();
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void boolWhereTheRequestIdGoes(Serializer serializer) {
    WampTestClient c = joined(serializer);
    c.sendList(List.of(48, true, Map.of(), "com.t"));
    c.expectAbortAndClose(WampUris.PROTOCOL_VIOLATION);
    bystanders.assertStillRoutes();
  }

  // --- out of order ---

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void messageBeforeHello(Serializer serializer) {
    WampTestClient c = connected(serializer);
    c.send(new Subscribe(1, Map.of(), "com.test.early"));
    c.expectAbortAndClose(WampUris.PROTOCOL_VIOLATION);
    bystanders.assertStillRoutes();
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void secondHello(Serializer serializer) {
    WampTestClient c = joined(serializer);
    c.send(new Hello("realm1", Map.of("roles", WampTestClient.ROLES)));
    c.expectAbortAndClose(WampUris.PROTOCOL_VIOLATION);
    bystanders.assertStillRoutes();
  }

  // --- refused joins ---

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void helloToUnknownRealm(Serializer serializer) {
    WampTestClient c = connected(serializer);
    c.send(new Hello("com.test.nowhere", Map.of("roles", WampTestClient.ROLES)));
    c.expectAbortAndClose(WampUris.NO_SUCH_REALM);
    bystanders.assertStillRoutes();
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void helloToRealmWithoutAnonymousRole(Serializer serializer) {
    WampTestClient c = connected(serializer);
    c.send(new Hello("closed", Map.of("roles", WampTestClient.ROLES)));
    c.expectAbortAndClose(WampUris.NO_MATCHING_AUTH_METHOD);
    bystanders.assertStillRoutes();
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void helloWithInvalidRealmUri(Serializer serializer) {
    WampTestClient c = connected(serializer);
    c.send(new Hello("bad realm", Map.of("roles", WampTestClient.ROLES)));
    c.expectAbortAndClose(WampUris.INVALID_URI);
    bystanders.assertStillRoutes();
  }

  // --- a bad request is not a bad session ---

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void subscribeToInvalidTopicIsAnErrorNotAnAbort(Serializer serializer) {
    WampTestClient c = joined(serializer);
    long request = c.nextRequest();
    c.send(new Subscribe(request, Map.of(), "a..b"));
    Error error = c.expect(Error.class);
    assertThat(error.requestType()).isEqualTo(Subscribe.CODE);
    assertThat(error.request()).isEqualTo(request);
    assertThat(error.error()).isEqualTo(WampUris.INVALID_URI);

    long next = c.nextRequest();
    c.send(new Subscribe(next, Map.of(), "com.test.valid"));
    assertThat(c.expect(Subscribed.class).request()).isEqualTo(next);
    bystanders.assertStillRoutes();
  }

  // --- fragmentation ---

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void fragmentedMessagesAreReassembled(Serializer serializer) {
    WampTestClient c = connected(serializer);
    c.sendFragmented(
        serializer.encode(new Hello("realm1", Map.of("roles", WampTestClient.ROLES))), 3);
    c.expect(Welcome.class);

    String procedure = "com.test.fragmented." + serializer.name().toLowerCase(Locale.ROOT);
    WampTestClient callee = joined(Serializer.JSON);
    callee.send(new Register(callee.nextRequest(), Map.of(), procedure));
    callee.expect(Registered.class);

    String big = "x".repeat(10_000);
    long request = c.nextRequest();
    c.sendFragmented(
        serializer.encode(new Call(request, Map.of(), procedure, List.of(big), Map.of())), 7);
    Invocation invocation = callee.expect(Invocation.class);
    assertThat(invocation.arguments()).containsExactly(big);
    callee.send(new Yield(invocation.request(), Map.of(), List.of("ok"), Map.of()));
    Result result = c.expect(Result.class);
    assertThat(result.request()).isEqualTo(request);
    assertThat(result.arguments()).containsExactly("ok");
    bystanders.assertStillRoutes();
  }

  private static byte[] dict(Serializer serializer) {
    return switch (serializer) {
      case JSON -> "{\"a\": 1}".getBytes(StandardCharsets.UTF_8);
      case MSGPACK -> new byte[] {(byte) 0x81, (byte) 0xa1, 'a', 0x01};
      case CBOR -> new byte[] {(byte) 0xa1, 0x61, 'a', 0x01};
    };
  }

  private WampTestClient connected(Serializer serializer) {
    WampTestClient c = WampTestClient.connect(vertx, ws, serializer);
    clients.add(c);
    return c;
  }

  private WampTestClient joined(Serializer serializer) {
    WampTestClient c = connected(serializer);
    c.join("realm1");
    return c;
  }
}
