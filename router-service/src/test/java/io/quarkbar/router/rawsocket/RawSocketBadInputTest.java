package io.quarkbar.router.rawsocket;

import io.quarkbar.router.support.RawSocketClient;
import io.quarkbar.router.support.RealmProbe;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.Subscribe;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input over RawSocket ends the offending session as it does over WebSocket: ABORT with the
 * reason, then the connection closes; two bystander sessions ({@link RealmProbe}) still route after
 * each case. RawSocket adds its own ways to be wrong: reserved frame types and bits, and a prefix
 * that announces more than the router said it accepts.
 */
@QuarkusTest
@TestProfile(RawSocketProfile.class)
class RawSocketBadInputTest {

  @Inject Vertx vertx;

  @Inject RawSocketServer server;

  @TestHTTPResource("/ws")
  URI ws;

  private RealmProbe bystanders;
  private final List<RawSocketClient> clients = new ArrayList<>();

  @BeforeEach
  void joinBystanders() {
    bystanders = new RealmProbe(vertx, ws);
  }

  @AfterEach
  void closeAll() {
    clients.forEach(RawSocketClient::close);
    bystanders.close();
  }

  // --- not the serializer's format ---

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void bytesThatDoNotDecode(Serializer serializer) {
    RawSocketClient c = joined(serializer);
    c.sendEncoded(
        switch (serializer) {
          case JSON -> "[16, 1, {}, \"com.t\", [1, 2".getBytes(StandardCharsets.UTF_8);
          // 0xc1 is the one byte msgpack never uses.
          case MSGPACK -> new byte[] {(byte) 0x94, 0x10, 0x01, (byte) 0xc1};
          // Additional information 28 is reserved in CBOR.
          case CBOR -> new byte[] {(byte) 0x84, 0x10, 0x01, 0x1c};
        });
    c.expectAbortAndClose(WampUris.PROTOCOL_VIOLATION);
    bystanders.assertStillRoutes();
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void aTruncatedMessage(Serializer serializer) {
    RawSocketClient c = joined(serializer);
    byte[] whole = serializer.encode(new Subscribe(c.nextRequest(), Map.of(), "com.test.cut"));
    c.sendEncoded(Arrays.copyOf(whole, whole.length - 3));
    c.expectAbortAndClose(WampUris.PROTOCOL_VIOLATION);
    bystanders.assertStillRoutes();
  }

  @Test
  void anEmptyMessage() {
    RawSocketClient c = joined(Serializer.JSON);
    c.sendEncoded(new byte[0]);
    c.expectAbortAndClose(WampUris.PROTOCOL_VIOLATION);
    bystanders.assertStillRoutes();
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void anUnknownMessageType(Serializer serializer) {
    RawSocketClient c = joined(serializer);
    c.sendList(List.of(999));
    c.expectAbortAndClose(WampUris.PROTOCOL_VIOLATION);
    bystanders.assertStillRoutes();
  }

  // --- RawSocket framing ---

  @ParameterizedTest
  @ValueSource(ints = {3, 4, 7})
  void aReservedFrameType(int type) {
    RawSocketClient c = joined(Serializer.MSGPACK);
    c.sendFrame(type, new byte[] {1, 2, 3});
    c.expectAbortAndClose(WampUris.PROTOCOL_VIOLATION);
    bystanders.assertStillRoutes();
  }

  @ParameterizedTest
  @ValueSource(ints = {0x10, 0x80, 0xF0})
  void reservedBitsInAFramePrefix(int firstByte) {
    RawSocketClient c = joined(Serializer.CBOR);
    c.sendFrame(firstByte, Serializer.CBOR.encodeList(List.of(32, 1, Map.of(), "com.t")));
    c.expectAbortAndClose(WampUris.PROTOCOL_VIOLATION);
    bystanders.assertStillRoutes();
  }

  @Test
  void theXBitWithALengthBeyondSixteenMebibytes() {
    RawSocketClient c = joined(Serializer.JSON);
    // X set and the 24 length bits not clear: more than 16 MiB, which no handshake allows.
    c.sendRaw(ByteBuffer.allocate(4).putInt(0x0800_0001).array());
    c.expectAbortAndClose(WampUris.PAYLOAD_SIZE_EXCEEDED);
    bystanders.assertStillRoutes();
  }

  // --- out of order ---

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void aMessageBeforeHello(Serializer serializer) {
    RawSocketClient c = track(RawSocketClient.connect(port(), serializer));
    c.send(new Subscribe(1, Map.of(), "com.test.early"));
    c.expectAbortAndClose(WampUris.PROTOCOL_VIOLATION);
    bystanders.assertStillRoutes();
  }

  @Test
  void aSecondHello() {
    RawSocketClient c = joined(Serializer.JSON);
    c.send(new Hello("realm1", Map.of("roles", Map.of("caller", Map.of()))));
    c.expectAbortAndClose(WampUris.PROTOCOL_VIOLATION);
    bystanders.assertStillRoutes();
  }

  @Test
  void helloForAnUnknownRealm() {
    RawSocketClient c = track(RawSocketClient.connect(port(), Serializer.MSGPACK));
    c.send(new Hello("com.test.nowhere", Map.of("roles", Map.of("caller", Map.of()))));
    c.expectAbortAndClose(WampUris.NO_SUCH_REALM);
    bystanders.assertStillRoutes();
  }

  private int port() {
    return server.port().orElseThrow();
  }

  private RawSocketClient joined(Serializer serializer) {
    return track(RawSocketClient.join(port(), serializer, "realm1"));
  }

  private RawSocketClient track(RawSocketClient c) {
    clients.add(c);
    return c;
  }
}
