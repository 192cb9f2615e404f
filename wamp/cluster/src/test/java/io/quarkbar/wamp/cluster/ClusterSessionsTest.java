package io.quarkbar.wamp.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.testing.nats.NatsServer;
import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.Goodbye;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.Router;
import io.quarkbar.wamp.router.config.RouterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Sessions are the cluster's: their IDs are listed in the cluster before WELCOME, the session meta
 * API answers for every node and ends sessions on any node, and each session's leaving is announced
 * once in the cluster, also when its node dies or the cluster takes it for gone.
 */
class ClusterSessionsTest {

  /**
   * A store a nats-server 2.9.10 left after runs of bench/cluster.sh that killed it: its sessions
   * bucket (one message per key) holds two messages for one key, and a watch of the bucket delivers
   * the first message and nothing more, so the node's mirror never loads. The node follows the
   * bucket afresh and takes sessions all the same.
   */
  @Test
  void aNodeTakesSessionsWhenNatsMiscountsTheSessionsBucket() throws Exception {
    Path store = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "store-");
    Path fixture =
        Path.of(getClass().getResource("/stores/sessions-count-off").toURI()).toAbsolutePath();
    try (Stream<Path> files = Files.walk(fixture)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path to = store.resolve(fixture.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to);
        }
      }
    }
    try (NatsServer nats =
            NatsServer.start(Path.of("target", "nats"), List.of("-sd", store.toString()));
        ClusterNode node =
            ClusterNode.join(
                ClusterSettings.of(nats.url(), "bench", "n9"),
                new Router(RouterConfig.openRealm(Cluster.REALM)))) {
      // The first watch stalls; after 10 s without progress a fresh one loads the bucket.
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!node.isConnected() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(node.isConnected()).as("the node takes sessions: " + node.describe()).isTrue();
    }
  }

  @Test
  void theSessionMetaApiAnswersForTheSessionsOfEveryNode() {
    try (Cluster cluster = Cluster.start(3)) {
      Peer one = cluster.join(1);
      Peer two = cluster.join(2);
      Peer asker = cluster.join(3);
      Cluster.await(
          "node 3 lists the sessions of nodes 1 and 2",
          () -> ids(asker, "wamp.session.list").containsAll(List.of(one.session(), two.session())));

      assertThat(ids(asker, "wamp.session.list"))
          .containsExactlyInAnyOrder(one.session(), two.session(), asker.session());
      assertThat(meta(asker, "wamp.session.count")).isEqualTo(3L);
      assertThat(meta(asker, "wamp.session.count", List.of("nobody"))).isEqualTo(0L);
      @SuppressWarnings("unchecked")
      Map<String, Object> details =
          (Map<String, Object>) meta(asker, "wamp.session.get", two.session());
      assertThat(details)
          .containsEntry("session", two.session())
          .containsEntry("authid", two.authid())
          .containsEntry("authrole", "anonymous")
          .containsKey("transport");

      // Gone from every node's list once it left.
      one.leave();
      Cluster.await(
          "node 3 no longer lists the session that left node 1",
          () -> !ids(asker, "wamp.session.list").contains(one.session()));
      Error unknown =
          asker.callError(asker.call("wamp.session.get", Map.of(), List.of(one.session())));
      assertThat(unknown.error()).isEqualTo(WampUris.NO_SUCH_SESSION);
    }
  }

  @Test
  void aSessionOfAnotherNodeIsKilledAndItsLeavingAnnouncedOnce() {
    try (Cluster cluster = Cluster.start(3)) {
      Peer watcher = cluster.join(2);
      watcher.subscribe("wamp.session.on_leave");
      Peer victim = cluster.join(1);
      Peer killer = cluster.join(3);
      Cluster.await(
          "node 3 lists the session of node 1",
          () -> ids(killer, "wamp.session.list").contains(victim.session()));

      long request = 1_000;
      killer.send(
          new Call(
              request,
              Map.of(),
              "wamp.session.kill",
              List.of(victim.session()),
              Map.of("reason", "com.example.go_away", "message", "bye")));
      killer.result(request);
      Goodbye goodbye = victim.expect(Goodbye.class);
      assertThat(goodbye.reason()).isEqualTo("com.example.go_away");
      assertThat(goodbye.details()).containsEntry("message", "bye");
      victim.leave();

      assertThat(leftSessions(watcher)).containsExactly(victim.session());
    }
  }

  @Test
  void killByAuthroleEndsTheMatchingSessionsOfEveryNodeButTheCaller() {
    try (Cluster cluster = Cluster.start(3)) {
      Peer one = cluster.join(1);
      Peer two = cluster.join(2);
      Peer killer = cluster.join(3);
      Cluster.await(
          "node 3 lists every session", () -> ids(killer, "wamp.session.list").size() == 3);

      assertThat(meta(killer, "wamp.session.kill_by_authrole", "anonymous")).isEqualTo(2L);
      assertThat(one.expect(Goodbye.class).reason()).isEqualTo(WampUris.KILLED);
      assertThat(two.expect(Goodbye.class).reason()).isEqualTo(WampUris.KILLED);
    }
  }

  @Test
  void theSessionsOfANodeGoneLeaveOnceEachInTheCluster() {
    try (Cluster cluster = Cluster.start(3)) {
      Peer watcherOne = cluster.join(1);
      watcherOne.subscribe("wamp.session.on_leave");
      Peer watcherTwo = cluster.join(2);
      watcherTwo.subscribe("wamp.session.on_leave");
      Peer doomedA = cluster.join(3);
      Peer doomedB = cluster.join(3);
      Cluster.await(
          "node 1 lists node 3's sessions", () -> ids(watcherOne, "wamp.session.list").size() == 4);

      cluster.crash(3);
      // Nodes 1 and 2 both take node 3 for gone; one removal of each entry wins.
      List<Long> expected = List.of(doomedA.session(), doomedB.session());
      assertThat(leftSessions(watcherOne)).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(leftSessions(watcherTwo)).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(ids(watcherOne, "wamp.session.list"))
          .containsExactlyInAnyOrder(watcherOne.session(), watcherTwo.session());
    }
  }

  @Test
  void theCalleesOfANodeGoneUnregisterOnceEachInTheCluster() {
    try (Cluster cluster = Cluster.start(3)) {
      Peer watcher = cluster.join(1);
      long unregistered = watcher.subscribe("wamp.registration.on_unregister");
      long deleted = watcher.subscribe("wamp.registration.on_delete");
      Peer callee = cluster.join(3);
      long registration = callee.register("com.example.orphan", Map.of());
      ClusterCallsTest.awaitRoutable(cluster, 1, "com.example.orphan");

      cluster.crash(3);
      // Nodes 1 and 2 both take node 3 for gone; the change of the entry that wins announces.
      List<List<Object>> announced = new ArrayList<>();
      for (Event e = watcher.event(); e != null; e = quietEvent(watcher)) {
        announced.add(List.of(e.subscription(), e.arguments()));
      }
      List<Object> args = List.of(callee.session(), registration);
      assertThat(announced)
          .containsExactlyInAnyOrder(List.of(unregistered, args), List.of(deleted, args));
      Error gone =
          watcher.callError(watcher.call("wamp.registration.get", Map.of(), List.of(registration)));
      assertThat(gone.error()).isEqualTo(WampUris.NO_SUCH_REGISTRATION);
    }
  }

  @Test
  void aSessionTheClusterTookForGoneWhileItsNodeLivedEndsWithoutASecondAnnouncement()
      throws Exception {
    // A death timeout far beyond the test: the purge below is the test's doing.
    try (Cluster cluster = Cluster.start(2, Duration.ofMillis(100), Duration.ofSeconds(60))) {
      Peer watcher = cluster.join(1);
      watcher.subscribe("wamp.session.on_leave");
      Peer unregistrations = cluster.join(1);
      unregistrations.subscribe("wamp.registration.on_unregister");
      Peer frozen = cluster.join(2);
      long registration = frozen.register("com.example.frozen", Map.of());
      ClusterCallsTest.awaitRoutable(cluster, 1, "com.example.frozen");
      Cluster.await(
          "node 1 lists node 2's session",
          () -> ids(watcher, "wamp.session.list").contains(frozen.session()));

      // As if node 2 had been frozen beyond the death timeout: node 1 removes its callees and
      // sessions, and announces their end.
      cluster.nodes.get(0).registry().purge("n2").toCompletableFuture().get();
      cluster.nodes.get(0).sessions().purge("n2", null);

      Goodbye goodbye = frozen.expect(Goodbye.class);
      assertThat(goodbye.reason()).isEqualTo(NatsSessions.CUT_OFF);
      frozen.leave();
      assertThat(leftSessions(watcher)).containsExactly(frozen.session());
      // Node 2 ends the session without announcing its registration's end a second time.
      assertThat(leftSessions(unregistrations)).containsExactly(frozen.session());
      assertThat(unregistrations.pollEvent()).isNull();
      assertThat(registration).isPositive();
    }
  }

  /** The IDs a meta procedure answers with a list. */
  @SuppressWarnings("unchecked")
  static List<Long> ids(Peer peer, String procedure) {
    return new ArrayList<>((List<Long>) meta(peer, procedure));
  }

  static Object meta(Peer peer, String procedure, Object... args) {
    return peer.result(peer.call(procedure, Map.of(), List.of(args))).arguments().get(0);
  }

  /** The sessions whose on_leave reaches {@code watcher} until it has been quiet for a while. */
  static List<Long> leftSessions(Peer watcher) {
    List<Long> left = new ArrayList<>();
    left.add(sessionOf(watcher.event()));
    for (Event e = quietEvent(watcher); e != null; e = quietEvent(watcher)) {
      left.add(sessionOf(e));
    }
    return left;
  }

  private static Event quietEvent(Peer watcher) {
    var m = watcher.poll(Duration.ofMillis(700));
    return m instanceof Event e ? e : null;
  }

  private static long sessionOf(Event e) {
    return ((Number) e.arguments().get(0)).longValue();
  }
}
