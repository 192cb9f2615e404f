package io.quarkbar.wamp.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Interrupt;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.config.MatchPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the cluster does when a node is gone: calls to its callees end with an ERROR instead of
 * hanging, invocations for its callers are interrupted, and its registrations are removed so that
 * another node's callee can take them; a node restarted under its name starts clean.
 */
class ClusterNodeLossTest {

  @Test
  void aCalleesNodeGoneEndsItsCallsAndFreesItsRegistrations() {
    try (Cluster cluster = Cluster.start(3)) {
      Peer callee = cluster.join(3);
      callee.register("com.example.doomed", Map.of());
      ClusterCallsTest.awaitRoutable(cluster, 1, "com.example.doomed");
      Peer caller = cluster.join(1);
      long request = caller.call("com.example.doomed", Map.of(), List.of());
      callee.invocation();

      long crashed = System.nanoTime();
      cluster.crash(3);
      Error e = caller.callError(request);
      assertThat(e.error()).isEqualTo(WampUris.CANCELED);
      assertThat(Duration.ofNanos(System.nanoTime() - crashed)).isLessThan(Duration.ofSeconds(3));

      // Its single registration goes with it: node 2's callee takes the URI.
      Peer successor = cluster.join(2);
      Cluster.await(
          "node 2's callee registers com.example.doomed",
          () -> {
            successor.sendRegister("com.example.doomed", Map.of());
            return !(successor.expect(io.quarkbar.wamp.protocol.message.WampMessage.class)
                instanceof Error);
          });
      ClusterCallsTest.callUntilServedBy(caller, successor, "com.example.doomed");
    }
  }

  @Test
  void subscribersAreNotListedWhileANodeThatHasSomeCannotBeAsked() {
    // A long death timeout: the gone node is still taken for alive meanwhile.
    try (Cluster cluster = Cluster.start(2, Duration.ofMillis(100), Duration.ofSeconds(30))) {
      Peer doomed = cluster.join(2);
      long id = doomed.subscribe("com.example.listed");
      Peer asker = cluster.join(1);
      assertThat(asker.subscribe("com.example.listed")).isEqualTo(id);
      ClusterEventsTest.awaitSubscriberCount(asker, id, 2);

      cluster.crash(2);
      // Nobody takes node 2's inbox, but it may only be connecting again: no answer rather than
      // a wrong one, at once (not after the request timeout).
      Error e =
          asker.callError(asker.call("wamp.subscription.list_subscribers", Map.of(), List.of(id)));
      assertThat(e.error()).isEqualTo("quarkbar.error.cluster_unavailable");
      assertThat(e.arguments().getFirst().toString())
          .contains("router node n2 takes no questions now");
    }
  }

  @Test
  void aCallersNodeGoneInterruptsItsInvocations() {
    try (Cluster cluster = Cluster.start(2)) {
      Peer callee = cluster.join(2);
      callee.register("com.example.orphan", Map.of());
      ClusterCallsTest.awaitRoutable(cluster, 1, "com.example.orphan");
      Peer caller = cluster.join(1);
      caller.call("com.example.orphan", Map.of(), List.of());
      Invocation inv = callee.invocation();

      cluster.crash(1);
      Interrupt interrupt = callee.expect(Interrupt.class);
      assertThat(interrupt.request()).isEqualTo(inv.request());
      assertThat(interrupt.options()).containsEntry("mode", "killnowait");
      // Its answer goes nowhere, and the callee's session is untouched.
      callee.yield(inv.request(), Map.of(), List.of("late"));
      callee.expectNothing();
    }
  }

  @Test
  void aNodeTakenForGoneWhileAliveRegistersItsCalleesAgainUnderTheirIds() throws Exception {
    try (Cluster cluster = Cluster.start(2)) {
      Peer callee = cluster.join(2);
      long id = callee.register("com.example.survivor", Map.of("invoke", "roundrobin"));
      ClusterCallsTest.awaitRoutable(cluster, 1, "com.example.survivor");

      // Node 1 removes node 2's callees, as it would after losing it for a death timeout.
      int purged =
          cluster
              .nodes
              .get(0)
              .registry()
              .purge("n2")
              .toCompletableFuture()
              .get(5, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(purged).as("entries node 1 took node 2's callees out of").isEqualTo(1);
      // Node 2 puts its callee back in the cluster's entry, under the registration ID it knows.
      NatsRegistry registry = cluster.nodes.get(0).registry();
      Cluster.await(
          "node 2's callee listed again under its ID",
          () -> {
            var held =
                registry
                    .read(Cluster.REALM, "com.example.survivor", MatchPolicy.EXACT)
                    .toCompletableFuture()
                    .join();
            return held != null
                && held.id() == id
                && held.callees().stream().anyMatch(c -> c.session() == callee.session());
          });
      // Calls reach it again (node 1's view follows within milliseconds).
      Invocation served =
          ClusterCallsTest.callUntilServedBy(cluster.join(1), callee, "com.example.survivor");
      assertThat(served.registration()).isEqualTo(id);
    }
  }

  @Test
  void anInvocationWhoseCallerNoLongerWaitsIsInterrupted() {
    try (Cluster cluster = Cluster.start(2)) {
      Peer callee = cluster.join(2);
      callee.register("com.example.forsaken", Map.of());
      ClusterCallsTest.awaitRoutable(cluster, 1, "com.example.forsaken");
      Peer caller = cluster.join(1);
      long request = caller.call("com.example.forsaken", Map.of(), List.of());
      Invocation inv = callee.invocation();

      // Node 1 gives up on node 2 (as it would after missing its heartbeats for a while), which
      // is alive: its caller is answered, and node 2 learns that nobody waits for the call.
      cluster.node(1).nodeLost("n2");
      assertThat(caller.callError(request).error()).isEqualTo(WampUris.CANCELED);
      Interrupt interrupt = callee.expect(Interrupt.class);
      assertThat(interrupt.request()).isEqualTo(inv.request());
      assertThat(interrupt.options()).containsEntry("mode", "killnowait");
      Cluster.await(
          "node 2 keeps no invocation",
          () -> cluster.node(2).dealer(Cluster.REALM).callsInFlight() == 0);
    }
  }

  @Test
  void aCallToANodeWhoseProcessIsGoneIsAnsweredAtOnce() {
    // A death timeout far beyond the test: the answer comes from NATS (no responders).
    try (Cluster cluster = Cluster.start(2, Duration.ofMillis(100), Duration.ofSeconds(60))) {
      Peer callee = cluster.join(2);
      callee.register("com.example.vanished", Map.of());
      ClusterCallsTest.awaitRoutable(cluster, 1, "com.example.vanished");
      Peer caller = cluster.join(1);

      cluster.crash(2);
      Error e = caller.callError(caller.call("com.example.vanished", Map.of(), List.of()));
      assertThat(e.error()).isEqualTo(WampUris.CANCELED);
      assertThat(e.arguments().get(0).toString()).contains("nobody took the call");
    }
  }

  @Test
  void aNodeRestartedUnderItsNameStartsCleanAndItsOldCallsEnd() {
    // A death timeout far beyond the test: what happens here is the restart's doing.
    try (Cluster cluster = Cluster.start(2, Duration.ofMillis(100), Duration.ofSeconds(60))) {
      Peer callee = cluster.join(2);
      callee.register("com.example.restarted", Map.of());
      ClusterCallsTest.awaitRoutable(cluster, 1, "com.example.restarted");
      Peer caller = cluster.join(1);
      long request = caller.call("com.example.restarted", Map.of(), List.of());
      callee.invocation();

      cluster.restart(2);
      // Node 1 asks after its long calls: the new process does not have the old one's.
      Error e = caller.callError(request);
      assertThat(e.error()).isEqualTo(WampUris.CANCELED);
      assertThat(e.arguments().get(0).toString()).contains("does not have this call");
      // The new process removed what the old one had registered.
      Peer fresh = cluster.join(2);
      fresh.register("com.example.restarted", Map.of());
      ClusterCallsTest.callUntilServedBy(caller, fresh, "com.example.restarted");
    }
  }
}
