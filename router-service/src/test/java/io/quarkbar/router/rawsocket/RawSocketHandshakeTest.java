package io.quarkbar.router.rawsocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.router.support.RawSocketClient;
import io.quarkbar.router.support.RealmProbe;
import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The RawSocket opening handshake: the router echoes the client's serializer and announces its own
 * maximum message length, or answers with the specification's error code and closes; a connection
 * that is not RawSocket at all is closed without a word. No refused handshake disturbs the sessions
 * already open ({@link RealmProbe}).
 */
@QuarkusTest
@TestProfile(RawSocketProfile.class)
class RawSocketHandshakeTest {

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

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void eachSerializerIsAcceptedAndJoins(Serializer serializer) {
    RawSocketClient c = track(RawSocketClient.connect(port(), serializer));
    // 4096 is 2^(9+3): the reply's LLLL is 3.
    assertThat(c.routerMaxLength()).isEqualTo(RawSocketProfile.MAX_MESSAGE);
    long session = c.join("realm1");

    // The session meta API tells what the connection is.
    long request = c.nextRequest();
    c.send(new Call(request, Map.of(), "wamp.session.get", List.of(session), Map.of()));
    Result result = c.expect(Result.class);
    assertThat(result.arguments().getFirst())
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .extractingByKey("transport")
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("type", "rawsocket")
        .containsEntry("protocol", serializer.subprotocol());
    bystanders.assertStillRoutes();
  }

  @Test
  void theSmallestMaximumThatHoldsAWelcomeIsAccepted() {
    // L = 1: 1024 bytes, more than the router's WELCOME.
    RawSocketClient c = track(RawSocketClient.connect(port(), Serializer.JSON, 1));
    c.join("realm1");
  }

  @Test
  void handshakeAndHelloMayComeInOneWrite() {
    RawSocketClient c = track(RawSocketClient.open(port()));
    ByteArrayOutputStream both = new ByteArrayOutputStream();
    both.writeBytes(RawSocketClient.handshakeBytes(Serializer.CBOR));
    both.writeBytes(
        RawSocketClient.frame(
            RawSocketClient.MESSAGE,
            Serializer.CBOR.encode(
                new Hello("realm1", Map.of("roles", Map.of("caller", Map.of()))))));
    c.sendRaw(both.toByteArray());
    assertThat(c.reply()).containsExactly(0x7F, 0x33, 0, 0);
    c.accepted(Serializer.CBOR, RawSocketProfile.MAX_MESSAGE);
    c.expect(Welcome.class);
  }

  @Test
  void aHandshakeMayArriveByteByByte() throws InterruptedException {
    RawSocketClient c = track(RawSocketClient.open(port()));
    for (byte b : RawSocketClient.handshakeBytes(Serializer.MSGPACK)) {
      c.sendRaw(new byte[] {b});
      Thread.sleep(20);
    }
    assertThat(c.reply()).containsExactly(0x7F, 0x32, 0, 0);
    c.accepted(Serializer.MSGPACK, RawSocketProfile.MAX_MESSAGE);
    c.join("realm1");
  }

  /** 0 is illegal, 4 (UBJSON) and 5 (FlatBuffers) are not spoken here, 6 to 15 are reserved. */
  @ParameterizedTest
  @ValueSource(ints = {0, 4, 5, 6, 15})
  void anUnsupportedSerializerIsError1(int serializer) {
    RawSocketClient c = track(RawSocketClient.open(port()));
    assertThat(c.handshake(0x7F, 0xF0 | serializer, 0, 0)).containsExactly(0x7F, 0x10, 0, 0);
    assertThat(c.closedWithoutAWord(Duration.ofSeconds(5))).as("closed after the error").isTrue();
    bystanders.assertStillRoutes();
  }

  @Test
  void aMaximumTooSmallForAWelcomeIsError2() {
    RawSocketClient c = track(RawSocketClient.open(port()));
    // L = 0: 512 bytes, less than the router's WELCOME.
    assertThat(c.handshake(0x7F, 0x01, 0, 0)).containsExactly(0x7F, 0x20, 0, 0);
    assertThat(c.closedWithoutAWord(Duration.ofSeconds(5))).isTrue();
    bystanders.assertStillRoutes();
  }

  @ParameterizedTest
  @ValueSource(ints = {0x0001, 0x0100, 0x8000})
  void reservedBitsAreError3(int reserved) {
    RawSocketClient c = track(RawSocketClient.open(port()));
    assertThat(c.handshake(0x7F, 0xF1, reserved >>> 8, reserved & 0xFF))
        .containsExactly(0x7F, 0x30, 0, 0);
    assertThat(c.closedWithoutAWord(Duration.ofSeconds(5))).isTrue();
    bystanders.assertStillRoutes();
  }

  @Test
  void anHttpRequestIsClosedWithoutAReply() {
    RawSocketClient c = track(RawSocketClient.open(port()));
    c.sendRaw("GET /ws HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(c.closedWithoutAWord(Duration.ofSeconds(5))).isTrue();
    bystanders.assertStillRoutes();
  }

  @Test
  void aFrameWithoutAHandshakeIsClosedWithoutAReply() {
    RawSocketClient c = track(RawSocketClient.open(port()));
    c.sendRaw(
        RawSocketClient.frame(
            RawSocketClient.MESSAGE,
            Serializer.JSON.encode(
                new Hello("realm1", Map.of("roles", Map.of("caller", Map.of()))))));
    assertThat(c.closedWithoutAWord(Duration.ofSeconds(5))).isTrue();
    bystanders.assertStillRoutes();
  }

  private int port() {
    return server.port().orElseThrow();
  }

  private RawSocketClient track(RawSocketClient c) {
    clients.add(c);
    return c;
  }
}
