package io.quarkbar.wamp.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.testing.nats.NatsServer;
import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Published;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.router.broker.Broker;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * NATS goes away and comes back: local traffic goes on, what needs the other nodes is refused with
 * a clear error (never left hanging), and the cluster serves again on its own once NATS is back.
 */
class ClusterOutageTest {

  Cluster cluster;

  @BeforeEach
  void start() {
    cluster = Cluster.start(2);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void aNodeStartsWithoutNatsTakesSessionsAndJoinsTheClusterOnceNatsIsThere() {
    cluster.close();
    NatsServer nats = NatsServer.start(Path.of("target", "nats"));
    nats.stop();
    cluster = Cluster.startWith(nats, 2);
    assertThat(cluster.nodes.get(0).isConnected()).isFalse();

    // Sessions join; a subscription the node cannot follow yet is refused with the reason.
    Peer local = cluster.join(1);
    Error refused = local.subscribeRefused("com.early.local", Map.of());
    assertThat(refused.error()).isEqualTo(Broker.CLUSTER_UNAVAILABLE);
    assertThat(refused.arguments().get(0).toString()).contains("not made yet");
    Peer publisher = cluster.join(1);

    nats.startAgain();
    cluster.awaitConnected();
    local.subscribe("com.early.local");
    Peer remote = cluster.join(2);
    remote.subscribe("com.early.local");
    publisher.publish("com.early.local", List.of(2));
    assertThat(remote.event().arguments()).containsExactly(2L);
    assertThat(local.event().arguments()).containsExactly(2L);
  }

  @Test
  void withoutNatsLocalEventsFlowAndWhatNeedsTheOtherNodesIsRefusedUntilItIsBack() {
    Peer remoteBefore = cluster.join(2);
    remoteBefore.subscribe("com.outage.before");
    Peer local = cluster.join(1);
    local.subscribe("com.outage.before");
    Peer publisher = cluster.join(1);

    cluster.nats.stop();
    Cluster.await(
        "both nodes see NATS gone",
        () -> cluster.nodes.stream().noneMatch(ClusterNode::isConnected));

    Error refused = cluster.join(2).subscribeRefused("com.outage.new", Map.of());
    assertThat(refused.error()).isEqualTo(Broker.CLUSTER_UNAVAILABLE);
    assertThat(refused.arguments().get(0).toString()).contains("NATS");

    WampMessage answer = publisher.publishAcknowledged("com.outage.before", List.of(1));
    assertThat(answer).isInstanceOf(Error.class);
    assertThat(((Error) answer).error()).isEqualTo(Broker.CLUSTER_UNAVAILABLE);
    assertThat(((Error) answer).arguments().get(0).toString()).contains("this router node only");
    assertThat(local.event().arguments()).containsExactly(1L);
    remoteBefore.expectNothing();
    // A subscription the node already follows needs nothing from NATS.
    Peer alsoLocal = cluster.join(1);
    alsoLocal.subscribe("com.outage.before");

    cluster.nats.startAgain();
    cluster.awaitConnected();

    // Subscriptions made before the outage are followed again (the NATS client resubscribes).
    Cluster.await(
        "an event crosses to the node's old subscription",
        () -> {
          publisher.publish("com.outage.before", List.of(2));
          return remoteBefore.pollEvent() != null;
        });
    Peer remoteAfter = cluster.join(2);
    remoteAfter.subscribe("com.outage.after");
    WampMessage ack = publisher.publishAcknowledged("com.outage.after", List.of(3));
    assertThat(ack).isInstanceOf(Published.class);
    assertThat(remoteAfter.event().arguments()).containsExactly(3L);
  }

  @Test
  void withoutNatsLocalCallsGoOnAndCallsToOtherNodesAndRegistrationsAreRefusedUntilItIsBack() {
    Peer localCallee = cluster.join(1);
    localCallee.register("com.outage.local", Map.of());
    Peer remoteCallee = cluster.join(2);
    remoteCallee.register("com.outage.remote", Map.of());
    ClusterCallsTest.awaitRoutable(cluster, 1, "com.outage.remote");
    Peer caller = cluster.join(1);

    cluster.nats.stop();
    Cluster.await(
        "both nodes see NATS gone",
        () -> cluster.nodes.stream().noneMatch(ClusterNode::isConnected));

    long local = caller.call("com.outage.local", Map.of(), List.of());
    localCallee.yield(localCallee.invocation().request(), Map.of(), List.of("here"));
    assertThat(caller.result(local).arguments()).containsExactly("here");
    Error remote = caller.callError(caller.call("com.outage.remote", Map.of(), List.of()));
    assertThat(remote.error()).isEqualTo(Broker.CLUSTER_UNAVAILABLE);
    assertThat(remote.arguments().get(0).toString()).contains("another router node");
    Peer late = cluster.join(2);
    late.sendRegister("com.outage.late", Map.of());
    Error refused = late.expect(Error.class);
    assertThat(refused.error()).isEqualTo(Broker.CLUSTER_UNAVAILABLE);

    cluster.nats.startAgain();
    cluster.awaitConnected();
    // What was registered before the outage is still the cluster's, and new registrations are
    // followed again by every node.
    ClusterCallsTest.callUntilServedBy(caller, remoteCallee, "com.outage.remote");
    late.register("com.outage.late", Map.of());
    ClusterCallsTest.callUntilServedBy(caller, late, "com.outage.late");
  }
}
