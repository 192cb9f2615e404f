package io.quarkbar.wamp.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.router.config.EventStoreRule;
import io.quarkbar.wamp.router.config.MatchPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The events a realm's rules keep, in a cluster. Retained events: a subscriber that asks for them
 * gets the last event published with {@code retain} on a topic, whichever node it was published on,
 * and whether or not any node had a subscriber to it then; with the publication's disclosure and
 * eligibility, as on one node. Event history: the subscription that keeps it has one ID on every
 * node.
 */
class ClusterEventStoreTest {

  static Cluster cluster;

  @BeforeAll
  static void start() {
    cluster =
        Cluster.keeping(
            3,
            List.of(
                new EventStoreRule("com.example.sensor.", MatchPolicy.PREFIX, true, 0),
                new EventStoreRule("com.example.history.", MatchPolicy.PREFIX, false, 5)));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void aLateSubscriberOnAnyNodeGetsTheLastRetainedEventPublishedOnAnother() {
    Peer publisher = cluster.join(1);
    publisher.publish("com.example.sensor.t1", Map.of("retain", true), List.of("first"));
    publisher.publish("com.example.sensor.t1", Map.of("retain", true), List.of("second"));
    publisher.publish("com.example.sensor.t1", Map.of(), List.of("not retained"));

    for (int n = 1; n <= 3; n++) {
      Event e = retainedOn(n, "com.example.sensor.t1", Map.of(), "second");
      assertThat(e.details()).containsEntry("retained", true);
    }
    // A pattern subscription gets it too, with the concrete topic (a prefix only this topic has).
    Event e = retainedOn(3, "com.example.sensor.t1", Map.of("match", "prefix"), "second");
    assertThat(e.details()).containsEntry("topic", "com.example.sensor.t1");
    // Only those who ask for retained events get them.
    Peer plain = cluster.join(2);
    plain.subscribe("com.example.sensor.t1");
    plain.expectNothing();
  }

  @Test
  void aRetainedEventKeepsItsDisclosureAndEligibilityOnOtherNodes() {
    Peer publisher = cluster.join(2);
    Peer eligible = cluster.join(3);
    publisher.publish(
        "com.example.sensor.t2", Map.of("retain", true, "disclose_me", true), List.of("disclosed"));
    Event disclosed = retainedOn(1, "com.example.sensor.t2", Map.of(), "disclosed");
    assertThat(disclosed.details()).containsEntry("publisher", publisher.session());

    publisher.publish(
        "com.example.sensor.t2",
        Map.of("retain", true, "eligible", List.of(eligible.session())),
        List.of("for one"));
    Cluster.await(
        "node 3 has the retained event for one session",
        () -> {
          long sub = eligible.subscribe("com.example.sensor.t2", Map.of("get_retained", true));
          Event e = eligible.pollEvent();
          List<Event> late = eligible.unsubscribeAmidEvents(sub);
          if (e == null && !late.isEmpty()) {
            e = late.getFirst();
          }
          return e != null && e.arguments().equals(List.of("for one"));
        });
    Peer other = cluster.join(3);
    other.subscribe("com.example.sensor.t2", Map.of("get_retained", true));
    other.expectNothing();
  }

  @Test
  void aNodeStartedAfterThePublicationHasTheRetainedEvent() {
    Peer publisher = cluster.join(1);
    publisher.publish("com.example.sensor.t4", Map.of("retain", true), List.of("kept"));
    retainedOn(2, "com.example.sensor.t4", Map.of(), "kept");

    cluster.restart(3);
    retainedOn(3, "com.example.sensor.t4", Map.of(), "kept");
  }

  @Test
  void anEntryDeletedFromTheClustersBucketIsForgottenByEveryNode() throws Exception {
    Peer publisher = cluster.join(1);
    publisher.publish("com.example.sensor.t6", Map.of("retain", true), List.of("deleted"));
    retainedOn(2, "com.example.sensor.t6", Map.of(), "deleted");

    // What an operator does with `nats kv del`.
    try (Connection c = Nats.connect(cluster.nats.url())) {
      c.keyValue("QB_" + cluster.name + "_RET")
          .delete(NatsRegistry.key(Cluster.REALM, "com.example.sensor.t6", MatchPolicy.EXACT));
    }
    for (int n = 1; n <= 3; n++) {
      int node = n;
      Cluster.await(
          "node " + n + " forgot the deleted retained event",
          () -> {
            Peer late = cluster.join(node);
            late.subscribe("com.example.sensor.t6", Map.of("get_retained", true));
            boolean none = late.pollEvent() == null;
            late.leave();
            return none;
          });
    }
  }

  @Test
  void aTopicNoRuleRetainsIsRetainedNowhere() {
    Peer publisher = cluster.join(1);
    publisher.publish("com.example.other.t", Map.of("retain", true), List.of("gone"));
    publisher.publish("com.example.sensor.t5", Map.of("retain", true), List.of("kept"));
    // Once a later retained event reached node 2, the one before it would have.
    retainedOn(2, "com.example.sensor.t5", Map.of(), "kept");
    Peer local = cluster.join(1);
    Peer remote = cluster.join(2);
    local.subscribe("com.example.other.t", Map.of("get_retained", true));
    remote.subscribe("com.example.other.t", Map.of("get_retained", true));
    local.expectNothing();
    remote.expectNothing();
  }

  @Test
  @SuppressWarnings("unchecked")
  void theSubscriptionThatKeepsHistoryHasOneIdOnEveryNode() {
    Map<String, Object> prefix = Map.of("match", "prefix");
    Peer first = cluster.join(1);
    long id = first.subscribe("com.example.history.", prefix);
    Peer second = cluster.join(2);
    Peer third = cluster.join(3);
    assertThat(second.subscribe("com.example.history.", prefix)).isEqualTo(id);
    assertThat(third.subscribe("com.example.history.", prefix)).isEqualTo(id);
    assertThat(
            ClusterSessionsTest.meta(
                second, "wamp.subscription.lookup", "com.example.history.", prefix))
        .isEqualTo(id);

    Peer publisher = cluster.join(2);
    publisher.publish("com.example.history.h1", List.of(1));
    for (Peer subscriber : List.of(first, second, third)) {
      Event e = subscriber.event();
      assertThat(e.subscription()).isEqualTo(id);
      assertThat(e.arguments()).containsExactly(1L);
    }
    // Each node keeps the history of what reached it, under the cluster's ID.
    for (Peer reader : List.of(first, second, third)) {
      List<Map<String, Object>> history =
          (List<Map<String, Object>>)
              ClusterSessionsTest.meta(reader, "wamp.subscription.get_events", id);
      assertThat(history).extracting(e -> e.get("args")).containsExactly(List.of(1L));
    }
  }

  /**
   * The retained event a new subscriber on node {@code n} to {@code topic} (with {@code options})
   * gets, once its arguments are {@code expected}: retained events reach the other nodes as they
   * travel, with no promise of when (unlike a subscription, which is sure to get what is published
   * after SUBSCRIBED), so the subscriber subscribes again until they have. Exactly one event.
   */
  private static Event retainedOn(
      int n, String topic, Map<String, Object> options, Object expected) {
    Event[] got = {null};
    Map<String, Object> asking = new java.util.HashMap<>(options);
    asking.put("get_retained", true);
    Cluster.await(
        "node " + n + " has the retained event " + expected + " of " + topic,
        () -> {
          Peer late = cluster.join(n);
          late.subscribe(topic, asking);
          Event e = late.pollEvent();
          if (e == null || !e.arguments().equals(List.of(expected))) {
            late.leave();
            return false;
          }
          late.expectNothing();
          got[0] = e;
          return true;
        });
    return got[0];
  }
}
