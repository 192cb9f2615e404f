package io.quarkbar.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real third-party WAMP clients against the packaged router: every {@link Peer} runs the same
 * scenario (see src/test/node/scenario.js) once per serializer, as a child process. One router
 * process serves the whole class.
 */
class RouterInteropIT {

  private static final String REALM = "realm1";
  private static final List<String> SERIALIZERS = List.of("json", "msgpack", "cbor");
  // The scenarios stop themselves after 20 s; this only catches a peer that hangs on start-up.
  private static final Duration PEER_TIMEOUT = Duration.ofSeconds(60);
  private static final Path LOG_DIR =
      Path.of(System.getProperty("interop.log.dir", "target/interop-logs"));

  private static RouterProcess router;

  @RegisterExtension
  final TestWatcher routerLogOnFailure =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          if (router != null) {
            System.out.printf(
                "--- router log (tail) after %s failed ---%n%s%n",
                context.getDisplayName(), router.logTail(60));
          }
        }
      };

  @BeforeAll
  static void startRouter() throws Exception {
    Path runJar =
        Path.of(
            System.getProperty(
                "interop.router.jar", "../router-service/target/quarkus-app/quarkus-run.jar"));
    router = RouterProcess.start(runJar, realmFile(), LOG_DIR.resolve("router.log"));
  }

  @AfterAll
  static void stopRouter() throws InterruptedException {
    if (router != null) {
      router.close();
    }
  }

  static Stream<Arguments> peersAndSerializers() {
    return Arrays.stream(Peer.values())
        .flatMap(peer -> SERIALIZERS.stream().map(serializer -> Arguments.of(peer, serializer)));
  }

  @ParameterizedTest(name = "{0} over {1}")
  @MethodSource("peersAndSerializers")
  void peerRunsTheScenario(Peer peer, String serializer) throws Exception {
    Path output = LOG_DIR.resolve(peer.id() + "-" + serializer + ".log");
    List<String> command =
        Stream.concat(peer.command().stream(), Stream.of(router.webSocketUrl(), REALM, serializer))
            .toList();
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    boolean finished = process.waitFor(PEER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (!finished) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    int exitCode = finished ? process.exitValue() : -1;
    if (exitCode != 0) {
      fail(
          "%s over %s %s\ncommand: %s\n--- peer output ---\n%s",
          peer,
          serializer,
          finished ? "exited with " + exitCode : "hung for " + PEER_TIMEOUT,
          String.join(" ", command),
          Files.readString(output, StandardCharsets.UTF_8));
    }
  }

  /**
   * The Sec-WebSocket-Protocol shapes real clients send, byte for byte: Autobahn|JS in a browser
   * ("a, b"), Autobahn|Java with an explicit list (trailing comma) and by default (no spaces). The
   * router must pick the first one it supports in the client's order and echo it. No Origin header
   * is sent, as with any non-browser client, which the router allows.
   */
  @ParameterizedTest(name = "\"{0}\" -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "wamp.2.json, wamp.2.msgpack       | wamp.2.json",
        "wamp.2.msgpack,                   | wamp.2.msgpack",
        "wamp.2.cbor,wamp.2.msgpack,wamp.2.json | wamp.2.cbor",
        "wamp.2.ubjson, wamp.2.cbor        | wamp.2.cbor",
      })
  void negotiatesTheFirstSupportedSubprotocol(String offered, String expected) throws Exception {
    RawHandshake.Response response = RawHandshake.upgrade(router.port(), offered);

    assertThat(response.status()).as("status for %s", offered).isEqualTo(101);
    assertThat(response.header("Sec-WebSocket-Accept")).isEqualTo(response.expectedAccept());
    assertThat(response.header("Sec-WebSocket-Protocol")).isEqualTo(expected);
  }

  @Test
  void refusesAnUpgradeWithoutAWampSubprotocol() {
    int status;
    try {
      status = RawHandshake.upgrade(router.port(), "chat, superchat").status();
    } catch (IOException closedWithoutAnswer) {
      return;
    }
    assertThat(status).as("status for a handshake offering no WAMP subprotocol").isNotEqualTo(101);
  }

  @Test
  void javaHttpClientWebSocketJoinsOverTheNegotiatedSubprotocol() throws Exception {
    TextCollector messages = new TextCollector();
    WebSocket ws =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .subprotocols("wamp.2.json", "wamp.2.msgpack")
            .buildAsync(wsUri(), messages)
            .get(10, TimeUnit.SECONDS);
    try {
      assertThat(ws.getSubprotocol()).isEqualTo("wamp.2.json");

      ws.sendText("[1,\"realm1\",{\"roles\":{\"caller\":{},\"subscriber\":{}}}]", true)
          .get(5, TimeUnit.SECONDS);
      assertThat(messages.next()).as("answer to HELLO").startsWith("[2,");

      ws.sendText("[6,{},\"wamp.close.system_shutdown\"]", true).get(5, TimeUnit.SECONDS);
      assertThat(messages.next()).as("answer to GOODBYE").startsWith("[6,");
    } finally {
      // The router may have closed the WebSocket after GOODBYE already.
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "")
          .handle((sent, alreadyClosed) -> null)
          .get(5, TimeUnit.SECONDS);
      ws.abort();
    }
  }

  @Test
  void javaHttpClientWebSocketIsRefusedWithoutAWampSubprotocol() {
    CompletableFuture<WebSocket> handshake =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .subprotocols("chat")
            .buildAsync(wsUri(), new TextCollector());

    // A 4xx answer surfaces as WebSocketHandshakeException, a dropped connection as an IOException.
    assertThatThrownBy(() -> handshake.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);
  }

  private static URI wsUri() {
    try {
      return new URI(router.webSocketUrl());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path realmFile() throws URISyntaxException {
    return Path.of(RouterInteropIT.class.getResource("/realm1.yaml").toURI());
  }

  /** Whole text messages in arrival order. */
  private static final class TextCollector implements WebSocket.Listener {

    private final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        messages.add(partial.toString());
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    String next() throws InterruptedException {
      String message = messages.poll(5, TimeUnit.SECONDS);
      assertThat(message).as("a message within 5 s").isNotNull();
      return message;
    }
  }
}
