package io.quarkbar.wamp.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.testing.nats.NatsServer;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.router.Router;
import io.quarkbar.wamp.router.config.EventStoreRule;
import io.quarkbar.wamp.router.config.RealmConfig;
import io.quarkbar.wamp.router.config.RouterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Router nodes in this JVM, joined as one cluster over a private NATS server: each node a router
 * core of its own with its own NATS connection, as separate processes would have. A random cluster
 * name keeps runs apart.
 */
final class Cluster implements AutoCloseable {

  static final String REALM = "realm1";

  final NatsServer nats;
  final String name = "t" + UUID.randomUUID().toString().substring(0, 8);
  private Duration heartbeat = Duration.ofMillis(100);
  private Duration deathTimeout = Duration.ofMillis(600);
  private RouterConfig config = RouterConfig.openRealm(REALM);
  private java.util.function.BiFunction<Integer, ClusterSettings, ClusterSettings> tune =
      (n, settings) -> settings;
  final List<Router> routers = new ArrayList<>();
  final List<ClusterNode> nodes = new ArrayList<>();
  private final List<SelectorLoop> loops = new ArrayList<>();

  private Cluster(NatsServer nats) {
    this.nats = nats;
  }

  /** {@code size} nodes of an open realm on a NATS server of their own. */
  static Cluster start(int size) {
    Cluster cluster = startWith(NatsServer.start(Path.of("target", "nats")), size);
    cluster.awaitConnected();
    return cluster;
  }

  /** {@code size} nodes of an open realm, node {@code n}'s settings as {@code tune} makes them. */
  static Cluster tuned(
      int size, java.util.function.BiFunction<Integer, ClusterSettings, ClusterSettings> tune) {
    Cluster cluster = new Cluster(NatsServer.start(Path.of("target", "nats")));
    cluster.tune = tune;
    cluster.add(size);
    cluster.awaitConnected();
    return cluster;
  }

  /** {@code size} nodes of an open realm that keeps the events {@code rules} say. */
  static Cluster keeping(int size, List<EventStoreRule> rules) {
    Cluster cluster = new Cluster(NatsServer.start(Path.of("target", "nats")));
    RealmConfig realm = cluster.config.realms().getFirst().withEvents(rules);
    cluster.config = new RouterConfig(List.of(realm), cluster.config.uriValidator());
    cluster.add(size);
    cluster.awaitConnected();
    return cluster;
  }

  /** {@code size} nodes that take one another for gone after {@code deathTimeout}. */
  static Cluster start(int size, Duration heartbeat, Duration deathTimeout) {
    Cluster cluster = new Cluster(NatsServer.start(Path.of("target", "nats")));
    cluster.heartbeat = heartbeat;
    cluster.deathTimeout = deathTimeout;
    cluster.add(size);
    cluster.awaitConnected();
    return cluster;
  }

  /** {@code size} nodes on {@code nats}, which may be down; returns without waiting for it. */
  static Cluster startWith(NatsServer nats, int size) {
    Cluster cluster = new Cluster(nats);
    cluster.add(size);
    return cluster;
  }

  private void add(int size) {
    for (int i = 1; i <= size; i++) {
      Router router = new Router(config);
      routers.add(router);
      nodes.add(join(i, router));
    }
  }

  /**
   * Node {@code n} joins, its calls' connection read on a selector loop of its own once made, as a
   * router's event loop reads it.
   */
  private ClusterNode join(int n, Router router) {
    SelectorLoop loop = new SelectorLoop();
    loops.add(loop);
    return ClusterNode.join(tune.apply(n, settings("n" + n)), router, AfterTurn.NONE, loop);
  }

  /**
   * A node's settings: unless told otherwise, heartbeats every 100 ms and a node gone after 600 ms
   * of silence, so that the tests of a node's loss do not wait long.
   */
  private ClusterSettings settings(String node) {
    return ClusterSettings.of(nats.url(), name, node).withLiveness(heartbeat, deathTimeout);
  }

  /**
   * Node {@code n} leaves the cluster as a crashed process would: its NATS connection goes, and
   * what it registered stays in the cluster's registrations (its router is left as it is).
   */
  void crash(int n) {
    nodes.get(n - 1).close();
  }

  /** A new process for node {@code n}, under the same name, with a router of its own. */
  void restart(int n) {
    nodes.get(n - 1).close();
    Router router = new Router(config);
    routers.set(n - 1, router);
    nodes.set(n - 1, join(n, router));
    awaitConnected();
  }

  /** Node {@code n}'s router, counting from 1. */
  Router node(int n) {
    return routers.get(n - 1);
  }

  /** Node {@code n} itself, counting from 1. */
  ClusterNode clusterNode(int n) {
    return nodes.get(n - 1);
  }

  NatsEventExchange events(int n) {
    return nodes.get(n - 1).events();
  }

  Peer join(int n) {
    return Peer.join(node(n), Serializer.JSON);
  }

  Peer join(int n, Serializer serializer) {
    return Peer.join(node(n), serializer);
  }

  void awaitConnected() {
    await("every node connected to NATS", () -> nodes.stream().allMatch(ClusterNode::isConnected));
  }

  /** Waits up to 10 s for {@code condition}; fails with {@code what} if it never holds. */
  static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        assertThat(condition.getAsBoolean()).as(what).isTrue();
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Override
  public void close() {
    nodes.forEach(ClusterNode::close);
    nats.close();
    for (SelectorLoop loop : loops) {
      try {
        loop.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
