package io.quarkbar.wamp.router;

import static io.quarkbar.wamp.router.Configs.REALM;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.Goodbye;
import io.quarkbar.wamp.protocol.message.Publish;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.Subscribe;
import io.quarkbar.wamp.protocol.message.Subscribed;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.config.EventStoreRule;
import io.quarkbar.wamp.router.config.MatchPolicy;
import io.quarkbar.wamp.router.config.RouterConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Testaments, event retention and event history, through the router core. */
@SuppressWarnings("unchecked")
class AdvancedPubSubTest {

  /**
   * realm1, open, retaining events under com.example.sensor. and keeping 3 events of
   * com.example.log.
   */
  private final Router router =
      new Router(
          new RouterConfig(
              List.of(
                  RouterConfig.openRealm(REALM)
                      .realms()
                      .getFirst()
                      .withEvents(
                          List.of(
                              new EventStoreRule(
                                  "com.example.sensor.", MatchPolicy.PREFIX, true, 0),
                              new EventStoreRule(
                                  "com.example.log.", MatchPolicy.PREFIX, false, 3)))),
              io.quarkbar.wamp.protocol.uri.UriValidator.LOOSE));

  private TestClient join() {
    return TestClient.joined(router, Serializer.JSON, REALM);
  }

  private static Object call(
      TestClient c, String procedure, List<Object> args, Map<String, Object> kw) {
    long request = c.call(procedure, Map.of(), args, kw);
    Result result = c.expect(Result.class);
    assertThat(result.request()).isEqualTo(request);
    return result.arguments().isEmpty() ? null : result.arguments().getFirst();
  }

  @Nested
  class Testaments {

    @Test
    void aSessionThatLeavesAnyWayHasItsTestamentsPublishedInOrder() {
      TestClient watcher = join();
      watcher.subscribe("com.example.gone");
      TestClient mortal = join();
      call(
          mortal,
          "wamp.session.add_testament",
          List.of("com.example.gone", List.of("destroyed"), Map.of()),
          Map.of());
      call(
          mortal,
          "wamp.session.add_testament",
          List.of("com.example.gone", List.of("detached"), Map.of("n", 1)),
          Map.of("scope", "detached"));

      mortal.disconnect();

      assertThat(watcher.expect(Event.class).arguments()).containsExactly("detached");
      assertThat(watcher.expect(Event.class).arguments()).containsExactly("destroyed");
    }

    @Test
    void testamentsGoOutOnGoodbyeToo() {
      TestClient watcher = join();
      watcher.subscribe("com.example.gone");
      TestClient polite = join();
      call(
          polite,
          "wamp.session.add_testament",
          List.of("com.example.gone", List.of("bye"), Map.of()),
          Map.of());

      polite.send(new Goodbye(Map.of(), WampUris.CLOSE_REALM));

      assertThat(watcher.expect(Event.class).arguments()).containsExactly("bye");
    }

    @Test
    void flushedTestamentsAreNot() {
      TestClient watcher = join();
      watcher.subscribe("com.example.gone");
      TestClient mortal = join();
      call(
          mortal,
          "wamp.session.add_testament",
          List.of("com.example.gone", List.of(1), Map.of()),
          Map.of());
      call(mortal, "wamp.session.flush_testaments", List.of(), Map.of());

      mortal.disconnect();

      watcher.expectNothing();
    }

    @Test
    void aTestamentOnAReservedTopicIsRefused() {
      TestClient mortal = join();
      long request =
          mortal.call(
              "wamp.session.add_testament",
              Map.of(),
              List.of("wamp.session.on_leave", List.of(), Map.of()),
              Map.of());
      mortal.expectError(Call.CODE, request, WampUris.INVALID_URI);
    }

    @Test
    void killAllPublishesNoTestaments() {
      TestClient watcher = join();
      watcher.subscribe("com.example.gone");
      TestClient mortal = join();
      call(
          mortal,
          "wamp.session.add_testament",
          List.of("com.example.gone", List.of(1), Map.of()),
          Map.of());

      call(watcher, "wamp.session.kill_all", List.of(), Map.of());
      mortal.expect(Goodbye.class);
      mortal.send(new Goodbye(Map.of(), WampUris.GOODBYE_AND_OUT));

      watcher.expectNothing();
    }
  }

  @Nested
  class Retention {

    @Test
    void aLateSubscriberThatAsksGetsTheLastRetainedEventMarkedRetained() {
      TestClient sensor = join();
      sensor.send(
          new Publish(1, Map.of("retain", true), "com.example.sensor.t1", List.of(20), Map.of()));
      sensor.send(
          new Publish(2, Map.of("retain", true), "com.example.sensor.t1", List.of(21), Map.of()));
      sensor.send(new Publish(3, Map.of(), "com.example.sensor.t1", List.of(99), Map.of()));

      TestClient late = join();
      late.send(new Subscribe(1, Map.of("get_retained", true), "com.example.sensor.t1"));
      long sub = late.expect(Subscribed.class).subscription();

      Event retained = late.expect(Event.class);
      assertThat(retained.subscription()).isEqualTo(sub);
      assertThat(retained.arguments()).containsExactly(21L);
      assertThat(retained.details()).containsEntry("retained", true);
      late.expectNothing();
    }

    @Test
    void aPatternSubscriptionGetsTheRetainedEventOfEveryTopicItCovers() {
      TestClient sensor = join();
      sensor.send(
          new Publish(1, Map.of("retain", true), "com.example.sensor.a", List.of(1), Map.of()));
      sensor.send(
          new Publish(2, Map.of("retain", true), "com.example.sensor.b", List.of(2), Map.of()));

      TestClient late = join();
      late.send(
          new Subscribe(1, Map.of("get_retained", true, "match", "prefix"), "com.example.sensor."));
      late.expect(Subscribed.class);

      assertThat(
              List.of(
                  late.expect(Event.class).details().get("topic"),
                  late.expect(Event.class).details().get("topic")))
          .containsExactlyInAnyOrder("com.example.sensor.a", "com.example.sensor.b");
    }

    @Test
    void topicsNoRuleRetainsAndSubscribersWhoDoNotAskGetNothing() {
      TestClient publisher = join();
      publisher.send(
          new Publish(1, Map.of("retain", true), "com.example.other", List.of(1), Map.of()));
      publisher.send(
          new Publish(2, Map.of("retain", true), "com.example.sensor.x", List.of(1), Map.of()));

      TestClient late = join();
      late.send(new Subscribe(1, Map.of("get_retained", true), "com.example.other"));
      late.expect(Subscribed.class);
      late.subscribe("com.example.sensor.x");

      late.expectNothing();
    }

    @Test
    void aRetainedEventIsGivenOnlyToWhomItWasFor() {
      TestClient publisher = join();
      publisher.send(
          new Publish(
              1,
              Map.of("retain", true, "eligible_authrole", List.of("admin")),
              "com.example.sensor.secret",
              List.of(1),
              Map.of()));

      TestClient late = join();
      late.send(new Subscribe(1, Map.of("get_retained", true), "com.example.sensor.secret"));
      late.expect(Subscribed.class);

      late.expectNothing();
    }
  }

  @Nested
  class History {

    @Test
    void getEventsReturnsTheLastEventsOfTheSubscriptionWithTheSpecsFilters() {
      TestClient reader = join();
      long sub = reader.subscribe("com.example.log.", Map.of("match", "prefix"));
      TestClient writer = join();
      Instant before = Instant.now();
      for (int i = 1; i <= 5; i++) {
        writer.send(
            new Publish(
                i,
                Map.of(),
                "com.example.log." + (i % 2 == 0 ? "even" : "odd"),
                List.of(i),
                Map.of()));
      }
      for (int i = 0; i < 5; i++) {
        reader.expect(Event.class);
      }

      List<Map<String, Object>> all =
          (List<Map<String, Object>>)
              call(reader, "wamp.subscription.get_events", List.of(sub), Map.of());
      assertThat(all)
          .extracting(e -> e.get("args"))
          .containsExactly(List.of(3L), List.of(4L), List.of(5L));
      assertThat(all.getFirst())
          .containsEntry("subscription", sub)
          .containsKeys("timestamp", "publication", "details");
      assertThat(Instant.parse((String) all.getFirst().get("timestamp"))).isAfterOrEqualTo(before);

      List<Map<String, Object>> page =
          (List<Map<String, Object>>)
              call(
                  reader,
                  "wamp.subscription.get_events",
                  List.of(sub),
                  Map.of("reverse", true, "limit", 2));
      assertThat(page).extracting(e -> e.get("args")).containsExactly(List.of(5L), List.of(4L));

      Object p4 = all.get(1).get("publication");
      List<Map<String, Object>> after =
          (List<Map<String, Object>>)
              call(
                  reader,
                  "wamp.subscription.get_events",
                  List.of(sub),
                  Map.of("after_publication", p4));
      assertThat(after).extracting(e -> e.get("args")).containsExactly(List.of(5L));

      List<Map<String, Object>> odd =
          (List<Map<String, Object>>)
              call(
                  reader,
                  "wamp.subscription.get_events",
                  List.of(sub),
                  Map.of("topic", "com.example.log.odd"));
      assertThat(odd).extracting(e -> e.get("args")).containsExactly(List.of(3L), List.of(5L));

      List<Map<String, Object>> none =
          (List<Map<String, Object>>)
              call(
                  reader,
                  "wamp.subscription.get_events",
                  List.of(sub),
                  Map.of("before_time", before.toString()));
      assertThat(none).isEmpty();
    }

    @Test
    void eventsAreKeptWhileNoOneIsSubscribed() {
      TestClient writer = join();
      writer.send(new Publish(1, Map.of(), "com.example.log.x", List.of("early"), Map.of()));

      TestClient reader = join();
      long sub = reader.subscribe("com.example.log.", Map.of("match", "prefix"));

      List<Map<String, Object>> events =
          (List<Map<String, Object>>)
              call(reader, "wamp.subscription.get_events", List.of(sub), Map.of());
      assertThat(events).extracting(e -> e.get("args")).containsExactly(List.of("early"));
    }

    @Test
    void eventsNamingSessionsAreNotKeptAndRoleFiltersApplyToTheReader() {
      TestClient writer = join();
      writer.send(
          new Publish(
              1,
              Map.of("eligible", List.of(writer.sessionId())),
              "com.example.log.x",
              List.of(1),
              Map.of()));
      writer.send(
          new Publish(
              2,
              Map.of("eligible_authrole", List.of("admin")),
              "com.example.log.x",
              List.of(2),
              Map.of()));
      writer.send(new Publish(3, Map.of(), "com.example.log.x", List.of(3), Map.of()));
      TestClient reader = join();
      long sub = reader.subscribe("com.example.log.", Map.of("match", "prefix"));

      List<Map<String, Object>> events =
          (List<Map<String, Object>>)
              call(reader, "wamp.subscription.get_events", List.of(sub), Map.of());

      assertThat(events).extracting(e -> e.get("args")).containsExactly(List.of(3L));
    }

    @Test
    void badFiltersAreInvalidArgument() {
      TestClient reader = join();
      long sub = reader.subscribe("com.example.log.", Map.of("match", "prefix"));
      long request =
          reader.call(
              "wamp.subscription.get_events",
              Map.of(),
              List.of(sub),
              Map.of("from_time", "yesterday"));
      reader.expectError(Call.CODE, request, WampUris.INVALID_ARGUMENT);
    }
  }

  @Test
  void welcomeAnnouncesRetentionAndHistoryOnlyWhereTheRealmKeepsEvents() {
    Welcome welcome = TestClient.connect(router, Serializer.JSON).join(REALM);
    Map<String, Object> broker =
        (Map<String, Object>)
            ((Map<String, Object>)
                    ((Map<String, Object>) welcome.details().get("roles")).get("broker"))
                .get("features");
    assertThat(broker).containsEntry("event_retention", true).containsEntry("event_history", true);

    Welcome plain = TestClient.connect(Configs.openRouter(), Serializer.JSON).join(REALM);
    Map<String, Object> plainBroker =
        (Map<String, Object>)
            ((Map<String, Object>)
                    ((Map<String, Object>) plain.details().get("roles")).get("broker"))
                .get("features");
    assertThat(plainBroker).doesNotContainKeys("event_retention", "event_history");
  }
}
