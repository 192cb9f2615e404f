package io.quarkbar.wamp.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.protocol.uri.WampUris;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Publications across the nodes of a cluster: what a subscriber on one node receives of what is
 * published on another, with the single router's semantics (patterns, exclusion and eligibility,
 * disclosure, order, SUBSCRIBED before the first event it may miss).
 */
class ClusterEventsTest {

  static Cluster cluster;

  @BeforeAll
  static void start() {
    cluster = Cluster.start(3);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void aTopicHasOneSubscriptionIdOnEveryNodeCreatedAndDeletedOnceInTheCluster() {
    Peer watcher = cluster.join(1);
    long created = watcher.subscribe("wamp.subscription.on_create");
    long deleted = watcher.subscribe("wamp.subscription.on_delete");
    Peer first = cluster.join(2);
    Peer second = cluster.join(3);
    Peer third = cluster.join(1);

    long id = first.subscribe("com.example.shared.id");
    assertThat(second.subscribe("com.example.shared.id")).isEqualTo(id);
    assertThat(third.subscribe("com.example.shared.id")).isEqualTo(id);
    // Another pattern over the same URI is another subscription.
    assertThat(second.subscribe("com.example.shared", Map.of("match", "prefix"))).isNotEqualTo(id);

    List<List<Object>> announced = new ArrayList<>();
    for (Event e = watcher.event(); e != null; e = watcher.pollEvent()) {
      if (e.subscription() == created
          && "com.example.shared.id".equals(((Map<?, ?>) e.arguments().get(1)).get("uri"))) {
        announced.add(List.of("created", ((Map<?, ?>) e.arguments().get(1)).get("id")));
      }
    }
    assertThat(announced).containsExactly(List.of("created", id));

    // Its end is announced once, when the last subscriber of every node has gone.
    first.unsubscribe(id);
    second.unsubscribe(id);
    watcher.expectNothing();
    third.unsubscribe(id);
    Event end = watcher.event();
    assertThat(end.subscription()).isEqualTo(deleted);
    assertThat(end.arguments()).containsExactly(third.session(), id);
    watcher.expectNothing();
  }

  /**
   * The subscription meta API's queries on one node answer for the subscriptions of every node, and
   * list and count the subscribers of every node.
   */
  @Test
  void theSubscriptionMetaApiOfOneNodeKnowsTheSubscriptionsOfEveryNode() {
    Peer elsewhere = cluster.join(2);
    long exact = elsewhere.subscribe("com.meta.sub.topic");
    long prefix = elsewhere.subscribe("com.meta.sub", Map.of("match", "prefix"));
    Peer asker = cluster.join(1);
    Cluster.await(
        "node 1 lists node 2's subscriptions",
        () -> {
          @SuppressWarnings("unchecked")
          Map<String, List<Long>> listed =
              (Map<String, List<Long>>) ClusterSessionsTest.meta(asker, "wamp.subscription.list");
          return listed.get("exact").contains(exact) && listed.get("prefix").contains(prefix);
        });

    assertThat(ClusterSessionsTest.meta(asker, "wamp.subscription.lookup", "com.meta.sub.topic"))
        .isEqualTo(exact);
    assertThat(
            asker
                .result(
                    asker.call(
                        "wamp.subscription.lookup",
                        Map.of(),
                        List.of("com.meta.sub", Map.of("match", "prefix"))))
                .arguments()
                .get(0))
        .isEqualTo(prefix);
    @SuppressWarnings("unchecked")
    List<Long> matched =
        (List<Long>)
            ClusterSessionsTest.meta(asker, "wamp.subscription.match", "com.meta.sub.topic");
    // (Other tests of this class may have left patterns that match too.)
    assertThat(matched).contains(exact, prefix);
    @SuppressWarnings("unchecked")
    Map<String, Object> details =
        (Map<String, Object>) ClusterSessionsTest.meta(asker, "wamp.subscription.get", prefix);
    assertThat(details)
        .containsEntry("id", prefix)
        .containsEntry("uri", "com.meta.sub")
        .containsEntry("match", "prefix");
    // Node 1 has no subscriber of its own to it: node 2 is asked for its own.
    assertThat(ClusterSessionsTest.meta(asker, "wamp.subscription.count_subscribers", exact))
        .isEqualTo(1L);
    assertThat(ClusterSessionsTest.meta(asker, "wamp.subscription.list_subscribers", exact))
        .isEqualTo(List.of(elsewhere.session()));
    // A subscriber on node 1 too: the same ID, the node's own subscribers first.
    assertThat(asker.subscribe("com.meta.sub.topic")).isEqualTo(exact);
    Peer third = cluster.join(3);
    assertThat(third.subscribe("com.meta.sub.topic")).isEqualTo(exact);
    awaitSubscriberCount(asker, exact, 3);
    @SuppressWarnings("unchecked")
    List<Long> listed =
        (List<Long>) ClusterSessionsTest.meta(asker, "wamp.subscription.list_subscribers", exact);
    assertThat(listed.getFirst()).isEqualTo(asker.session());
    assertThat(listed)
        .containsExactlyInAnyOrder(asker.session(), elsewhere.session(), third.session());
    third.unsubscribe(exact);
    awaitSubscriberCount(asker, exact, 2);

    // Gone from every node's answers once its last subscriber left.
    elsewhere.unsubscribe(prefix);
    Cluster.await(
        "node 1 no longer finds the prefix subscription",
        () -> {
          asker.call("wamp.subscription.get", Map.of(), List.of(prefix));
          return asker.expect(WampMessage.class) instanceof Error e
              && e.error().equals(WampUris.NO_SUCH_SUBSCRIPTION);
        });
  }

  /** Waits until {@code count_subscribers} on {@code asker}'s node answers {@code count}. */
  static void awaitSubscriberCount(Peer asker, long subscription, long count) {
    Cluster.await(
        "subscription " + subscription + " counted with " + count + " subscribers",
        () ->
            ClusterSessionsTest.meta(asker, "wamp.subscription.count_subscribers", subscription)
                .equals(count));
  }

  @Test
  void anEventPublishedOnOneNodeReachesSubscribersOnEveryNodeOnce() {
    Peer onTwo = cluster.join(2);
    Peer onThree = cluster.join(3);
    Peer localToPublisher = cluster.join(1);
    Peer publisher = cluster.join(1);
    long sub2 = onTwo.subscribe("com.example.news");
    long sub3 = onThree.subscribe("com.example.news");
    localToPublisher.subscribe("com.example.news");

    publisher.publish(
        "com.example.news", Map.of("disclose_me", true), List.of("hello", 42, Map.of("k", "v")));

    for (Peer p : List.of(onTwo, onThree, localToPublisher)) {
      Event e = p.event();
      assertThat(e.arguments()).containsExactly("hello", 42L, Map.of("k", "v"));
      assertThat(e.details()).containsEntry("publisher", publisher.session());
      assertThat(e.details()).containsEntry("publisher_authid", publisher.authid());
      p.expectNothing();
    }
    publisher.expectNothing();
    assertThat(List.of(sub2, sub3)).doesNotContainNull();
  }

  @Test
  void everyMatchingSubscriptionGetsTheEventOnceAndPrefixesMatchBytes() {
    Peer overlapping = cluster.join(2);
    long exact = overlapping.subscribe("com.t.emergency-low");
    long prefix = overlapping.subscribe("com.t.emerg", Map.of("match", "prefix"));
    long wildcard = overlapping.subscribe("com..emergency-low", Map.of("match", "wildcard"));
    Peer prefixOnThree = cluster.join(3);
    prefixOnThree.subscribe("com.t.emerg", Map.of("match", "prefix"));
    Peer publisher = cluster.join(1);

    publisher.publish("com.t.emergency-low", List.of(1));
    List<Long> got = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Event e = overlapping.event();
      got.add(e.subscription());
    }
    assertThat(got).containsExactlyInAnyOrder(exact, prefix, wildcard);
    overlapping.expectNothing();
    assertThat(prefixOnThree.event().details()).containsEntry("topic", "com.t.emergency-low");
    prefixOnThree.expectNothing();

    publisher.publish("com.t.emerg", List.of(2));
    assertThat(overlapping.event().subscription()).isEqualTo(prefix);
    assertThat(prefixOnThree.event().arguments()).containsExactly(2L);

    publisher.publish("com.t.em", List.of(3));
    publisher.publish("com.t.emerg.sub", List.of(4));
    assertThat(overlapping.event().arguments()).containsExactly(4L);
    assertThat(prefixOnThree.event().arguments()).containsExactly(4L);
    overlapping.expectNothing();
    prefixOnThree.expectNothing();
  }

  @Test
  void topicsWithCharactersSpecialToNatsReachOnlyTheirOwnSubscribers() {
    List<String> topics =
        List.of("s.*", "s.>", "s.=2A", "s.=3D", "s.$x", "s.é", "s.a b".replace(' ', '_'), "s.x>y");
    Peer publisher = cluster.join(1);
    Map<String, Peer> subscribers = new HashMap<>();
    for (String topic : topics) {
      Peer p = cluster.join(2);
      p.subscribe(topic);
      subscribers.put(topic, p);
    }
    Peer catchAll = cluster.join(3);
    long all = catchAll.subscribe("s", Map.of("match", "prefix"));

    for (String topic : topics) {
      publisher.publish(topic, List.of(topic));
    }
    for (String topic : topics) {
      Peer p = subscribers.get(topic);
      assertThat(p.event().arguments())
          .as("what the subscriber of %s got", topic)
          .containsExactly(topic);
      p.expectNothing();
    }
    List<Object> caught = new ArrayList<>();
    for (int i = 0; i < topics.size(); i++) {
      Event e = catchAll.event();
      assertThat(e.subscription()).isEqualTo(all);
      caught.add(e.details().get("topic"));
    }
    assertThat(caught).containsExactlyElementsOf(topics);
  }

  @Test
  void exclusionAndEligibilityListsApplyOnEveryNode() {
    Peer a = cluster.join(2);
    Peer b = cluster.join(3);
    Peer c = cluster.join(3);
    for (Peer p : List.of(a, b, c)) {
      p.subscribe("com.lists");
    }
    Peer publisher = cluster.join(1);

    publisher.publish(
        "com.lists", Map.of("eligible", List.of(a.session(), b.session())), List.of(1));
    publisher.publish("com.lists", Map.of("exclude", List.of(a.session())), List.of(2));
    publisher.publish("com.lists", Map.of("exclude_authid", List.of(b.authid())), List.of(3));

    assertThat(a.event().arguments()).containsExactly(1L);
    assertThat(a.event().arguments()).containsExactly(3L);
    a.expectNothing();
    assertThat(b.event().arguments()).containsExactly(1L);
    assertThat(b.event().arguments()).containsExactly(2L);
    b.expectNothing();
    assertThat(c.event().arguments()).containsExactly(2L);
    assertThat(c.event().arguments()).containsExactly(3L);
    c.expectNothing();
  }

  @Test
  void eventsOfOnePublisherArriveInOrderAcrossTopics() {
    Peer subscriber = cluster.join(2);
    long first = subscriber.subscribe("com.order.a");
    long second = subscriber.subscribe("com.order.b");
    Peer publisher = cluster.join(1);
    int n = 2000;
    for (int i = 0; i < n; i++) {
      publisher.publish(i % 2 == 0 ? "com.order.a" : "com.order.b", List.of(i));
    }
    for (int i = 0; i < n; i++) {
      Event e = subscriber.event();
      assertThat(e.arguments()).as("event %d", i).containsExactly((long) i);
      assertThat(e.subscription()).isEqualTo(i % 2 == 0 ? first : second);
    }
  }

  @Test
  void aPublicationAfterSubscribedIsNeverMissedWhateverTheNode() {
    Peer subscriber = cluster.join(2);
    Peer publisher = cluster.join(1);
    for (int i = 0; i < 200; i++) {
      String topic = "com.causal.t" + i;
      long sub = subscriber.subscribe(topic);
      publisher.publish(topic, List.of(i));
      Event e = subscriber.event();
      assertThat(e.subscription()).isEqualTo(sub);
      subscriber.unsubscribe(sub);
    }
  }

  @Test
  void binaryPayloadsCrossUnchanged() {
    Peer subscriber = cluster.join(3, Serializer.MSGPACK);
    subscriber.subscribe("com.binary");
    Peer publisher = cluster.join(1, Serializer.CBOR);
    byte[] bytes = {0, 1, 2, (byte) 0xFF, (byte) 0x80, 42};
    publisher.publish("com.binary", List.of(bytes));
    assertThat((byte[]) subscriber.event().arguments().get(0)).isEqualTo(bytes);
  }

  @Test
  void sessionMetaEventsReachMetaSubscribersOnOtherNodesOnly() {
    Peer watcher = cluster.join(2);
    watcher.subscribe("wamp.session.on_join");
    watcher.subscribe("wamp.session.on_leave");
    Peer everything = cluster.join(3);
    everything.subscribe("", Map.of("match", "prefix"));

    assertThat(joinedSession(watcher.event())).isEqualTo(everything.session());

    Peer newcomer = cluster.join(1);
    assertThat(joinedSession(watcher.event())).isEqualTo(newcomer.session());
    newcomer.leave();
    Event left = watcher.event();
    assertThat(left.arguments().get(0)).isEqualTo(newcomer.session());
    watcher.expectNothing();
    everything.expectNothing();
  }

  private static Object joinedSession(Event onJoin) {
    return ((Map<?, ?>) onJoin.arguments().get(0)).get("session");
  }

  @Test
  void aNodeStopsReceivingATopicsEventsWhenItsLastSubscriberLeaves() {
    // A cluster of its own: no other test's subscriber may receive anything on node 2 meanwhile.
    try (Cluster own = Cluster.start(2)) {
      Peer first = Peer.join(own.node(2), Serializer.JSON);
      Peer second = Peer.join(own.node(2), Serializer.JSON);
      long s1 = first.subscribe("com.interest");
      second.subscribe("com.interest");
      assertThat(own.events(2).interestCount()).isEqualTo(1);
      first.unsubscribe(s1);
      assertThat(own.events(2).interestCount()).isEqualTo(1);
      second.leave();
      assertThat(own.events(2).interestCount()).isZero();

      Peer publisher = Peer.join(own.node(1), Serializer.JSON);
      Peer probe = Peer.join(own.node(2), Serializer.JSON);
      probe.subscribe("com.interest.probe");
      long received = own.events(2).received();
      publisher.publish("com.interest", List.of(1));
      publisher.publish("com.interest.probe", List.of(2));
      probe.event();
      assertThat(own.events(2).received()).isEqualTo(received + 1);
    }
  }

  @Test
  void unsubscribingOnePatternLosesNothingOfAnOverlappingOne() throws Exception {
    Peer exact = cluster.join(2);
    long exactId = exact.subscribe("com.overlap.a.b");
    Peer prefix = cluster.join(2);
    prefix.subscribe("com.overlap.a", Map.of("match", "prefix"));
    Peer publisher = cluster.join(1);
    int n = 2000;
    for (int i = 0; i < n; i++) {
      publisher.publish("com.overlap.a.b", List.of(i));
      if (i == n / 2) {
        exact.unsubscribeAmidEvents(exactId);
      }
    }
    for (int i = 0; i < n; i++) {
      assertThat(prefix.event().arguments()).as("event %d", i).containsExactly((long) i);
    }
    prefix.expectNothing();
  }

  @Test
  void aPublicationOverTheBusPayloadLimitReachesThisNodeAndTheAcknowledgingPublisherHearsWhy() {
    Peer local = cluster.join(1);
    local.subscribe("com.big");
    Peer remote = cluster.join(2);
    remote.subscribe("com.big");
    Peer publisher = cluster.join(1, Serializer.MSGPACK);
    byte[] big = new byte[1_200_000];

    WampMessage answer = publisher.publishAcknowledged("com.big", List.of(big));

    assertThat(answer).isInstanceOf(Error.class);
    assertThat(((Error) answer).error()).isEqualTo(WampUris.PAYLOAD_SIZE_EXCEEDED);
    assertThat(((Error) answer).arguments().get(0).toString())
        .contains("this router node only")
        .contains("max_payload");
    assertThat(local.event().arguments()).hasSize(1);
    remote.expectNothing();
  }

  @Test
  void aTopicTooLongForTheClusterIsRefusedAsAnInvalidUri() {
    String topic = String.join(".", java.util.Collections.nCopies(120, "\u20ac\u20ac"));
    Error refused = cluster.join(2).subscribeRefused(topic, Map.of());
    assertThat(refused.error()).isEqualTo(WampUris.INVALID_URI);
    assertThat(refused.arguments().get(0).toString()).contains("too long for the cluster");

    WampMessage answer = cluster.join(1).publishAcknowledged(topic, List.of(1));
    assertThat(answer).isInstanceOf(Error.class);
    assertThat(((Error) answer).error()).isEqualTo(WampUris.INVALID_URI);
  }
}
