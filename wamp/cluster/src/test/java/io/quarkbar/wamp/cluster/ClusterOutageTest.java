package io.quarkbar.wamp.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.testing.nats.NatsServer;
import io.quarkbar.wamp.protocol.message.Abort;
import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Goodbye;
import io.quarkbar.wamp.protocol.message.Published;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.broker.Broker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * NATS goes away and comes back: local traffic goes on, what needs the other nodes (a new session
 * too) is refused with a clear error (never left hanging), a node cut off for the death timeout
 * ends its sessions (fences), and the cluster serves again on its own once NATS is back.
 */
class ClusterOutageTest {

  Cluster cluster;

  @BeforeEach
  void start() {
    // A death timeout beyond the outages below, unless a test is about fencing.
    cluster = Cluster.start(2, Duration.ofMillis(100), Duration.ofSeconds(60));
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void aNodeStartsWithoutNatsRefusesSessionsClearlyAndTakesThemOnceNatsIsThere() {
    cluster.close();
    NatsServer nats = NatsServer.start(Path.of("target", "nats"));
    nats.stop();
    cluster = Cluster.startWith(nats, 2);
    assertThat(cluster.nodes.get(0).isConnected()).isFalse();

    // A session ID cannot be made unique in the cluster without it: the join is refused.
    Abort refused = Peer.refused(cluster.node(1));
    assertThat(refused.reason()).isEqualTo(Broker.CLUSTER_UNAVAILABLE);
    assertThat(refused.details().get("message").toString()).contains("not open yet");

    nats.startAgain();
    cluster.awaitConnected();
    Peer local = cluster.join(1);
    local.subscribe("com.early.local");
    Peer publisher = cluster.join(1);
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
    Peer alsoLocal = cluster.join(1);
    Peer other = cluster.join(2);

    cluster.nats.stop();
    // Events travel on the node's NATS client connection, which may notice the loss a moment
    // after the calls' connection does.
    Cluster.await(
        "both nodes' events see NATS gone",
        () -> !cluster.events(1).isConnected() && !cluster.events(2).isConnected());

    Error refused = other.subscribeRefused("com.outage.new", Map.of());
    assertThat(refused.error()).isEqualTo(Broker.CLUSTER_UNAVAILABLE);
    assertThat(refused.arguments().get(0).toString()).contains("NATS");

    WampMessage answer = publisher.publishAcknowledged("com.outage.before", List.of(1));
    assertThat(answer).isInstanceOf(Error.class);
    assertThat(((Error) answer).error()).isEqualTo(Broker.CLUSTER_UNAVAILABLE);
    assertThat(((Error) answer).arguments().get(0).toString()).contains("this router node only");
    assertThat(local.event().arguments()).containsExactly(1L);
    remoteBefore.expectNothing();
    // A subscription the node already follows needs nothing from NATS; a new session does.
    alsoLocal.subscribe("com.outage.before");
    assertThat(Peer.refused(cluster.node(1)).reason()).isEqualTo(Broker.CLUSTER_UNAVAILABLE);

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
    Peer late = cluster.join(2);

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

  /**
   * NATS comes back without its store (a server without persistent storage, restarted): the
   * cluster's buckets are gone. The nodes create them again and tell them what they hold: their
   * sessions, registrations and subscriptions, so that calls, events and the meta API work as
   * before, and new sessions and registrations are taken.
   */
  @Test
  void natsBackWithoutItsStoreIsToldTheClustersStateAgain() {
    Peer callee = cluster.join(2);
    callee.register("com.lost.remote", Map.of());
    Peer subscriber = cluster.join(2);
    long subscription = subscriber.subscribe("com.lost.topic");
    ClusterCallsTest.awaitRoutable(cluster, 1, "com.lost.remote");
    Peer caller = cluster.join(1);

    cluster.nats.stop();
    Cluster.await(
        "both nodes see NATS gone",
        () -> cluster.nodes.stream().noneMatch(ClusterNode::isConnected));
    cluster.nats.startAfresh();
    cluster.awaitConnected();

    ClusterCallsTest.callUntilServedBy(caller, callee, "com.lost.remote");
    Peer late = cluster.join(1);
    Cluster.await(
        "node 1 lists node 2's sessions again",
        () ->
            ClusterSessionsTest.ids(late, "wamp.session.list")
                .containsAll(List.of(callee.session(), subscriber.session(), caller.session())));
    // The subscription keeps its ID in the cluster: once node 2 has put it back, node 1 knows it,
    // and a subscriber on node 1 gets the same ID.
    Cluster.await(
        "node 1 knows node 2's subscription again",
        () ->
            Long.valueOf(subscription)
                .equals(
                    ClusterSessionsTest.meta(late, "wamp.subscription.lookup", "com.lost.topic")));
    Peer another = cluster.join(1);
    assertThat(another.subscribe("com.lost.topic")).isEqualTo(subscription);
    // The registration is the cluster's again: the URI is taken.
    late.sendRegister("com.lost.remote", Map.of());
    assertThat(late.expect(Error.class).error()).isEqualTo(WampUris.PROCEDURE_ALREADY_EXISTS);
  }

  @Test
  void aNodeCutOffForTheDeathTimeoutEndsItsSessionsAndTakesNewOnesOnceBack() {
    cluster.close();
    cluster = Cluster.start(2, Duration.ofMillis(100), Duration.ofMillis(600));
    Peer cutOff = cluster.join(1);
    Peer other = cluster.join(2);

    cluster.nats.stop();
    // Until the death timeout, the session is served; then its node fences.
    Goodbye fenced = cutOff.expect(Goodbye.class);
    assertThat(fenced.reason()).isEqualTo(NatsSessions.CUT_OFF);
    assertThat(fenced.details().get("message").toString()).contains("cut off");
    assertThat(other.expect(Goodbye.class).reason()).isEqualTo(NatsSessions.CUT_OFF);
    cutOff.leave();
    other.leave();
    assertThat(Peer.refused(cluster.node(1)).reason()).isEqualTo(Broker.CLUSTER_UNAVAILABLE);

    cluster.nats.startAgain();
    cluster.awaitConnected();
    Peer back = cluster.join(1);
    // The fenced sessions' entries are removed once NATS is back, so no node lists them.
    Cluster.await(
        "the fenced sessions are no longer listed",
        () ->
            ClusterSessionsTest.ids(back, "wamp.session.list").stream()
                .noneMatch(id -> id == cutOff.session() || id == other.session()));
  }
}
