package io.quarkbar.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.testing.processes.AppProcess;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * WAMP over RawSocket (TCP) with the packaged router, started with {@code router.rawsocket.port}
 * set: Autobahn|Python runs a scenario (src/test/python/autobahn_python_rawsocket.py) on each of
 * its RawSocket clients, Twisted's and asyncio's, in every serializer; and a router that shuts down
 * says GOODBYE to a RawSocket session before it closes the connection.
 */
class RawSocketInteropIT {

  private static final String REALM = "realm1";
  private static final List<String> SERIALIZERS = List.of("json", "msgpack", "cbor");
  private static final List<String> FRAMEWORKS = List.of("twisted", "asyncio");
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Path LOG_DIR =
      Path.of(System.getProperty("interop.log.dir", "target/interop-logs"));

  private static RouterProcess router;
  private static int rawSocketPort;

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
    rawSocketPort = AppProcess.freePort();
    router = startRouter(rawSocketPort, "router-rawsocket.log");
  }

  @AfterAll
  static void stopRouter() throws InterruptedException {
    if (router != null) {
      router.close();
    }
  }

  static Stream<Arguments> frameworksAndSerializers() {
    return FRAMEWORKS.stream()
        .flatMap(framework -> SERIALIZERS.stream().map(s -> Arguments.of(framework, s)));
  }

  /**
   * Join (two sessions), the transport as the session meta API reports it, register+call, call
   * no_such_procedure, an application error with args and kwargs, a 300 kB call, publish+event,
   * GOODBYE both ways, ABORT for an unknown realm.
   */
  @ParameterizedTest(name = "Autobahn|Python ({0}) over RawSocket {1}")
  @MethodSource("frameworksAndSerializers")
  void autobahnPythonRunsTheScenario(String framework, String serializer) throws Exception {
    List<String> command =
        Stream.concat(
                Peer.python("autobahn_python_rawsocket.py").stream(),
                Stream.of(rawSocketUrl(rawSocketPort), REALM, serializer, framework))
            .toList();
    PeerProcess.run(
        command,
        Map.of(),
        Set.of(),
        LOG_DIR.resolve("autobahn-python-rawsocket-" + framework + "-" + serializer + ".log"));
  }

  /**
   * The packaged defaults: the router announces 1 MiB (router.websocket.max-message-size, which
   * router.rawsocket.max-message-size defaults to), and refuses a serializer it does not speak.
   */
  @Test
  void theHandshakeAnnouncesTheDefaultMaximumAndRefusesUbjson() throws IOException {
    try (Socket socket = connect(rawSocketPort)) {
      // JSON, 16 MiB: reply LLLL = 11 (2^20), SSSS = 1.
      assertThat(handshake(socket, 0xF1)).containsExactly(0x7F, 0xB1, 0, 0);
    }
    try (Socket socket = connect(rawSocketPort)) {
      // UBJSON (4): error 1, serializer unsupported.
      assertThat(handshake(socket, 0xF4)).containsExactly(0x7F, 0x10, 0, 0);
      assertThat(socket.getInputStream().read()).as("closed after the error").isEqualTo(-1);
    }
  }

  /**
   * A router that shuts down first says GOODBYE {@code wamp.close.system_shutdown} to every
   * session, RawSocket ones included, and closes their connections after that. A router of its own,
   * since this one is stopped.
   */
  @Test
  void aRouterThatShutsDownSaysGoodbyeOverRawSocket() throws Exception {
    int port = AppProcess.freePort();
    RouterProcess stopping = startRouter(port, "router-rawsocket-shutdown.log");
    try (Socket socket = connect(port)) {
      assertThat(handshake(socket, 0xF1)).containsExactly(0x7F, 0xB1, 0, 0);
      send(socket, "[1,\"realm1\",{\"roles\":{\"subscriber\":{}}}]");
      assertThat(read(socket)).startsWith("[2,");

      CompletableFuture<Void> stopped = CompletableFuture.runAsync(stopping::close);
      String goodbye = read(socket);
      assertThat(goodbye).startsWith("[6,").contains("\"wamp.close.system_shutdown\"");
      send(socket, "[6,{},\"wamp.close.goodbye_and_out\"]");
      assertThat(socket.getInputStream().read())
          .as("connection closed after GOODBYE")
          .isEqualTo(-1);
      stopped.get();
    } finally {
      stopping.close();
    }
  }

  private static RouterProcess startRouter(int port, String log) throws Exception {
    Path runJar =
        Path.of(
            System.getProperty(
                "interop.router.jar", "../router-service/target/quarkus-app/quarkus-run.jar"));
    RouterProcess started =
        RouterProcess.builder(runJar, AuthInteropIT.resource("/realm1.yaml"), LOG_DIR.resolve(log))
            .systemProperty("router.rawsocket.port", String.valueOf(port))
            .start();
    awaitListening(port, started);
    return started;
  }

  /** The RawSocket port opens during start-up; the readiness check only covers HTTP. */
  private static void awaitListening(int port, RouterProcess started) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    started.close();
    throw new AssertionError(
        "nothing listens on RawSocket port " + port + ":\n" + started.logTail(40));
  }

  private static String rawSocketUrl(int port) {
    return "rs://127.0.0.1:" + port;
  }

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TIMEOUT.toMillis());
    socket.setSoTimeout((int) TIMEOUT.toMillis());
    return socket;
  }

  /** Sends {@code 0x7F, second, 0, 0} and returns the router's 4 bytes. */
  private static byte[] handshake(Socket socket, int second) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(new byte[] {0x7F, (byte) second, 0, 0});
    out.flush();
    return new DataInputStream(socket.getInputStream()).readNBytes(4);
  }

  /** One JSON message as a RawSocket frame (type 0). */
  private static void send(Socket socket, String json) throws IOException {
    byte[] payload = json.getBytes(StandardCharsets.UTF_8);
    OutputStream out = socket.getOutputStream();
    out.write(ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array());
    out.flush();
  }

  /** The next WAMP message frame, as JSON text. */
  private static String read(Socket socket) throws IOException {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    int prefix = in.readInt();
    assertThat(prefix >>> 24).as("frame type (0: a WAMP message)").isZero();
    byte[] payload = in.readNBytes(prefix & 0xFF_FFFF);
    if (payload.length < (prefix & 0xFF_FFFF)) {
      throw new EOFException("connection closed inside a frame");
    }
    return new String(payload, StandardCharsets.UTF_8);
  }
}
