package io.quarkbar.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.testing.nats.NatsServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Three packaged routers as one cluster over a private nats-server, with Autobahn|Python
 * (src/test/python/cluster_python.py) and Autobahn|JS (src/test/node/cluster-js.js) sessions spread
 * over the nodes: what one node's clients publish, the others' receive, with the single router's
 * semantics.
 */
class ClusterInteropIT {

  private static final Path LOG_DIR =
      Path.of(System.getProperty("interop.log.dir", "target/interop-logs"));

  private static NatsServer nats;
  private static final List<RouterProcess> nodes = new ArrayList<>();

  @RegisterExtension
  final TestWatcher logsOnFailure =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          for (int i = 0; i < nodes.size(); i++) {
            System.out.printf(
                "--- node n%d log (tail) after %s failed ---%n%s%n",
                i + 1, context.getDisplayName(), nodes.get(i).logTail(40));
          }
          if (nats != null) {
            System.out.printf("--- nats-server log (tail) ---%n%s%n", nats.logTail(20));
          }
        }
      };

  @BeforeAll
  static void startCluster() throws Exception {
    nats = NatsServer.start(Path.of("target", "nats"));
    Path runJar =
        Path.of(
            System.getProperty(
                "interop.router.jar", "../router-service/target/quarkus-app/quarkus-run.jar"));
    String cluster = "it" + UUID.randomUUID().toString().substring(0, 8);
    for (int i = 1; i <= 3; i++) {
      nodes.add(
          RouterProcess.builder(
                  runJar,
                  Path.of("src", "test", "resources", "realm1.yaml").toAbsolutePath(),
                  LOG_DIR.resolve("cluster-n" + i + ".log"))
              .systemProperty("router.cluster.nats-url", nats.url())
              .systemProperty("router.cluster.name", cluster)
              .systemProperty("router.cluster.node", "n" + i)
              .start());
    }
    for (RouterProcess node : nodes) {
      node.awaitClusterConnected(Duration.ofSeconds(30));
    }
  }

  @AfterAll
  static void stopCluster() {
    nodes.forEach(RouterProcess::close);
    if (nats != null) {
      nats.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "msgpack", "cbor"})
  void autobahnPythonSessionsOnThreeNodesShareEvents(String serializer) throws Exception {
    List<String> command = new ArrayList<>(Peer.python("cluster_python.py"));
    nodes.forEach(n -> command.add(n.webSocketUrl()));
    command.add("realm1");
    command.add(serializer);

    String output =
        PeerProcess.run(
            command, Map.of(), Set.of(), LOG_DIR.resolve("cluster-python-" + serializer + ".log"));

    assertThat(output).contains("all checks passed").doesNotContain("FAIL");
    assertThat(Stream.of(output.split("\n")).filter(l -> l.startsWith("PASS")).count())
        .as("checks passed:\n" + output)
        .isEqualTo(7);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "msgpack", "cbor"})
  void autobahnJsSessionsOnThreeNodesShareEvents(String serializer) throws Exception {
    List<String> command = new ArrayList<>(Peer.javascript("cluster-js.js"));
    nodes.forEach(n -> command.add(n.webSocketUrl()));
    command.add("realm1");
    command.add(serializer);

    String output =
        PeerProcess.run(
            command, Map.of(), Set.of(), LOG_DIR.resolve("cluster-js-" + serializer + ".log"));

    assertThat(output).contains("all checks passed").doesNotContain("FAIL");
    assertThat(Stream.of(output.split("\n")).filter(l -> l.startsWith("PASS")).count())
        .as("checks passed:\n" + output)
        .isEqualTo(4);
  }

  @Test
  void everyNodeReportsItsClusterInItsReadinessAndMetrics() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    for (int i = 0; i < nodes.size(); i++) {
      URI ready =
          URI.create(nodes.get(i).webSocketUrl().replace("ws://", "http://"))
              .resolve("/q/health/ready");
      HttpResponse<String> response =
          http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.body()).contains("node n" + (i + 1)).contains("NATS connected");
      HttpResponse<String> metrics =
          http.send(
              HttpRequest.newBuilder(ready.resolve("/q/metrics")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.body())
          .contains("quarkbar_router_cluster_connected 1.0")
          .contains("quarkbar_router_cluster_events_total{direction=\"sent\"}")
          .contains("quarkbar_router_cluster_events_total{direction=\"dropped\"}");
    }
  }
}
