package io.quarkbar.wamp.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Interrupt;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.uri.WampUris;
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
      // Node 1 hears a new process under the same name: the old one's calls are over.
      assertThat(caller.callError(request).error()).isEqualTo(WampUris.CANCELED);
      // The new process removed what the old one had registered.
      Peer fresh = cluster.join(2);
      fresh.register("com.example.restarted", Map.of());
      ClusterCallsTest.callUntilServedBy(caller, fresh, "com.example.restarted");
    }
  }
}
