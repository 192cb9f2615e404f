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
 * dropped. DOWN while the node is not part of its cluster (NATS unreachable, or the cluster's
 * registrations and sessions not open yet): it refuses new sessions then (their IDs could not be
 * made unique), so a load balancer had better send them to a node that takes them. The sessions it
 * has go on until it fences.
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
        .status(node.isConnected())
        .withData("cluster", node.describe())
        .withData("connected", node.isConnected())
        .build();
  }
}
