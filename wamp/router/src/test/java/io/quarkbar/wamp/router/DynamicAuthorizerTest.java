package io.quarkbar.wamp.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.protocol.message.Authenticate;
import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Challenge;
import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Publish;
import io.quarkbar.wamp.protocol.message.Published;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.Subscribe;
import io.quarkbar.wamp.protocol.message.Subscribed;
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.protocol.uri.UriValidator;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.config.Action;
import io.quarkbar.wamp.router.config.AuthMethod;
import io.quarkbar.wamp.router.config.AuthorizerConfig;
import io.quarkbar.wamp.router.config.Disclose;
import io.quarkbar.wamp.router.config.DynamicProcedure;
import io.quarkbar.wamp.router.config.Limits;
import io.quarkbar.wamp.router.config.MatchPolicy;
import io.quarkbar.wamp.router.config.MethodConfig;
import io.quarkbar.wamp.router.config.Permission;
import io.quarkbar.wamp.router.config.Principal;
import io.quarkbar.wamp.router.config.RealmConfig;
import io.quarkbar.wamp.router.config.RouterConfig;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dynamic authorizer: a procedure in another realm decides about what the static permissions of
 * the guest role leave open; its answers are cached, a missing or slow one denies, and a session's
 * messages keep their order while one of them waits for an answer.
 */
class DynamicAuthorizerTest {

  static final String REALM = "shop";
  static final String OPS = "ops";
  static final String AUTHORIZER = "com.example.authorize";

  Router router;
  TestClient authorizer;
  TestClient service;
  TestClient guest;

  @BeforeEach
  void start() {
    Permission staticForGuests =
        new Permission(
            "com.example.static.",
            MatchPolicy.PREFIX,
            EnumSet.allOf(Action.class),
            EnumSet.noneOf(Disclose.class));
    Permission all =
        new Permission(
            "", MatchPolicy.PREFIX, EnumSet.allOf(Action.class), EnumSet.noneOf(Disclose.class));
    RealmConfig shop =
        new RealmConfig(
            REALM,
            Optional.of("guest"),
            Map.of("guest", List.of(staticForGuests), "service", List.of(all)),
            Map.of(
                AuthMethod.TICKET, MethodConfig.of(Map.of("svc", new Principal("service", "t")))),
            Optional.of(
                new AuthorizerConfig(
                    new DynamicProcedure(AUTHORIZER, OPS, Duration.ofMillis(300)),
                    Duration.ofSeconds(30))));
    RouterConfig config =
        new RouterConfig(
            List.of(shop, RouterConfig.openRealm(OPS).realms().getFirst()),
            UriValidator.LOOSE,
            Limits.DEFAULT);
    router = new Router(config);
    authorizer = TestClient.joined(router, Serializer.JSON, OPS);
    authorizer.register(AUTHORIZER);
    service = TestClient.connect(router, Serializer.JSON);
    service.hello(REALM, Map.of("authmethods", List.of("ticket"), "authid", "svc"));
    service.expect(Challenge.class);
    service.send(new Authenticate("t", Map.of()));
    service.welcomed();
    guest = TestClient.joined(router, Serializer.JSON, REALM);
  }

  /** The authorizer's next question, answered with {@code answer}. */
  Invocation decide(Object answer) {
    Invocation question = authorizer.expect(Invocation.class);
    authorizer.send(new Yield(question.request(), Map.of(), List.of(answer), Map.of()));
    return question;
  }

  @Test
  void aCallNoStaticPermissionCoversIsAllowedWhenTheAuthorizerSaysSo() {
    service.register("com.example.shop.buy");
    long request = guest.call("com.example.shop.buy");

    Invocation question = decide(true);

    Map<?, ?> who = (Map<?, ?>) question.arguments().get(0);
    assertThat(who.get("session")).isEqualTo(guest.sessionId());
    assertThat(who.get("authrole")).isEqualTo("guest");
    assertThat(who.get("realm")).isEqualTo(REALM);
    assertThat(question.arguments().subList(1, 3)).containsExactly("com.example.shop.buy", "call");
    Invocation invocation = service.expect(Invocation.class);
    service.send(new Yield(invocation.request(), Map.of(), List.of("ok"), Map.of()));
    assertThat(guest.expect(Result.class).request()).isEqualTo(request);
  }

  @Test
  void aDenialIsNotAuthorized() {
    long request = guest.call("com.example.shop.admin");
    decide(false);

    guest.expectError(Call.CODE, request, WampUris.NOT_AUTHORIZED);
  }

  @Test
  void answersAreCachedPerSessionUriAndAction() {
    service.register("com.example.shop.buy");
    guest.call("com.example.shop.buy");
    decide(true);
    Invocation first = service.expect(Invocation.class);
    service.send(new Yield(first.request(), Map.of(), List.of(), Map.of()));
    guest.expect(Result.class);

    guest.call("com.example.shop.buy");

    // Straight to the callee: the authorizer is not asked again.
    service.expect(Invocation.class);
    authorizer.expectNothing();
  }

  @Test
  void aStaticPermissionIsNeverOverriddenOrAskedAbout() {
    service.register("com.example.static.proc");
    guest.call("com.example.static.proc");

    service.expect(Invocation.class);
    authorizer.expectNothing();
  }

  @Test
  void aMissingAuthorizerDeniesWithAuthorizationFailed() {
    authorizer.disconnect();

    long request = guest.call("com.example.shop.buy");

    guest.expectError(Call.CODE, request, WampUris.AUTHORIZATION_FAILED);
  }

  @Test
  void aSlowAuthorizerDeniesAfterItsTimeout() {
    long request = guest.call("com.example.shop.buy");
    authorizer.expect(Invocation.class);

    guest.expectError(Call.CODE, request, WampUris.AUTHORIZATION_FAILED);
  }

  @Test
  void laterMessagesWaitForTheOneBeingAuthorizedSoOrderIsKept() {
    TestClient subscriber = TestClient.joined(router, Serializer.JSON, REALM);
    subscriber.subscribe("com.example.static.news");
    long sub2 = decideSubscription(subscriber, "com.example.shop.news");

    guest.send(
        new Publish(guest.nextRequest(), Map.of(), "com.example.shop.news", List.of(1), Map.of()));
    guest.send(
        new Publish(
            guest.nextRequest(), Map.of(), "com.example.static.news", List.of(2), Map.of()));
    subscriber.expectNothing();

    decide(true);

    Event first = subscriber.expect(Event.class);
    assertThat(first.subscription()).isEqualTo(sub2);
    assertThat(first.arguments()).containsExactly(1L);
    assertThat(subscriber.expect(Event.class).arguments()).containsExactly(2L);
  }

  long decideSubscription(TestClient subscriber, String topic) {
    long request = subscriber.nextRequest();
    subscriber.send(new Subscribe(request, Map.of(), topic));
    Invocation question = decide(true);
    assertThat(question.arguments().get(2)).isEqualTo("subscribe");
    Subscribed subscribed = subscriber.expect(Subscribed.class);
    assertThat(subscribed.request()).isEqualTo(request);
    return subscribed.subscription();
  }

  @Test
  void theAuthorizerMayAskForThePublisherToBeDisclosed() {
    TestClient subscriber = TestClient.joined(router, Serializer.JSON, REALM);
    decideSubscription(subscriber, "com.example.shop.news");
    long request = guest.nextRequest();
    guest.send(
        new Publish(
            request, Map.of("acknowledge", true), "com.example.shop.news", List.of(), Map.of()));

    decide(Map.of("allow", true, "disclose", true));

    assertThat(guest.expect(Published.class).request()).isEqualTo(request);
    assertThat(subscriber.expect(Event.class).details())
        .containsEntry("publisher", guest.sessionId())
        .containsEntry("publisher_authrole", "guest");
  }
}
