package io.quarkbar.wamp.router;

import static io.quarkbar.wamp.router.Configs.REALM;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.Goodbye;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.Publish;
import io.quarkbar.wamp.protocol.message.Published;
import io.quarkbar.wamp.protocol.message.Subscribe;
import io.quarkbar.wamp.protocol.message.Subscribed;
import io.quarkbar.wamp.protocol.message.Unsubscribe;
import io.quarkbar.wamp.protocol.message.Unsubscribed;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.config.Action;
import io.quarkbar.wamp.router.config.RouterConfig;
import io.quarkbar.wamp.router.session.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class BrokerTest {

  private static final String TOPIC = "com.example.topic";

  private final Router router = Configs.openRouter();

  private TestClient join(Serializer serializer) {
    return TestClient.joined(router, serializer, REALM);
  }

  @Nested
  class Subscriptions {

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void subscribeIsAnsweredWithSubscribed(Serializer serializer) {
      TestClient client = join(serializer);

      client.send(new Subscribe(7, Map.of(), TOPIC));

      Subscribed subscribed = client.expect(Subscribed.class);
      assertThat(subscribed.request()).isEqualTo(7);
      assertThat(subscribed.subscription()).isBetween(1L, 1L << 53);
      client.expectNothing();
    }

    @Test
    void sessionsOnTheSameTopicAndMatchShareTheSubscriptionId() {
      TestClient a = join(Serializer.JSON);
      TestClient b = join(Serializer.JSON);

      long idA = a.subscribe(TOPIC);
      long idB = b.subscribe(TOPIC);
      long prefix = b.subscribe(TOPIC, Map.of("match", "prefix"));
      long other = b.subscribe("com.example.other");

      assertThat(idB).isEqualTo(idA);
      assertThat(prefix).isNotEqualTo(idA);
      assertThat(other).isNotIn(idA, prefix);
    }

    @Test
    void repeatedSubscribeGivesTheSameIdAndOneEvent() {
      TestClient subscriber = join(Serializer.JSON);
      TestClient publisher = join(Serializer.JSON);

      long first = subscriber.subscribe(TOPIC);
      long second = subscriber.subscribe(TOPIC);
      publisher.publish(TOPIC, Map.of());

      assertThat(second).isEqualTo(first);
      assertThat(subscriber.expect(Event.class).subscription()).isEqualTo(first);
      subscriber.expectNothing();
    }

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void unsubscribeIsAnsweredAndStopsEvents(Serializer serializer) {
      TestClient subscriber = join(serializer);
      TestClient stays = join(serializer);
      TestClient publisher = join(serializer);
      long id = subscriber.subscribe(TOPIC);
      stays.subscribe(TOPIC);

      long request = subscriber.nextRequest();
      subscriber.send(new Unsubscribe(request, id));

      assertThat(subscriber.expect(Unsubscribed.class).request()).isEqualTo(request);
      publisher.publish(TOPIC, Map.of());
      stays.expect(Event.class);
      subscriber.expectNothing();
    }

    @Test
    void unsubscribeOfUnknownIdIsAnError() {
      TestClient client = join(Serializer.JSON);

      client.send(new Unsubscribe(5, 123456));

      client.expectError(Unsubscribe.CODE, 5, WampUris.NO_SUCH_SUBSCRIPTION);
    }

    @Test
    void unsubscribeFromAnotherSessionsSubscriptionIsAnError() {
      TestClient owner = join(Serializer.JSON);
      TestClient stranger = join(Serializer.JSON);
      TestClient publisher = join(Serializer.JSON);
      long id = owner.subscribe(TOPIC);

      stranger.send(new Unsubscribe(3, id));

      stranger.expectError(Unsubscribe.CODE, 3, WampUris.NO_SUCH_SUBSCRIPTION);
      publisher.publish(TOPIC, Map.of());
      owner.expect(Event.class);
    }

    @Test
    void unsubscribeTwiceIsAnErrorTheSecondTime() {
      TestClient client = join(Serializer.JSON);
      long id = client.subscribe(TOPIC);
      client.send(new Unsubscribe(10, id));
      client.expect(Unsubscribed.class);

      client.send(new Unsubscribe(11, id));

      client.expectError(Unsubscribe.CODE, 11, WampUris.NO_SUCH_SUBSCRIPTION);
    }
  }

  @Nested
  class Publishing {

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void acknowledgedPublishGetsPublishedWithTheEventsPublicationId(Serializer serializer) {
      TestClient subscriber = join(serializer);
      TestClient publisher = join(serializer);
      long subscription = subscriber.subscribe(TOPIC);

      long request = publisher.publish(TOPIC, Map.of("acknowledge", true));

      Published published = publisher.expect(Published.class);
      assertThat(published.request()).isEqualTo(request);
      Event event = subscriber.expect(Event.class);
      assertThat(event.subscription()).isEqualTo(subscription);
      assertThat(event.publication()).isEqualTo(published.publication());
      assertThat(published.publication()).isBetween(1L, 1L << 53);
    }

    @Test
    void acknowledgedPublishWithoutSubscribersIsStillPublished() {
      TestClient publisher = join(Serializer.JSON);

      long request = publisher.publish(TOPIC, Map.of("acknowledge", true));

      assertThat(publisher.expect(Published.class).request()).isEqualTo(request);
    }

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void publishWithoutAcknowledgeGetsNoAnswer(Serializer serializer) {
      TestClient subscriber = join(serializer);
      TestClient publisher = join(serializer);
      subscriber.subscribe(TOPIC);

      publisher.publish(TOPIC, Map.of());

      subscriber.expect(Event.class);
      publisher.expectNothing();
    }

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void eventCarriesArgsAndKwargsExactlyAsPublished(Serializer serializer) {
      TestClient subscriber = join(serializer);
      TestClient publisher = join(serializer);
      subscriber.subscribe(TOPIC);
      List<Object> args = new ArrayList<>();
      args.add(1L);
      args.add("two");
      args.add(true);
      args.add(null);
      args.add(-1.5);
      args.add(List.of(List.of(), Map.of()));
      args.add(Map.of("nested", Map.of("k", List.of(1L, 2L))));
      Map<String, Object> kwargs = new LinkedHashMap<>();
      kwargs.put("name", "ünïcödé ✓");
      kwargs.put("big", 1L << 53);
      kwargs.put("neg", -7L);
      kwargs.put("flag", false);

      publisher.publish(TOPIC, Map.of(), args, kwargs);

      Event event = subscriber.expect(Event.class);
      assertThat(event.arguments()).isEqualTo(args);
      assertThat(event.argumentsKw()).isEqualTo(kwargs);
    }

    @Test
    void oneEventReachesSubscribersOfEverySerializer() {
      List<TestClient> subscribers = new ArrayList<>();
      for (Serializer s : Serializer.values()) {
        subscribers.add(join(s));
        subscribers.add(join(s));
      }
      long id = subscribers.getFirst().subscribe(TOPIC);
      for (TestClient s : subscribers.subList(1, subscribers.size())) {
        assertThat(s.subscribe(TOPIC)).isEqualTo(id);
      }
      TestClient publisher = join(Serializer.CBOR);

      publisher.publish(TOPIC, Map.of(), List.of("x", 1L), Map.of("y", List.of(true)));

      for (TestClient s : subscribers) {
        Event event = s.expect(Event.class);
        assertThat(event.subscription()).isEqualTo(id);
        assertThat(event.arguments()).isEqualTo(List.of("x", 1L));
        assertThat(event.argumentsKw()).isEqualTo(Map.of("y", List.of(true)));
        s.expectNothing();
      }
    }

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void eventWithKwargsOnlyHasAnEmptyArgsList(Serializer serializer) {
      TestClient subscriber = join(serializer);
      TestClient publisher = join(serializer);
      subscriber.subscribe(TOPIC);

      publisher.publish(TOPIC, Map.of(), List.of(), Map.of("k", "v"));

      Event event = subscriber.expect(Event.class);
      assertThat(event.arguments()).isEmpty();
      assertThat(event.argumentsKw()).isEqualTo(Map.of("k", "v"));
    }

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void eventForPublishWithoutPayloadHasNeitherArgsNorKwargsOnTheWire(Serializer serializer) {
      Router closedRouter = Configs.routerAllowing(Action.values());
      WireTap tap = new WireTap(serializer);
      Session session = closedRouter.attach(tap);
      session.receive(new Hello(REALM, Map.of("roles", TestClient.ROLES)));
      assertThat(tap.next().getFirst()).isEqualTo((long) Welcome.CODE);
      session.receive(new Subscribe(1, Map.of(), TOPIC));
      List<Object> subscribed = tap.next();
      TestClient publisher = TestClient.joined(closedRouter, serializer, REALM);

      publisher.publish(TOPIC, Map.of());
      publisher.publish(TOPIC, Map.of(), List.of(), Map.of());

      for (int i = 0; i < 2; i++) {
        List<Object> event = tap.next();
        assertThat(event).hasSize(4);
        assertThat(event.get(0)).isEqualTo((long) Event.CODE);
        assertThat(event.get(1)).isEqualTo(subscribed.get(2));
        assertThat(event.get(3)).isEqualTo(Map.of());
      }
    }

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void eventWithArgsOnlyHasFiveElementsOnTheWire(Serializer serializer) {
      WireTap tap = new WireTap(serializer);
      Session session = router.attach(tap);
      session.receive(new Hello(REALM, Map.of("roles", TestClient.ROLES)));
      tap.next();
      session.receive(new Subscribe(1, Map.of(), TOPIC));
      tap.next();
      TestClient publisher = join(serializer);

      publisher.publish(TOPIC, Map.of(), List.of("a"), Map.of());

      List<Object> event = tap.next();
      assertThat(event).hasSize(5);
      assertThat(event.get(4)).isEqualTo(List.of("a"));
    }
  }

  @Nested
  class Filtering {

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void publisherIsExcludedByDefault(Serializer serializer) {
      TestClient publisher = join(serializer);
      TestClient other = join(serializer);
      publisher.subscribe(TOPIC);
      other.subscribe(TOPIC);

      publisher.publish(TOPIC, Map.of("acknowledge", true));

      publisher.expect(Published.class);
      other.expect(Event.class);
      publisher.expectNothing();
    }

    @Test
    void excludeMeFalseDeliversToThePublisherToo() {
      TestClient publisher = join(Serializer.JSON);
      TestClient other = join(Serializer.JSON);
      long id = publisher.subscribe(TOPIC);
      other.subscribe(TOPIC);

      publisher.publish(TOPIC, Map.of("exclude_me", false), List.of("self"), Map.of());

      Event event = publisher.expect(Event.class);
      assertThat(event.subscription()).isEqualTo(id);
      assertThat(event.arguments()).isEqualTo(List.of("self"));
      other.expect(Event.class);
    }

    @Test
    void eligibleAndExcludeBySessionId() {
      TestClient publisher = join(Serializer.JSON);
      TestClient s1 = join(Serializer.JSON);
      TestClient s2 = join(Serializer.JSON);
      TestClient s3 = join(Serializer.JSON);
      for (TestClient s : List.of(s1, s2, s3)) {
        s.subscribe(TOPIC);
      }

      publisher.publish(TOPIC, Map.of("eligible", List.of(s1.sessionId(), s3.sessionId())));
      s1.expect(Event.class);
      s3.expect(Event.class);
      s2.expectNothing();

      publisher.publish(TOPIC, Map.of("exclude", List.of(s1.sessionId())));
      s2.expect(Event.class);
      s3.expect(Event.class);
      s1.expectNothing();

      // exclude wins over eligible
      publisher.publish(
          TOPIC,
          Map.of(
              "eligible", List.of(s1.sessionId(), s2.sessionId()),
              "exclude", List.of(s2.sessionId())));
      s1.expect(Event.class);
      s2.expectNothing();
      s3.expectNothing();
    }

    @Test
    void eligibleAndExcludeByAuthid() {
      TestClient publisher = join(Serializer.JSON);
      TestClient s1 = join(Serializer.JSON);
      TestClient s2 = join(Serializer.JSON);
      s1.subscribe(TOPIC);
      s2.subscribe(TOPIC);

      publisher.publish(TOPIC, Map.of("eligible_authid", List.of(s2.authid())));
      s2.expect(Event.class);
      s1.expectNothing();

      publisher.publish(TOPIC, Map.of("exclude_authid", List.of(s2.authid())));
      s1.expect(Event.class);
      s2.expectNothing();
    }

    @Test
    void eligibleAndExcludeByAuthrole() {
      TestClient publisher = join(Serializer.JSON);
      TestClient subscriber = join(Serializer.JSON);
      subscriber.subscribe(TOPIC);

      publisher.publish(TOPIC, Map.of("exclude_authrole", List.of("anonymous")));
      subscriber.expectNothing();

      publisher.publish(TOPIC, Map.of("eligible_authrole", List.of("admin")));
      subscriber.expectNothing();

      publisher.publish(TOPIC, Map.of("eligible_authrole", List.of("anonymous")));
      subscriber.expect(Event.class);
    }

    @Test
    void emptyEligibleListReachesNoOne() {
      TestClient publisher = join(Serializer.JSON);
      TestClient subscriber = join(Serializer.JSON);
      subscriber.subscribe(TOPIC);

      publisher.publish(TOPIC, Map.of("eligible", List.of()));

      subscriber.expectNothing();
    }
  }

  @Nested
  class Patterns {

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void prefixAndWildcardSubscriptionsGetTheConcreteTopic(Serializer serializer) {
      Router quiet = Configs.routerAllowing(Action.values());
      TestClient subscriber = TestClient.joined(quiet, serializer, REALM);
      TestClient publisher = TestClient.joined(quiet, serializer, REALM);
      long exact = subscriber.subscribe("com.myapp.topic1");
      long prefix = subscriber.subscribe("com.myapp", Map.of("match", "prefix"));
      long wildcard = subscriber.subscribe("com..topic1", Map.of("match", "wildcard"));

      publisher.publish("com.myapp.topic1", Map.of());

      Map<Long, Map<String, Object>> details = new LinkedHashMap<>();
      for (int i = 0; i < 3; i++) {
        Event event = subscriber.expect(Event.class);
        details.put(event.subscription(), event.details());
      }
      subscriber.expectNothing();
      assertThat(details.keySet()).containsExactlyInAnyOrder(exact, prefix, wildcard);
      assertThat(details.get(exact)).doesNotContainKey("topic");
      assertThat(details.get(prefix)).containsEntry("topic", "com.myapp.topic1");
      assertThat(details.get(wildcard)).containsEntry("topic", "com.myapp.topic1");
    }

    @Test
    void prefixAndWildcardDoNotMatchOtherTopics() {
      TestClient subscriber = join(Serializer.JSON);
      TestClient publisher = join(Serializer.JSON);
      subscriber.subscribe("com.myapp.", Map.of("match", "prefix"));
      subscriber.subscribe("com..topic1", Map.of("match", "wildcard"));

      publisher.publish("org.myapp.topic2", Map.of());
      publisher.publish("com.myapp", Map.of());
      publisher.publish("com.a.b.topic1", Map.of());
      subscriber.expectNothing();

      publisher.publish("com.x.topic1", Map.of());
      assertThat(subscriber.expect(Event.class).details()).containsEntry("topic", "com.x.topic1");
      subscriber.expectNothing();
    }

    @Test
    void emptyPrefixMatchesEveryTopic() {
      TestClient subscriber = join(Serializer.JSON);
      TestClient publisher = join(Serializer.JSON);
      subscriber.subscribe("", Map.of("match", "prefix"));

      publisher.publish("anything.at.all", Map.of());

      assertThat(subscriber.expect(Event.class).details())
          .containsEntry("topic", "anything.at.all");
    }
  }

  @Nested
  class Disclosure {

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void openRealmDisclosesThePublisher(Serializer serializer) {
      TestClient subscriber = join(serializer);
      TestClient publisher = join(serializer);
      subscriber.subscribe(TOPIC);

      publisher.publish(TOPIC, Map.of());

      Map<String, Object> details = subscriber.expect(Event.class).details();
      assertThat(((Number) details.get("publisher")).longValue()).isEqualTo(publisher.sessionId());
      assertThat(details)
          .containsEntry("publisher_authid", publisher.authid())
          .containsEntry("publisher_authrole", "anonymous");
    }

    @Test
    void identitiesThePublisherWritesIntoItsOptionsAreNeverPassedOn() {
      Router quiet = Configs.routerAllowing(Action.values());
      TestClient subscriber = TestClient.joined(quiet, Serializer.JSON, REALM);
      TestClient publisher = TestClient.joined(quiet, Serializer.JSON, REALM);
      subscriber.subscribe(TOPIC);

      publisher.publish(
          TOPIC,
          Map.of("publisher", 42L, "publisher_authid", "admin", "publisher_authrole", "admin"));

      assertThat(subscriber.expect(Event.class).details())
          .doesNotContainKeys("publisher", "publisher_authid", "publisher_authrole");
    }

    @Test
    void aSessionMayHoldOnlySoManySubscriptions() {
      Router limited =
          new Router(
              RouterConfig.openRealm(REALM)
                  .withLimits(
                      new io.quarkbar.wamp.router.config.Limits(
                          100,
                          100,
                          100,
                          2,
                          100,
                          java.time.Duration.ofSeconds(5),
                          java.time.Duration.ZERO,
                          java.time.Duration.ZERO)));
      TestClient subscriber = TestClient.joined(limited, Serializer.JSON, REALM);
      subscriber.subscribe("com.example.a");
      subscriber.subscribe("com.example.b");
      // Subscribing again to a topic it has costs nothing.
      subscriber.subscribe("com.example.b");

      long request = subscriber.nextRequest();
      subscriber.send(new Subscribe(request, Map.of(), "com.example.c"));

      subscriber.expectError(
          Subscribe.CODE, request, io.quarkbar.wamp.router.config.Limits.LIMIT_EXCEEDED);
    }

    @Test
    void publisherIsHiddenUnlessDisclosedByConfigOrDiscloseMe() {
      Router quiet = Configs.routerAllowing(Action.values());
      TestClient subscriber = TestClient.joined(quiet, Serializer.JSON, REALM);
      TestClient publisher = TestClient.joined(quiet, Serializer.JSON, REALM);
      subscriber.subscribe(TOPIC);

      publisher.publish(TOPIC, Map.of());
      assertThat(subscriber.expect(Event.class).details()).doesNotContainKey("publisher");

      publisher.publish(TOPIC, Map.of("disclose_me", true));
      assertThat(((Number) subscriber.expect(Event.class).details().get("publisher")).longValue())
          .isEqualTo(publisher.sessionId());
    }
  }

  @Nested
  class Refusals {

    @ParameterizedTest
    @ValueSource(strings = {"com..topic", "com.example.", ".com", "com example", "com.#"})
    void invalidTopicIsAnErrorForSubscribeAndAcknowledgedPublish(String topic) {
      TestClient client = join(Serializer.JSON);

      client.send(new Subscribe(1, Map.of(), topic));
      client.expectError(Subscribe.CODE, 1, WampUris.INVALID_URI);

      client.send(new Publish(2, Map.of("acknowledge", true), topic, List.of(), Map.of()));
      client.expectError(Publish.CODE, 2, WampUris.INVALID_URI);

      client.send(new Publish(3, Map.of(), topic, List.of(), Map.of()));
      client.expectNothing();
    }

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void topicsUnderWampArePublishedByTheRouterOnly(Serializer serializer) {
      TestClient client = join(serializer);
      TestClient listener = join(serializer);
      listener.subscribe("wamp.session.on_join");

      client.send(
          new Publish(2, Map.of("acknowledge", true), "wamp.session.on_join", List.of(), Map.of()));
      client.expectError(Publish.CODE, 2, WampUris.NOT_AUTHORIZED);

      listener.expectNothing();
    }

    @Test
    void roleWithoutPublishMayNotPublish() {
      Router router = Configs.routerAllowing(Action.SUBSCRIBE, Action.CALL, Action.REGISTER);
      TestClient subscriber = TestClient.joined(router, Serializer.JSON, REALM);
      TestClient publisher = TestClient.joined(router, Serializer.JSON, REALM);
      subscriber.subscribe(TOPIC);

      publisher.send(new Publish(4, Map.of("acknowledge", true), TOPIC, List.of(), Map.of()));
      publisher.expectError(Publish.CODE, 4, WampUris.NOT_AUTHORIZED);
      publisher.send(new Publish(5, Map.of(), TOPIC, List.of(), Map.of()));
      publisher.expectNothing();

      subscriber.expectNothing();
    }

    @Test
    void roleWithoutSubscribeMayNotSubscribe() {
      Router router = Configs.routerAllowing(Action.PUBLISH);
      TestClient client = TestClient.joined(router, Serializer.JSON, REALM);

      client.send(new Subscribe(6, Map.of(), TOPIC));

      client.expectError(Subscribe.CODE, 6, WampUris.NOT_AUTHORIZED);
    }
  }

  @Nested
  class LeavingSessions {

    @Test
    void sessionThatLeavesGetsNoMoreEventsAndKeepsOthersSubscribed() {
      WireTap tap = new WireTap(Serializer.JSON);
      Session leaver = router.attach(tap);
      leaver.receive(new Hello(REALM, Map.of("roles", TestClient.ROLES)));
      tap.next();
      leaver.receive(new Subscribe(1, Map.of(), TOPIC));
      long id = ((Number) tap.next().get(2)).longValue();
      TestClient stays = join(Serializer.JSON);
      TestClient publisher = join(Serializer.JSON);
      assertThat(stays.subscribe(TOPIC)).isEqualTo(id);

      leaver.receive(new Goodbye(Map.of(), WampUris.CLOSE_REALM));
      assertThat(tap.next().getFirst()).isEqualTo((long) Goodbye.CODE);
      publisher.publish(TOPIC, Map.of());

      assertThat(stays.expect(Event.class).subscription()).isEqualTo(id);
      tap.expectNothing(Duration.ofMillis(50));
      // The subscription lives on for the remaining subscriber.
      assertThat(join(Serializer.JSON).subscribe(TOPIC)).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"disconnect", "goodbye"})
    void subscriptionIsDroppedWhenTheLastSubscriberLeaves(String how) {
      TestClient a = join(Serializer.JSON);
      TestClient b = join(Serializer.JSON);
      long id = a.subscribe(TOPIC);
      b.subscribe(TOPIC);

      for (TestClient c : List.of(a, b)) {
        if (how.equals("disconnect")) {
          c.disconnect();
        } else {
          c.send(new Goodbye(Map.of(), WampUris.CLOSE_REALM));
        }
      }

      TestClient newcomer = join(Serializer.JSON);
      long fresh = newcomer.subscribe(TOPIC);
      assertThat(fresh).isNotEqualTo(id);
      newcomer.send(new Unsubscribe(99, id));
      newcomer.expectError(Unsubscribe.CODE, 99, WampUris.NO_SUCH_SUBSCRIPTION);
    }
  }
}
