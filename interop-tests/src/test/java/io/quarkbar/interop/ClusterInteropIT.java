package io.quarkbar.interop;

import static org.assertj.core.api.Assertions.assertThat;

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

  private static ClusterProcesses cluster;

  @RegisterExtension
  final TestWatcher logsOnFailure =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          if (cluster != null) {
            System.out.printf(
                "--- after %s failed ---%n%s", context.getDisplayName(), cluster.logTails());
          }
        }
      };

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = ClusterProcesses.start(LOG_DIR, "cluster");
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "msgpack", "cbor"})
  void autobahnPythonSessionsOnThreeNodesShareEvents(String serializer) throws Exception {
    runChecks(Peer.python("cluster_python.py"), "cluster-python-" + serializer, serializer, 16);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "msgpack", "cbor"})
  void autobahnJsSessionsOnThreeNodesShareEvents(String serializer) throws Exception {
    runChecks(Peer.javascript("cluster-js.js"), "cluster-js-" + serializer, serializer, 6);
  }

  /**
   * Runs a peer program with the three nodes' URLs, the realm and {@code serializer}; every one of
   * its {@code checks} checks must pass.
   */
  private static void runChecks(List<String> program, String log, String serializer, int checks)
      throws Exception {
    List<String> command = new ArrayList<>(program);
    cluster.nodes.forEach(n -> command.add(n.webSocketUrl()));
    command.add("realm1");
    command.add(serializer);

    String output = PeerProcess.run(command, Map.of(), Set.of(), LOG_DIR.resolve(log + ".log"));

    assertThat(output).contains("all checks passed").doesNotContain("FAIL");
    assertThat(Stream.of(output.split("\n")).filter(l -> l.startsWith("PASS")).count())
        .as("checks passed:\n" + output)
        .isEqualTo(checks);
  }

  @Test
  void everyNodeReportsItsClusterInItsReadinessAndMetrics() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    for (int i = 0; i < cluster.nodes.size(); i++) {
      URI ready =
          URI.create(cluster.nodes.get(i).webSocketUrl().replace("ws://", "http://"))
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
