package io.quarkbar.router.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.router.support.RawWebSocket;
import io.quarkbar.router.support.WampTestClient;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a client sees of the opening handshake: the subprotocol it gets, or why it is refused. */
@QuarkusTest
class WebSocketHandshakeTest {

  @TestHTTPResource("/ws")
  URI ws;

  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "wamp.2.cbor,wamp.2.msgpack,wamp.2.json | wamp.2.cbor",
        "wamp.2.json, wamp.2.msgpack | wamp.2.json",
        "wamp.2.msgpack, | wamp.2.msgpack",
        "foo, wamp.2.cbor | wamp.2.cbor",
        "wamp.2.msgpack | wamp.2.msgpack",
      })
  void picksTheClientsFirstSupportedSubprotocolAndSpeaksIt(String offered, String expected)
      throws Exception {
    try (RawWebSocket raw = upgrade(Map.of("Sec-WebSocket-Protocol", offered))) {
      assertThat(raw.status()).as("status, body: %s", raw.body()).isEqualTo(101);
      assertThat(raw.header("Sec-WebSocket-Protocol")).isEqualTo(expected);

      // The session really speaks the echoed serializer: HELLO in it gets WELCOME in it.
      Serializer serializer = Serializer.forSubprotocol(expected).orElseThrow();
      raw.sendFrame(
          serializer.isBinary() ? RawWebSocket.BINARY : RawWebSocket.TEXT,
          true,
          serializer.encode(new Hello("realm1", Map.of("roles", WampTestClient.ROLES))));
      RawWebSocket.Frame frame = raw.readFrame();
      assertThat(frame.opcode())
          .isEqualTo(serializer.isBinary() ? RawWebSocket.BINARY : RawWebSocket.TEXT);
      assertThat(serializer.decode(frame.payload())).isInstanceOf(Welcome.class);
    }
  }

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(
      delimiter = '|',
      value = {"mqtt", "wamp.2.json.batched, wamp.1.json", "''"})
  void noSupportedSubprotocolIsRefusedWith400(String offered) throws Exception {
    try (RawWebSocket raw = upgrade(Map.of("Sec-WebSocket-Protocol", offered))) {
      assertThat(raw.status()).isEqualTo(400);
      assertThat(raw.header("Sec-WebSocket-Protocol")).isNull();
      assertThat(raw.body()).contains("wamp.2.json", "wamp.2.msgpack", "wamp.2.cbor");
    }
  }

  @Test
  void noSubprotocolHeaderAtAllIsRefusedWith400() throws Exception {
    try (RawWebSocket raw = upgrade(Map.of())) {
      assertThat(raw.status()).isEqualTo(400);
      assertThat(raw.body()).contains("subprotocol");
    }
  }

  @Test
  void plainGetWithoutUpgradeIsAnswered426WithAnExplanation() throws Exception {
    try (RawWebSocket raw =
        RawWebSocket.request(ws, Map.of("Host", ws.getHost() + ":" + ws.getPort()))) {
      assertThat(raw.status()).isEqualTo(426);
      assertThat(raw.header("Content-Type")).startsWith("text/plain");
      assertThat(raw.body()).containsIgnoringCase("websocket");
    }
  }

  @Test
  void foreignOriginIsRefusedWith403() throws Exception {
    try (RawWebSocket raw = upgrade(json(Map.of("Origin", "http://evil.example")))) {
      assertThat(raw.status()).isEqualTo(403);
      assertThat(raw.header("Sec-WebSocket-Protocol")).isNull();
      assertThat(raw.body()).contains("http://evil.example");
    }
  }

  @Test
  void foreignOriginWithTheRoutersPortOnAnotherHostIsRefused() throws Exception {
    try (RawWebSocket raw =
        upgrade(json(Map.of("Origin", "http://evil.example:" + ws.getPort())))) {
      assertThat(raw.status()).isEqualTo(403);
    }
  }

  @Test
  void originOfTheRoutersOwnHostAndPortIsAccepted() throws Exception {
    String origin = "http://" + ws.getHost() + ":" + ws.getPort();
    try (RawWebSocket raw = upgrade(json(Map.of("Origin", origin)))) {
      assertThat(raw.status()).as("body: %s", raw.body()).isEqualTo(101);
      assertThat(raw.header("Sec-WebSocket-Protocol")).isEqualTo("wamp.2.json");
    }
  }

  @Test
  void noOriginAtAllIsAccepted() throws Exception {
    try (RawWebSocket raw = upgrade(json(Map.of()))) {
      assertThat(raw.status()).as("body: %s", raw.body()).isEqualTo(101);
    }
  }

  private RawWebSocket upgrade(Map<String, String> headers) throws Exception {
    return RawWebSocket.upgrade(ws, headers);
  }

  private static Map<String, String> json(Map<String, String> headers) {
    Map<String, String> all = new HashMap<>(headers);
    all.put("Sec-WebSocket-Protocol", "wamp.2.json");
    return all;
  }
}
