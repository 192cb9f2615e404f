package io.quarkbar.router.cluster;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import io.quarkbar.router.config.RouterServiceConfig;
import io.quarkbar.wamp.cluster.ClusterNode;
import io.quarkbar.wamp.cluster.ClusterSettings;
import io.quarkbar.wamp.router.Router;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * This router's membership of a cluster ({@code router.cluster.*}), if it has one: joined when the
 * router is built, before it takes sessions; left at shutdown, after the sessions' GOODBYE.
 */
@ApplicationScoped
public class RouterCluster {

  private static final Logger LOG = Logger.getLogger(RouterCluster.class);

  @Inject RouterServiceConfig config;

  private volatile ClusterNode node;

  /** Joins the cluster if one is configured; called once, by the router's producer. */
  public void join(Router router) {
    RouterServiceConfig.ClusterSettings c = config.cluster();
    if (c.natsUrl().isEmpty()) {
      return;
    }
    ClusterSettings settings;
    try {
      settings =
          new ClusterSettings(
              c.natsUrl().get(),
              c.name(),
              c.node().orElseGet(RouterCluster::defaultNodeName),
              c.natsUser(),
              c.natsPassword(),
              c.natsToken(),
              c.requestTimeout(),
              c.heartbeat(),
              c.deathTimeout());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "router.cluster.* (name, node, nats-user/nats-password, request-timeout, heartbeat,"
              + " death-timeout): "
              + e.getMessage(),
          e);
    }
    node = ClusterNode.join(settings, router, RouterCluster::afterTurn);
    LOG.infof(
        "the router is node %s of cluster %s over NATS at %s (connecting)",
        settings.node(), settings.cluster(), settings.natsUrl());
  }

  /**
   * Runs {@code task} after the current turn of the event loop this thread is, as {@link
   * io.quarkbar.router.transport.BatchingWriter} flushes a connection's frames: the calls a turn
   * sends to other nodes go to NATS in one write. Netty runs a loop's tasks after the reads of its
   * turn; {@code ThreadExecutorMap} tells which loop, if any, the thread is.
   */
  private static boolean afterTurn(Runnable task) {
    EventExecutor loop = ThreadExecutorMap.currentExecutor();
    if (loop == null) {
      return false;
    }
    loop.execute(task);
    return true;
  }

  /** The node, when the router is part of a cluster. */
  public Optional<ClusterNode> node() {
    return Optional.ofNullable(node);
  }

  /** Leaves after the router's own shutdown observer (which says GOODBYE to the sessions). */
  void stopping(@Observes @jakarta.annotation.Priority(3000) ShutdownEvent event) {
    ClusterNode n = node;
    if (n != null) {
      n.close();
    }
  }

  /** The host name and the process ID, as a node name: unique on one machine and across hosts. */
  static String defaultNodeName() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "node";
    }
    String plain = host.replaceAll("[^A-Za-z0-9_-]", "-");
    return plain + "-" + ProcessHandle.current().pid();
  }
}
