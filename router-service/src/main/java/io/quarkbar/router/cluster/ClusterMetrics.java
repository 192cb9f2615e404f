package io.quarkbar.router.cluster;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.quarkbar.router.config.RouterServiceConfig;
import io.quarkbar.wamp.cluster.ClusterNode;
import io.quarkbar.wamp.router.Router;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The cluster's meters, when the router is a node of one: {@code quarkbar.router.cluster.connected}
 * (1 while connected to NATS) and {@code quarkbar.router.cluster.events} by {@code direction}
 * (sent, received, dropped).
 */
@Singleton
public class ClusterMetrics implements MeterBinder {

  @Inject RouterCluster cluster;
  @Inject RouterServiceConfig config;

  /** Built first: building the router is what joins the cluster. */
  @Inject Router router;

  @Override
  public void bindTo(MeterRegistry registry) {
    if (!config.metrics().enabled() || cluster.node().isEmpty()) {
      return;
    }
    ClusterNode node = cluster.node().get();
    Gauge.builder("quarkbar.router.cluster.connected", node, n -> n.isConnected() ? 1 : 0)
        .description("1 while this node is connected to the cluster's NATS, else 0")
        .register(registry);
    counter(registry, node, "sent", ClusterNode::eventsSent);
    counter(registry, node, "received", ClusterNode::eventsReceived);
    counter(registry, node, "dropped", ClusterNode::eventsDropped);
  }

  private static void counter(
      MeterRegistry registry,
      ClusterNode node,
      String direction,
      java.util.function.ToDoubleFunction<ClusterNode> count) {
    FunctionCounter.builder("quarkbar.router.cluster.events", node, count)
        .tag("direction", direction)
        .description("publications shared with the other nodes of the cluster")
        .register(registry);
  }
}
