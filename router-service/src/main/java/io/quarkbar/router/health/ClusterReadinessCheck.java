package io.quarkbar.router.health;

import io.quarkbar.router.cluster.RouterCluster;
import io.quarkbar.wamp.cluster.ClusterNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * In a cluster, ready only while connected to NATS: a node cut off from it would give its clients
 * the events of its own sessions only. Always UP for a router on its own.
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
        .build();
  }
}
