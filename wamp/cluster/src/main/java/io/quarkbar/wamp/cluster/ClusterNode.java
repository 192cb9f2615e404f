package io.quarkbar.wamp.cluster;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.quarkbar.wamp.router.Router;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One router node of a cluster: its connection to NATS and what it shares over it. Today that is
 * publications ({@link NatsEventExchange}): a client on any node receives the events published on
 * any node, the router's meta events included.
 *
 * <p>The connection is made in the background and kept: NATS down at start-up or later is retried
 * forever, and {@link #isConnected} says how it stands (the readiness check reads it). Nothing is
 * buffered while disconnected, so nothing stale is sent after a reconnect.
 */
public final class ClusterNode implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ClusterNode.class);

  private final ClusterSettings settings;
  private final Connection connection;
  private final ExecutorService control;
  private final NatsEventExchange events;

  private ClusterNode(ClusterSettings settings, Connection connection, Router router) {
    this.settings = settings;
    this.connection = connection;
    this.control =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "quarkbar-cluster-" + settings.node());
              t.setDaemon(true);
              return t;
            });
    Subjects subjects = new Subjects(settings.cluster(), settings.node());
    this.events =
        new NatsEventExchange(connection, subjects, router, control, settings.requestTimeout());
    router.shareEvents(events);
  }

  /**
   * Connects {@code router} to its cluster. Returns once the first connection attempt is done,
   * whether or not it succeeded: a node whose NATS is not there yet keeps trying.
   */
  public static ClusterNode join(ClusterSettings settings, Router router) {
    Options.Builder options =
        Options.builder()
            .server(settings.natsUrl())
            .connectionName("quarkbar-" + settings.cluster() + "-" + settings.node())
            // A node's own publications were delivered locally already.
            .noEcho()
            // Nothing stale after a reconnect: at most once, as promised.
            .reconnectBufferSize(0)
            .maxReconnects(-1)
            .reconnectWait(Duration.ofMillis(250))
            .pingInterval(Duration.ofSeconds(2))
            .connectionTimeout(settings.requestTimeout())
            .connectionListener(
                (conn, event) -> {
                  if (event == ConnectionListener.Events.CONNECTED
                      || event == ConnectionListener.Events.RECONNECTED
                      || event == ConnectionListener.Events.RESUBSCRIBED) {
                    LOG.infof(
                        "cluster %s, node %s: NATS %s (%s)",
                        settings.cluster(),
                        settings.node(),
                        event.name().toLowerCase(java.util.Locale.ROOT),
                        conn.getConnectedUrl());
                  } else if (event == ConnectionListener.Events.DISCONNECTED) {
                    LOG.warnf(
                        "cluster %s, node %s: lost NATS; events from other nodes stop until it"
                            + " is back",
                        settings.cluster(), settings.node());
                  }
                });
    settings.user().ifPresent(u -> options.userInfo(u, settings.password().orElseThrow()));
    settings.token().ifPresent(t -> options.token(t.toCharArray()));
    Connection connection;
    try {
      connection = Nats.connectReconnectOnConnect(options.build());
    } catch (IOException e) {
      throw new IllegalStateException("cannot connect to NATS at " + settings.natsUrl(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to NATS", e);
    }
    return new ClusterNode(settings, connection, router);
  }

  /** Whether the node is connected to NATS, and so part of the cluster. */
  public boolean isConnected() {
    return connection.getStatus() == Connection.Status.CONNECTED;
  }

  /** What the readiness check and the logs say about the node. */
  public String describe() {
    return "cluster "
        + settings.cluster()
        + ", node "
        + settings.node()
        + ", NATS "
        + connection.getStatus().name().toLowerCase(java.util.Locale.ROOT)
        + " ("
        + settings.natsUrl()
        + "); events sent "
        + events.sent()
        + ", received "
        + events.received()
        + ", dropped "
        + events.dropped();
  }

  public ClusterSettings settings() {
    return settings;
  }

  NatsEventExchange events() {
    return events;
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    control.shutdownNow();
    try {
      control.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
