package io.quarkbar.interop;

import io.quarkbar.testing.nats.NatsServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Three packaged routers as one cluster over a private nats-server (never the machine's shared one
 * on 4222), nodes {@code n1} to {@code n3} with {@code realm1.yaml}; returned once every node is
 * connected to NATS.
 */
final class ClusterProcesses implements AutoCloseable {

  final NatsServer nats;
  final List<RouterProcess> nodes = new ArrayList<>();

  private ClusterProcesses(NatsServer nats) {
    this.nats = nats;
  }

  /** Logs as {@code <logPrefix>-n1.log} and so on in {@code logDir}. */
  static ClusterProcesses start(Path logDir, String logPrefix) throws Exception {
    ClusterProcesses cluster = new ClusterProcesses(NatsServer.start(Path.of("target", "nats")));
    try {
      Path runJar =
          Path.of(
              System.getProperty(
                  "interop.router.jar", "../router-service/target/quarkus-app/quarkus-run.jar"));
      String name =
          logPrefix.replaceAll("[^A-Za-z0-9]", "") + UUID.randomUUID().toString().substring(0, 8);
      for (int i = 1; i <= 3; i++) {
        cluster.nodes.add(
            RouterProcess.builder(
                    runJar,
                    Path.of("src", "test", "resources", "realm1.yaml").toAbsolutePath(),
                    logDir.resolve(logPrefix + "-n" + i + ".log"))
                .systemProperty("router.cluster.nats-url", cluster.nats.url())
                .systemProperty("router.cluster.name", name)
                .systemProperty("router.cluster.node", "n" + i)
                // A node gone is noticed within a second and a half, so tests do not wait long.
                .systemProperty("router.cluster.heartbeat", "250ms")
                .systemProperty("router.cluster.death-timeout", "1500ms")
                .start());
      }
      for (RouterProcess node : cluster.nodes) {
        node.awaitClusterConnected(Duration.ofSeconds(30));
      }
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  /** Node {@code n}, counting from 1. */
  RouterProcess node(int n) {
    return nodes.get(n - 1);
  }

  /** The tails of every node's log and of NATS's, for a failed test. */
  String logTails() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < nodes.size(); i++) {
      s.append("--- node n").append(i + 1).append(" log (tail) ---\n");
      s.append(nodes.get(i).logTail(40)).append('\n');
    }
    s.append("--- nats-server log (tail) ---\n").append(nats.logTail(20)).append('\n');
    return s.toString();
  }

  @Override
  public void close() {
    try {
      nodes.forEach(RouterProcess::close);
    } finally {
      nats.close();
    }
  }
}
