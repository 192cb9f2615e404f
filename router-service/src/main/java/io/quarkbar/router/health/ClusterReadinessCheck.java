package io.quarkbar.router.health;

import io.quarkbar.router.cluster.RouterCluster;
import io.quarkbar.wamp.cluster.ClusterNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Where this router stands in its cluster: its node, NATS's state, the events it sent, received and
 * dropped. Always UP: a node cut off from NATS still serves its own sessions (their events stay on
 * it), and a readiness that failed with NATS would take every node out of service at once.
 */
@Readiness
@ApplicationScoped
public class ClusterReadinessCheck implements HealthCheck {

  @Inject RouterCluster cluster;

  @Override
  public HealthCheckResponse call() {
    if (cluster.node().isEmpty()) {
      return HealthCheckResponse.named("wamp-cluster")
          .up()
          .withData("cluster", "none (a router on its own)")
          .build();
    }
    ClusterNode node = cluster.node().get();
    return HealthCheckResponse.named("wamp-cluster")
        .up()
        .withData("cluster", node.describe())
        .withData("connected", node.isConnected())
        .build();
  }
}
