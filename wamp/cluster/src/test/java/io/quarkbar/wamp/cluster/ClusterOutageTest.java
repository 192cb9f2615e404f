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
}
