package io.quarkbar.wamp.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.router.config.EventStoreRule;
import io.quarkbar.wamp.router.config.MatchPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Retained events in a cluster: a subscriber that asks for them gets the last event published with
 * {@code retain} on a topic, whichever node it was published on, and whether or not any node had a
 * subscriber to it then; with the publication's disclosure and eligibility, as on one node.
 */
class ClusterRetainedEventsTest {

  static Cluster cluster;

  @BeforeAll
  static void start() {
    cluster =
        Cluster.keeping(
            3, List.of(new EventStoreRule("com.example.sensor.", MatchPolicy.PREFIX, true, 0)));
    // The nodes follow the rule's topics once connected: from each node, publish until the others
    // hear it.
    for (int n = 1; n <= 3; n++) {
      Peer probe = cluster.join(n);
      int from = n;
      long[] before = new long[4];
      for (int m = 1; m <= 3; m++) {
        before[m] = cluster.events(m).received();
      }
      Cluster.await(
          "node " + n + "'s publications on retained topics reach the other nodes",
          () -> {
            probe.publish("com.example.sensor.probe", List.of(from));
            for (int m = 1; m <= 3; m++) {
              if (m != from && cluster.events(m).received() <= before[m]) {
                return false;
              }
            }
            return true;
          });
      probe.leave();
    }
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void aLateSubscriberOnAnyNodeGetsTheLastRetainedEventPublishedOnAnother() {
    Peer publisher = cluster.join(1);
    publishAndAwaitSpread(
        publisher,
        "com.example.sensor.t1",
        List.of(Map.of("retain", true), Map.of("retain", true), Map.<String, Object>of()),
        List.of("first", "second", "not retained"));

    for (int n = 1; n <= 3; n++) {
      Peer late = cluster.join(n);
      late.subscribe("com.example.sensor.t1", Map.of("get_retained", true));
      Event e = late.event();
      assertThat(e.arguments()).as("node %d", n).containsExactly("second");
      assertThat(e.details()).containsEntry("retained", true);
      late.expectNothing();
    }
    // A pattern subscription gets it too, with the concrete topic.
    Peer prefix = cluster.join(3);
    prefix.subscribe("com.example.sensor.t", Map.of("match", "prefix", "get_retained", true));
    Event e = prefix.event();
    assertThat(e.details()).containsEntry("topic", "com.example.sensor.t1");
    assertThat(e.arguments()).containsExactly("second");
    // Only those who ask for retained events get them.
    Peer plain = cluster.join(2);
    plain.subscribe("com.example.sensor.t1");
    plain.expectNothing();
  }

  @Test
  void aRetainedEventKeepsItsDisclosureAndEligibilityOnOtherNodes() {
    Peer publisher = cluster.join(2);
    Peer eligible = cluster.join(3);
    Peer other = cluster.join(3);
    publishAndAwaitSpread(
        publisher,
        "com.example.sensor.t2",
        List.of(
            Map.of("retain", true, "disclose_me", true),
            Map.of("retain", true, "eligible", List.of(eligible.session()))),
        List.of("disclosed", "for one"));
    publishAndAwaitSpread(
        publisher,
        "com.example.sensor.t3",
        List.of(Map.of("retain", true, "disclose_me", true)),
        List.of("disclosed"));

    other.subscribe("com.example.sensor.t2", Map.of("get_retained", true));
    other.expectNothing();
    eligible.subscribe("com.example.sensor.t2", Map.of("get_retained", true));
    assertThat(eligible.event().arguments()).containsExactly("for one");

    Peer late = cluster.join(1);
    late.subscribe("com.example.sensor.t3", Map.of("get_retained", true));
    Event e = late.event();
    assertThat(e.details()).containsEntry("publisher", publisher.session());
    assertThat(e.arguments()).containsExactly("disclosed");
  }

  @Test
  void aTopicNoRuleRetainsIsRetainedNowhere() {
    Peer publisher = cluster.join(1);
    publisher.publish("com.example.other.t", Map.of("retain", true), List.of("gone"));
    Peer local = cluster.join(1);
    Peer remote = cluster.join(2);
    local.subscribe("com.example.other.t", Map.of("get_retained", true));
    remote.subscribe("com.example.other.t", Map.of("get_retained", true));
    local.expectNothing();
    remote.expectNothing();
  }

  /**
   * Publishes {@code args} on {@code topic} with {@code options}, one publication each, and waits
   * until the other nodes have received them all: retained events are shared as they travel, with
   * no promise of when a node has them (unlike a subscription, which is sure to get what is
   * published after SUBSCRIBED).
   */
  private static void publishAndAwaitSpread(
      Peer publisher, String topic, List<Map<String, Object>> options, List<Object> args) {
    long[] before = new long[4];
    for (int n = 1; n <= 3; n++) {
      before[n] = cluster.events(n).received();
    }
    for (int i = 0; i < args.size(); i++) {
      publisher.publish(topic, options.get(i), List.of(args.get(i)));
    }
    // Each node follows the rule's topics: every publication on them reaches every other node.
    Cluster.await(
        "the other nodes received " + args.size() + " publications on " + topic,
        () -> {
          int reached = 0;
          for (int n = 1; n <= 3; n++) {
            if (cluster.events(n).received() >= before[n] + args.size()) {
              reached++;
            }
          }
          return reached >= 2;
        });
  }
}
