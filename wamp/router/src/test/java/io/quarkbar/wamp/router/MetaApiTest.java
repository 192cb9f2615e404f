package io.quarkbar.wamp.router;

import static io.quarkbar.wamp.router.Configs.REALM;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.Goodbye;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.Subscribe;
import io.quarkbar.wamp.protocol.message.Unregister;
import io.quarkbar.wamp.protocol.message.Unregistered;
import io.quarkbar.wamp.protocol.message.Unsubscribe;
import io.quarkbar.wamp.protocol.message.Unsubscribed;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.protocol.uri.UriValidator;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.config.Action;
import io.quarkbar.wamp.router.config.Disclose;
import io.quarkbar.wamp.router.config.MatchPolicy;
import io.quarkbar.wamp.router.config.Permission;
import io.quarkbar.wamp.router.config.RealmConfig;
import io.quarkbar.wamp.router.config.RouterConfig;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The session, registration and subscription meta API: events after the change they describe, with
 * the specification's payloads, and procedures with its argument shapes and errors.
 */
@SuppressWarnings("unchecked")
class MetaApiTest {

  private final Router router = Configs.openRouter();

  private TestClient join() {
    return TestClient.joined(router, Serializer.JSON, REALM);
  }

  private static Object call(TestClient c, String procedure, List<Object> args) {
    return call(c, procedure, args, Map.of());
  }

  private static Object call(
      TestClient c, String procedure, List<Object> args, Map<String, Object> kwargs) {
    long request = c.call(procedure, Map.of(), args, kwargs);
    Result result = c.expect(Result.class);
    assertThat(result.request()).isEqualTo(request);
    return result.arguments().isEmpty() ? null : result.arguments().getFirst();
  }

  @Nested
  class SessionEvents {

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void joinAndLeaveAreAnnouncedWithTheSpecsPayloads(Serializer serializer) {
      TestClient watcher = TestClient.joined(router, serializer, REALM);
      watcher.subscribe("wamp.session.on_join");
      watcher.subscribe("wamp.session.on_leave");

      TestClient newcomer = TestClient.joined(router, serializer, REALM);

      Map<?, ?> details = (Map<Object, Object>) watcher.expect(Event.class).arguments().getFirst();
      assertThat(((Number) details.get("session")).longValue()).isEqualTo(newcomer.sessionId());
      assertThat(details.get("authid")).isEqualTo(newcomer.authid());
      assertThat(details.get("authrole")).isEqualTo("anonymous");
      assertThat(details.get("authmethod")).isEqualTo("anonymous");
      assertThat(details.get("authprovider")).isEqualTo("static");
      assertThat((Map<Object, Object>) details.get("transport")).containsKey("peer");

      newcomer.disconnect();

      List<Object> left = watcher.expect(Event.class).arguments();
      assertThat(left).containsExactly(newcomer.sessionId(), newcomer.authid(), "anonymous");
    }

    @Test
    void aClientPatternDoesNotCatchTheRoutersEvents() {
      TestClient snoop = join();
      snoop.subscribe("", Map.of("match", "prefix"));
      snoop.subscribe(".session.on_join", Map.of("match", "wildcard"));

      join();

      snoop.expectNothing();
    }

    @Test
    void aPatternUnderWampDoesCatchThem() {
      TestClient watcher = join();
      watcher.subscribe("wamp.session.", Map.of("match", "prefix"));

      join().disconnect();

      assertThat(watcher.expect(Event.class).details())
          .containsEntry("topic", "wamp.session.on_join");
      assertThat(watcher.expect(Event.class).details())
          .containsEntry("topic", "wamp.session.on_leave");
    }
  }

  @Nested
  class SessionProcedures {

    @Test
    void countListAndGet() {
      TestClient a = join();
      TestClient b = join();

      assertThat(call(a, "wamp.session.count", List.of())).isEqualTo(2L);
      assertThat((List<Object>) call(a, "wamp.session.list", List.of()))
          .containsExactlyInAnyOrder(a.sessionId(), b.sessionId());
      assertThat((List<Object>) call(a, "wamp.session.list", List.of(List.of("nobody")))).isEmpty();
      assertThat(call(a, "wamp.session.count", List.of(List.of("anonymous")))).isEqualTo(2L);
      Map<?, ?> details = (Map<Object, Object>) call(a, "wamp.session.get", List.of(b.sessionId()));
      assertThat(details.get("authid")).isEqualTo(b.authid());
    }

    @Test
    void getOfAnUnknownSessionIsNoSuchSession() {
      TestClient a = join();
      long request = a.call("wamp.session.get", Map.of(), List.of(42L), Map.of());
      a.expectError(Call.CODE, request, WampUris.NO_SUCH_SESSION);
    }

    @Test
    void badArgumentsAreInvalidArgumentWithAMessage() {
      TestClient a = join();
      long request = a.call("wamp.session.get", Map.of(), List.of("x"), Map.of());
      var error = a.expectError(Call.CODE, request, WampUris.INVALID_ARGUMENT);
      assertThat(error.arguments().getFirst().toString()).contains("session|id");
      request = a.call("wamp.session.count", Map.of(), List.of("anonymous"), Map.of());
      a.expectError(Call.CODE, request, WampUris.INVALID_ARGUMENT);
    }

    @Test
    void killSendsGoodbyeKilledAndTheSessionLeaves() {
      TestClient killer = join();
      TestClient victim = join();
      TestClient watcher = join();
      watcher.subscribe("wamp.session.on_leave");

      call(killer, "wamp.session.kill", List.of(victim.sessionId()));

      Goodbye goodbye = victim.expect(Goodbye.class);
      assertThat(goodbye.reason()).isEqualTo(WampUris.KILLED);
      victim.send(new Goodbye(Map.of(), WampUris.GOODBYE_AND_OUT));
      assertThat(watcher.expect(Event.class).arguments().getFirst()).isEqualTo(victim.sessionId());
      assertThat(call(killer, "wamp.session.count", List.of())).isEqualTo(2L);
    }

    @Test
    void killPassesOnReasonAndMessageAndRefusesABadReason() {
      TestClient killer = join();
      TestClient victim = join();

      long bad =
          killer.call(
              "wamp.session.kill", Map.of(), List.of(victim.sessionId()), Map.of("reason", "a b"));
      killer.expectError(Call.CODE, bad, WampUris.INVALID_URI);
      call(
          killer,
          "wamp.session.kill",
          List.of(victim.sessionId()),
          Map.of("reason", "com.example.maintenance", "message", "back soon"));

      Goodbye goodbye = victim.expect(Goodbye.class);
      assertThat(goodbye.reason()).isEqualTo("com.example.maintenance");
      assertThat(goodbye.details()).containsEntry("message", "back soon");
    }

    @Test
    void aSessionCannotKillItselfThroughTheMetaApi() {
      TestClient a = join();
      long request = a.call("wamp.session.kill", Map.of(), List.of(a.sessionId()), Map.of());
      a.expectError(Call.CODE, request, WampUris.NO_SUCH_SESSION);
    }

    @Test
    void killByAuthidAndKillAllSpareTheCaller() {
      TestClient a = join();
      TestClient b = join();
      TestClient c = join();

      assertThat(call(a, "wamp.session.kill_by_authid", List.of(b.authid()))).isEqualTo(1L);
      b.expect(Goodbye.class);
      assertThat(call(a, "wamp.session.kill_by_authrole", List.of("nobody"))).isEqualTo(0L);
      assertThat(call(a, "wamp.session.kill_all", List.of())).isEqualTo(2L);
      c.expect(Goodbye.class);
      a.expectNothing();
    }

    @Test
    void aKilledClientThatDoesNotAnswerIsDisconnectedAfterTheDeadline() {
      Router quick =
          new Router(
              RouterConfig.openRealm(REALM)
                  .withLimits(
                      io.quarkbar.wamp.router.config.Limits.DEFAULT.withHelloTimeout(
                          java.time.Duration.ofMillis(200))));
      TestClient killer = TestClient.joined(quick, Serializer.JSON, REALM);
      TestClient deaf = TestClient.joined(quick, Serializer.JSON, REALM);
      killer.call("wamp.session.kill", Map.of(), List.of(deaf.sessionId()), Map.of());
      killer.expect(Result.class);
      deaf.expect(Goodbye.class);

      long deadline = System.nanoTime() + 2_000_000_000L;
      while (quick.sessionCount() > 1 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(quick.sessionCount()).isEqualTo(1);
      assertThat(deaf.isClosed()).isTrue();
    }
  }

  @Nested
  class Permissions {

    @Test
    void metaProceduresAndEventsNeedPermissionsLikeAnyUri() {
      Permission app = permission("com.example.", MatchPolicy.PREFIX, Action.values());
      Permission watch =
          permission("wamp.session.", MatchPolicy.PREFIX, Action.SUBSCRIBE, Action.CALL);
      Permission noKill = permission("wamp.session.kill", MatchPolicy.EXACT);
      Router guarded =
          new Router(
              new RouterConfig(
                  List.of(
                      new RealmConfig("plain", Optional.of("user"), Map.of("user", List.of(app))),
                      new RealmConfig(
                          "watched",
                          Optional.of("watcher"),
                          Map.of("watcher", List.of(app, watch, noKill)))),
                  UriValidator.LOOSE));
      TestClient user = TestClient.joined(guarded, Serializer.JSON, "plain");
      long request = user.call("wamp.session.count");
      user.expectError(Call.CODE, request, WampUris.NOT_AUTHORIZED);
      request = user.nextRequest();
      user.send(new Subscribe(request, Map.of(), "wamp.session.on_join"));
      user.expectError(Subscribe.CODE, request, WampUris.NOT_AUTHORIZED);

      TestClient watcher = TestClient.joined(guarded, Serializer.JSON, "watched");
      TestClient other = TestClient.joined(guarded, Serializer.JSON, "watched");
      assertThat(call(watcher, "wamp.session.count", List.of())).isEqualTo(2L);
      watcher.subscribe("wamp.session.on_leave");
      request = watcher.call("wamp.session.kill", Map.of(), List.of(other.sessionId()), Map.of());
      watcher.expectError(Call.CODE, request, WampUris.NOT_AUTHORIZED);
      other.expectNothing();
    }

    private static Permission permission(String uri, MatchPolicy match, Action... allow) {
      EnumSet<Action> actions = EnumSet.noneOf(Action.class);
      actions.addAll(List.of(allow));
      return new Permission(uri, match, actions, EnumSet.noneOf(Disclose.class));
    }
  }

  @Nested
  class RegistrationMeta {

    @Test
    void eventsFollowTheRegistrationsLife() {
      TestClient watcher = join();
      for (String t : List.of("on_create", "on_register", "on_unregister", "on_delete")) {
        watcher.subscribe("wamp.registration." + t);
      }
      TestClient callee = join();

      long id = callee.register("com.example.proc");

      List<Object> created = watcher.expect(Event.class).arguments();
      assertThat(created.getFirst()).isEqualTo(callee.sessionId());
      assertThat((Map<Object, Object>) created.get(1))
          .containsEntry("id", id)
          .containsEntry("uri", "com.example.proc")
          .containsEntry("match", "exact")
          .containsEntry("invoke", "single")
          .containsKey("created");
      assertThat(watcher.expect(Event.class).arguments()).containsExactly(callee.sessionId(), id);

      callee.send(new Unregister(callee.nextRequest(), id));
      callee.expect(Unregistered.class);

      assertThat(watcher.expect(Event.class).arguments()).containsExactly(callee.sessionId(), id);
      assertThat(watcher.expect(Event.class).arguments()).containsExactly(callee.sessionId(), id);
    }

    @Test
    void proceduresDescribeRegistrations() {
      TestClient callee = join();
      TestClient asker = join();
      long exact = callee.register("com.example.a.b");
      long prefix = callee.register("com.example.", Map.of("match", "prefix"));

      Map<?, ?> lists = (Map<Object, Object>) call(asker, "wamp.registration.list", List.of());
      assertThat((List<Object>) lists.get("exact")).containsExactly(exact);
      assertThat((List<Object>) lists.get("prefix")).containsExactly(prefix);
      assertThat((List<Object>) lists.get("wildcard")).isEmpty();
      assertThat(call(asker, "wamp.registration.lookup", List.of("com.example.a.b")))
          .isEqualTo(exact);
      assertThat(
              call(
                  asker,
                  "wamp.registration.lookup",
                  List.of("com.example.", Map.of("match", "prefix"))))
          .isEqualTo(prefix);
      assertThat(call(asker, "wamp.registration.lookup", List.of("com.example.zz"))).isNull();
      assertThat(call(asker, "wamp.registration.match", List.of("com.example.zz")))
          .isEqualTo(prefix);
      assertThat(call(asker, "wamp.registration.match", List.of("org.x"))).isNull();
      assertThat((Map<Object, Object>) call(asker, "wamp.registration.get", List.of(exact)))
          .containsEntry("uri", "com.example.a.b");
      assertThat((List<Object>) call(asker, "wamp.registration.list_callees", List.of(exact)))
          .containsExactly(callee.sessionId());
      assertThat(call(asker, "wamp.registration.count_callees", List.of(exact))).isEqualTo(1L);
      long request = asker.call("wamp.registration.get", Map.of(), List.of(999L), Map.of());
      asker.expectError(Call.CODE, request, WampUris.NO_SUCH_REGISTRATION);
    }
  }

  @Nested
  class SubscriptionMeta {

    @Test
    void eventsFollowTheSubscriptionsLifeButNotForMetaTopics() {
      TestClient watcher = join();
      for (String t : List.of("on_create", "on_subscribe", "on_unsubscribe", "on_delete")) {
        watcher.subscribe("wamp.subscription." + t);
      }
      TestClient subscriber = join();

      long id = subscriber.subscribe("com.example.topic");

      List<Object> created = watcher.expect(Event.class).arguments();
      assertThat((Map<Object, Object>) created.get(1))
          .containsEntry("id", id)
          .containsEntry("uri", "com.example.topic")
          .containsEntry("match", "exact");
      assertThat(watcher.expect(Event.class).arguments())
          .containsExactly(subscriber.sessionId(), id);

      subscriber.send(new Unsubscribe(subscriber.nextRequest(), id));
      subscriber.expect(Unsubscribed.class);
      assertThat(watcher.expect(Event.class).arguments())
          .containsExactly(subscriber.sessionId(), id);
      assertThat(watcher.expect(Event.class).arguments())
          .containsExactly(subscriber.sessionId(), id);

      subscriber.subscribe("wamp.session.on_join");
      watcher.expectNothing();
    }

    @Test
    void proceduresDescribeSubscriptions() {
      TestClient a = join();
      TestClient b = join();
      long exact = a.subscribe("com.example.t");
      b.subscribe("com.example.t");
      long wildcard = a.subscribe("com.example.", Map.of("match", "prefix"));

      assertThat((List<Object>) call(b, "wamp.subscription.match", List.of("com.example.t")))
          .containsExactlyInAnyOrder(exact, wildcard);
      assertThat(call(b, "wamp.subscription.match", List.of("org.t"))).isNull();
      assertThat(call(b, "wamp.subscription.lookup", List.of("com.example.t"))).isEqualTo(exact);
      assertThat(call(b, "wamp.subscription.count_subscribers", List.of(exact))).isEqualTo(2L);
      assertThat((List<Object>) call(b, "wamp.subscription.list_subscribers", List.of(exact)))
          .containsExactlyInAnyOrder(a.sessionId(), b.sessionId());
      assertThat((Map<Object, Object>) call(b, "wamp.subscription.get", List.of(wildcard)))
          .containsEntry("match", "prefix");
      Map<?, ?> lists = (Map<Object, Object>) call(b, "wamp.subscription.list", List.of());
      assertThat((List<Object>) lists.get("exact")).containsExactly(exact);
    }
  }

  @Test
  void welcomeAnnouncesTheMetaApis() {
    Welcome welcome = TestClient.connect(router, Serializer.JSON).join(REALM);
    Map<Object, Object> roles = (Map<Object, Object>) welcome.details().get("roles");
    Map<Object, Object> broker =
        (Map<Object, Object>) ((Map<Object, Object>) roles.get("broker")).get("features");
    Map<Object, Object> dealer =
        (Map<Object, Object>) ((Map<Object, Object>) roles.get("dealer")).get("features");
    assertThat(broker)
        .containsEntry("session_meta_api", true)
        .containsEntry("subscription_meta_api", true);
    assertThat(dealer)
        .containsEntry("session_meta_api", true)
        .containsEntry("registration_meta_api", true);
  }
}
