package io.quarkbar.wamp.cluster;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Result;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Calls between nodes on direct connections (the default): they skip the NATS server, only a node
 * that shows the secret of its heartbeat may send on them, a node with them turned off still calls
 * and is called, and a node whose address does not answer is called through NATS instead.
 */
class ClusterDirectCallsTest {

  @Test
  void callsBetweenNodesSkipTheNatsServer() {
    try (Cluster cluster = Cluster.start(3)) {
      Peer callee = cluster.join(2);
      callee.register("com.example.direct", Map.of());
      ClusterCallsTest.awaitRoutable(cluster, 1, "com.example.direct");
      Peer caller = cluster.join(1);
      callOnce(
          caller,
          callee,
          "com.example.direct",
          0); // the first call may wait for the node's connection

      long before = cluster.nats.messagesIn();
      for (int i = 1; i <= 200; i++) {
        callOnce(caller, callee, "com.example.direct", i);
      }
      long through = cluster.nats.messagesIn() - before;

      // 400 messages (200 calls, 200 results) went between the nodes; through NATS went only
      // heartbeats (three nodes, every 100 ms) and the like.
      assertThat(through).as("messages through NATS during 200 calls").isLessThan(100);
      assertThat(cluster.clusterNode(1).describe())
          .contains("direct to other nodes {n2=direct, n3=direct}");
    }
  }

  @Test
  void aNodeWithDirectCallsOffCallsAndIsCalledByOneWithThemOn() {
    try (Cluster cluster =
        Cluster.tuned(2, (n, settings) -> n == 1 ? settings.withDirectCalls(false) : settings)) {
      assertThat(cluster.clusterNode(1).callsAt()).isEmpty();
      assertThat(cluster.clusterNode(2).callsAt()).isPresent();
      Peer one = cluster.join(1);
      Peer two = cluster.join(2);
      one.register("com.example.on_one", Map.of());
      two.register("com.example.on_two", Map.of());
      ClusterCallsTest.awaitRoutable(cluster, 2, "com.example.on_one");
      ClusterCallsTest.awaitRoutable(cluster, 1, "com.example.on_two");

      for (int i = 0; i < 20; i++) {
        callOnce(two, one, "com.example.on_one", i);
        callOnce(one, two, "com.example.on_two", i);
      }
    }
  }

  @Test
  void aConnectionThatDoesNotShowTheNodesSecretIsRefused() throws IOException {
    try (Cluster cluster = Cluster.start(2)) {
      Peer callee = cluster.join(1);
      callee.register("com.example.guarded", Map.of());
      int port = port(cluster.clusterNode(1).callsAt());
      String inbox = "qb." + cluster.name + ".n.n1.in";

      // A wrong secret, then a call: -ERR, closed, nothing invoked.
      assertThat(
              exchange(
                  port,
                  "CONNECT {\"auth_token\":\"guess\"}\r\nPUB " + inbox + " 3\r\nabc\r\nPING\r\n"))
          .contains("-ERR 'Authorization Violation'")
          .doesNotContain("PONG");
      // No CONNECT at all: the same.
      assertThat(exchange(port, "PUB " + inbox + " 3\r\nabc\r\nPING\r\n"))
          .contains("-ERR 'Authorization Violation'")
          .doesNotContain("PONG");
      assertThat(callee.poll(Duration.ofMillis(300))).isNull();

      // The other node's own connection is unaffected.
      ClusterCallsTest.awaitRoutable(cluster, 2, "com.example.guarded");
      callOnce(cluster.join(2), callee, "com.example.guarded", 1);
    }
  }

  @Test
  void aNodeWhoseAddressDoesNotAnswerIsCalledThroughNats() {
    // Node 2 tells the others an address where nothing answers (a documentation-only network).
    try (Cluster cluster =
        Cluster.tuned(
            2,
            (n, settings) ->
                new ClusterSettings(
                    settings.natsUrl(),
                    settings.cluster(),
                    settings.node(),
                    settings.user(),
                    settings.password(),
                    settings.token(),
                    Duration.ofMillis(500),
                    settings.heartbeat(),
                    settings.deathTimeout(),
                    true,
                    n == 2 ? Optional.of("192.0.2.1") : Optional.empty(),
                    0))) {
      Peer callee = cluster.join(2);
      callee.register("com.example.misplaced", Map.of());
      ClusterCallsTest.awaitRoutable(cluster, 1, "com.example.misplaced");
      Peer caller = cluster.join(1);

      // The first call waits for the address, then goes through NATS; so do the next ones.
      for (int i = 0; i < 5; i++) {
        callOnce(caller, callee, "com.example.misplaced", i);
      }
      assertThat(cluster.clusterNode(1).describe()).contains("n2=via NATS");
    }
  }

  @Test
  void aConnectionThatNeverShowsTheSecretIsClosed() throws IOException {
    try (Cluster cluster = Cluster.start(1)) {
      int port = port(cluster.clusterNode(1).callsAt());
      long started = System.nanoTime();
      // Says nothing: the node closes it after request-timeout (2 s), not never.
      assertThat(exchange(port, "")).startsWith("INFO ");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }
  }

  /** {@code caller} calls {@code procedure} of {@code callee}, which answers with {@code i}. */
  private static void callOnce(Peer caller, Peer callee, String procedure, int i) {
    long request = caller.call(procedure, Map.of(), List.of(i));
    Invocation inv = callee.invocationOf(caller);
    assertThat(inv.arguments()).containsExactly((long) i);
    callee.yield(inv.request(), Map.of(), List.of(i));
    Result r = caller.result(request);
    assertThat(r.arguments()).containsExactly((long) i);
  }

  private static int port(Optional<String> at) {
    assertThat(at).isPresent();
    return Integer.parseInt(at.get().substring(at.get().lastIndexOf(':') + 1));
  }

  /** Writes {@code request} to the port, returns what comes back until the node closes it. */
  private static String exchange(int port, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      try {
        for (int n; (n = in.read(buf)) > 0; ) {
          got.write(buf, 0, n);
        }
      } catch (java.net.SocketException reset) {
        // The node closed with bytes of ours unread: what it wrote before is in got.
      }
      return got.toString(US_ASCII);
    }
  }
}
