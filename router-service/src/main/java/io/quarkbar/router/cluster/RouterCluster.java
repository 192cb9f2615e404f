package io.quarkbar.router.cluster;

import io.netty.channel.nio.NioEventLoop;
import io.netty.channel.nio.NioTask;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import io.quarkbar.router.config.RouterServiceConfig;
import io.quarkbar.wamp.cluster.ClusterNode;
import io.quarkbar.wamp.cluster.ClusterSettings;
import io.quarkbar.wamp.cluster.LoopWatch;
import io.quarkbar.wamp.router.Router;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * This router's membership of a cluster ({@code router.cluster.*}), if it has one: joined when the
 * router is built, before it takes sessions; left at shutdown, after the sessions' GOODBYE.
 */
@ApplicationScoped
public class RouterCluster {

  private static final Logger LOG = Logger.getLogger(RouterCluster.class);

  @Inject RouterServiceConfig config;

  @Inject io.vertx.core.Vertx vertx;

  private volatile ClusterNode node;

  /** Whether the log said once that the calls' connection cannot be read on an event loop. */
  private volatile boolean toldNotNio;

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
              c.deathTimeout(),
              c.directCalls(),
              c.callHost(),
              c.callPort());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "router.cluster.* (name, node, nats-user/nats-password, request-timeout, heartbeat,"
              + " death-timeout, call-host, call-port): "
              + e.getMessage(),
          e);
    }
    node = ClusterNode.join(settings, router, RouterCluster::afterTurn, this::watchOnLoop);
    LOG.infof(
        "the router is node %s of cluster %s over NATS at %s (connecting); calls between nodes %s",
        settings.node(),
        settings.cluster(),
        settings.natsUrl(),
        node.callsAt().map(at -> "come to " + at).orElse("go through NATS"));
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

  /**
   * Watches the calls' NATS connection on one of Vert.x's event loops, as Netty lets a plain NIO
   * channel be watched beside its own ({@code NioEventLoop.register}): a call from another node is
   * then handled on an event loop, not handed to one by the connection's own thread. False (the
   * connection's thread reads) where the loops are not Netty's NIO ones (the native transport).
   */
  private boolean watchOnLoop(SocketChannel ch, LoopWatch.Ready ready) throws IOException {
    if (!(vertx.nettyEventLoopGroup().next() instanceof NioEventLoop loop)) {
      if (!toldNotNio) {
        toldNotNio = true;
        LOG.infof(
            "the calls between router nodes are read on a thread of their own: the event loops"
                + " are not Netty's NIO ones (a native transport?), which cost a hand-off per"
                + " call");
      }
      return false;
    }
    NioTask<SocketChannel> task =
        new NioTask<>() {
          @Override
          public void channelReady(SocketChannel channel, SelectionKey key) {
            ready.ready(key);
          }

          @Override
          public void channelUnregistered(SocketChannel channel, Throwable cause) {
            // Also when the wire closed the channel itself: it then knows already.
            ready.unwatched();
          }
        };
    try {
      loop.submit(() -> loop.register(ch, SelectionKey.OP_READ, task)).get(10, TimeUnit.SECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while an event loop took the NATS connection", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("no event loop took the NATS connection: " + e.getMessage(), e);
    }
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
