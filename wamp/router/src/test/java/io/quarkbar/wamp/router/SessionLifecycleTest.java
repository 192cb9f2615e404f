package io.quarkbar.wamp.router;

import static io.quarkbar.wamp.router.Configs.REALM;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.protocol.message.Abort;
import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.Goodbye;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.Interrupt;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Publish;
import io.quarkbar.wamp.protocol.message.Published;
import io.quarkbar.wamp.protocol.message.Registered;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.Subscribe;
import io.quarkbar.wamp.protocol.message.Subscribed;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.protocol.uri.UriValidator;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.broker.Broker;
import io.quarkbar.wamp.router.config.RealmConfig;
import io.quarkbar.wamp.router.config.RouterConfig;
import io.quarkbar.wamp.router.dealer.Dealer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SessionLifecycleTest {

  private final Router router = Configs.openRouter();

  @Nested
  class Joining {

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void helloIsWelcomedWithBrokerAndDealerFeaturesAndAnAnonymousIdentity(Serializer serializer) {
      TestClient client = TestClient.connect(router, serializer);

      Welcome welcome = client.join(REALM);

      assertThat(welcome.session()).isBetween(1L, 1L << 53);
      Map<String, Object> details = welcome.details();
      assertThat(details.get("roles")).isInstanceOf(Map.class);
      @SuppressWarnings("unchecked")
      Map<String, Object> roles = (Map<String, Object>) details.get("roles");
      assertThat(roles.keySet()).containsExactlyInAnyOrder("broker", "dealer");
      assertThat(roles.get("broker")).isEqualTo(Map.of("features", Broker.FEATURES));
      assertThat(roles.get("dealer")).isEqualTo(Map.of("features", Dealer.FEATURES));
      assertThat(details.get("authrole")).isEqualTo("anonymous");
      assertThat(details.get("authmethod")).isEqualTo("anonymous");
      assertThat((String) details.get("authid")).startsWith("anonymous");
      client.expectNothing();
    }

    @Test
    void everySessionGetsItsOwnIdAndAuthid() {
      TestClient a = TestClient.joined(router, Serializer.JSON, REALM);
      TestClient b = TestClient.joined(router, Serializer.JSON, REALM);

      assertThat(a.sessionId()).isNotEqualTo(b.sessionId());
      assertThat(a.authid()).isNotEqualTo(b.authid());
    }

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void unknownRealmIsAbortedWithNoSuchRealm(Serializer serializer) {
      TestClient client = TestClient.connect(router, serializer);

      client.send(hello("realm2"));

      client.expectAbort(WampUris.NO_SUCH_REALM);
    }

    @ParameterizedTest
    @ValueSource(strings = {"realm 1", "realm1.", ".realm1", "realm..1", "realm#1", ""})
    void invalidRealmUriIsAbortedWithInvalidUri(String realm) {
      TestClient client = TestClient.connect(router, Serializer.JSON);

      client.send(hello(realm));

      client.expectAbort(WampUris.INVALID_URI);
    }

    @Test
    void realmWithoutAnonymousRoleIsAbortedWithNoMatchingAuthMethod() {
      Router locked =
          new Router(
              new RouterConfig(
                  List.of(new RealmConfig("locked", Optional.empty(), Map.of())),
                  UriValidator.LOOSE));
      TestClient client = TestClient.connect(locked, Serializer.JSON);

      client.send(hello("locked"));

      client.expectAbort(WampUris.NO_MATCHING_AUTH_METHOD);
    }

    @Test
    void helloOfferingOnlyOtherAuthMethodsIsAborted() {
      TestClient client = TestClient.connect(router, Serializer.JSON);

      client.send(
          new Hello(
              REALM,
              Map.of("roles", TestClient.ROLES, "authmethods", List.of("ticket", "wampcra"))));

      client.expectAbort(WampUris.NO_MATCHING_AUTH_METHOD);
    }

    @Test
    void helloOfferingAnonymousAmongOthersIsWelcomed() {
      TestClient client = TestClient.connect(router, Serializer.JSON);

      client.send(
          new Hello(
              REALM,
              Map.of("roles", TestClient.ROLES, "authmethods", List.of("ticket", "anonymous"))));

      assertThat(client.expect(Welcome.class).details()).containsEntry("authmethod", "anonymous");
    }

    @ParameterizedTest
    @MethodSource("io.quarkbar.wamp.router.SessionLifecycleTest#helloDetailsWithoutRoles")
    void helloWithoutRolesIsAProtocolViolation(Map<String, Object> details) {
      TestClient client = TestClient.connect(router, Serializer.JSON);

      client.send(new Hello(REALM, details));

      client.expectAbort(WampUris.PROTOCOL_VIOLATION);
    }
  }

  static Stream<Map<String, Object>> helloDetailsWithoutRoles() {
    return Stream.of(
        Map.of(),
        Map.of("agent", "x"),
        Map.of("roles", Map.of()),
        Map.of("roles", "publisher"),
        Map.of("roles", List.of("publisher")));
  }

  @Nested
  class ProtocolViolations {

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void messageBeforeHelloIsAborted(Serializer serializer) {
      TestClient client = TestClient.connect(router, serializer);

      client.send(new Subscribe(1, Map.of(), "com.example.topic"));

      client.expectAbort(WampUris.PROTOCOL_VIOLATION);
    }

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void secondHelloIsAborted(Serializer serializer) {
      TestClient client = TestClient.joined(router, serializer, REALM);

      client.send(hello(REALM));

      client.expectAbort(WampUris.PROTOCOL_VIOLATION);
    }

    @ParameterizedTest
    @MethodSource("io.quarkbar.wamp.router.SessionLifecycleTest#routerToClientMessages")
    void routerToClientMessageFromClientIsAborted(WampMessage message) {
      TestClient client = TestClient.joined(router, Serializer.JSON, REALM);

      client.send(message);

      client.expectAbort(WampUris.PROTOCOL_VIOLATION);
    }

    @Test
    void abortedSessionLosesItsSubscriptions() {
      TestClient victim = TestClient.joined(router, Serializer.JSON, REALM);
      long oldId = victim.subscribe("com.example.topic");

      victim.send(new Welcome(1, Map.of()));
      victim.expectAbort(WampUris.PROTOCOL_VIOLATION);

      // The subscription had no other subscriber, so it is gone: a new one gets a fresh ID.
      TestClient other = TestClient.joined(router, Serializer.JSON, REALM);
      assertThat(other.subscribe("com.example.topic")).isNotEqualTo(oldId);
    }
  }

  static Stream<WampMessage> routerToClientMessages() {
    return Stream.of(
        new Welcome(1, Map.of()),
        new Event(1, 2, Map.of(), List.of(), Map.of()),
        new Result(1, Map.of(), List.of("x"), Map.of()),
        new Invocation(1, 2, Map.of(), List.of(), Map.of()),
        new Interrupt(1, Map.of()),
        new Published(1, 2),
        new Subscribed(1, 2),
        new Registered(1, 2),
        new io.quarkbar.wamp.protocol.message.Error(
            Publish.CODE, 1, Map.of(), "com.example.error", List.of(), Map.of()));
  }

  @Nested
  class Goodbyes {

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void goodbyeIsAnsweredWithGoodbyeAndOutAndCloses(Serializer serializer) {
      TestClient client = TestClient.joined(router, serializer, REALM);

      client.send(new Goodbye(Map.of(), WampUris.CLOSE_REALM));

      Goodbye reply = client.expect(Goodbye.class);
      assertThat(reply.reason()).isEqualTo(WampUris.GOODBYE_AND_OUT);
      assertThat(client.isClosed()).isTrue();
      client.expectNothing();
      assertThat(router.sessionCount()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"wamp.close.normal", "wamp.close.logout", "com.example.bye"})
    void goodbyeWithOtherReasonsIsAccepted(String reason) {
      TestClient client = TestClient.joined(router, Serializer.JSON, REALM);

      client.send(new Goodbye(Map.of("message", "bye"), reason));

      assertThat(client.expect(Goodbye.class).reason()).isEqualTo(WampUris.GOODBYE_AND_OUT);
      assertThat(client.isClosed()).isTrue();
    }

    @Test
    void abortFromClientEndsTheSessionSilently() {
      TestClient client = TestClient.joined(router, Serializer.JSON, REALM);

      client.send(new Abort(Map.of(), "com.example.gone", List.of(), Map.of()));

      client.expectNothing();
      assertThat(client.isClosed()).isTrue();
      assertThat(router.sessionCount()).isZero();
    }
  }

  @Nested
  class BadBytes {

    @ParameterizedTest
    @MethodSource("io.quarkbar.wamp.router.SessionLifecycleTest#badFrames")
    void badBytesAbortOnlyThatSession(Serializer serializer, String what, byte[] bytes) {
      TestClient survivor = TestClient.joined(router, serializer, REALM);
      long subscription = survivor.subscribe("com.example.topic");
      long registration = survivor.register("com.example.proc");
      TestClient victim = TestClient.joined(router, serializer, REALM);
      victim.subscribe("com.example.topic");

      victim.sendBytes(bytes);

      victim.expectAbort(WampUris.PROTOCOL_VIOLATION);
      survivor.expectNothing();

      TestClient other = TestClient.joined(router, serializer, REALM);
      other.publish("com.example.topic", Map.of(), List.of("still", "here"), Map.of());
      Event event = survivor.expect(Event.class);
      assertThat(event.subscription()).isEqualTo(subscription);
      assertThat(event.arguments()).isEqualTo(List.of("still", "here"));

      long call = other.call("com.example.proc", Map.of(), List.of(21L), Map.of());
      Invocation invocation = survivor.expect(Invocation.class);
      assertThat(invocation.registration()).isEqualTo(registration);
      survivor.send(new Yield(invocation.request(), Map.of(), List.of(42L), Map.of()));
      Result result = other.expect(Result.class);
      assertThat(result.request()).isEqualTo(call);
      assertThat(result.arguments()).isEqualTo(List.of(42L));
    }

    @ParameterizedTest
    @MethodSource("io.quarkbar.wamp.router.SessionLifecycleTest#badFrames")
    void badBytesBeforeHelloAreAborted(Serializer serializer, String what, byte[] bytes) {
      TestClient client = TestClient.connect(router, serializer);

      client.sendBytes(bytes);

      client.expectAbort(WampUris.PROTOCOL_VIOLATION);
    }
  }

  static Stream<Arguments> badFrames() {
    Stream.Builder<Arguments> frames = Stream.builder();
    frames.add(
        Arguments.of(
            Serializer.JSON, "invalid JSON", "[16, 1, {".getBytes(StandardCharsets.UTF_8)));
    frames.add(
        Arguments.of(Serializer.JSON, "not a list", "{\"a\": 1}".getBytes(StandardCharsets.UTF_8)));
    frames.add(Arguments.of(Serializer.MSGPACK, "reserved msgpack byte", new byte[] {(byte) 0xc1}));
    frames.add(Arguments.of(Serializer.CBOR, "lone CBOR break", new byte[] {(byte) 0xff}));
    for (Serializer s : Serializer.values()) {
      frames.add(Arguments.of(s, "unknown message type", s.encodeList(List.of(999L, Map.of()))));
      frames.add(
          Arguments.of(
              s,
              "wrong element type",
              s.encodeList(List.of(16L, "one", Map.of(), "com.example.topic"))));
      byte[] publish =
          s.encode(new Publish(1, Map.of(), "com.example.topic", List.of("abc"), Map.of()));
      frames.add(Arguments.of(s, "truncated", Arrays.copyOf(publish, publish.length - 3)));
    }
    return frames.build();
  }

  @Nested
  class Shutdown {

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void shutdownSaysGoodbyeAndRefusesNewSessions(Serializer serializer) throws Exception {
      TestClient a = TestClient.joined(router, serializer, REALM);
      TestClient b = TestClient.joined(router, serializer, REALM);
      Thread shutdown = new Thread(() -> router.shutdown(10, TimeUnit.SECONDS));
      shutdown.start();

      for (TestClient client : List.of(a, b)) {
        assertThat(client.expect(Goodbye.class).reason()).isEqualTo(WampUris.SYSTEM_SHUTDOWN);
        client.send(new Goodbye(Map.of(), WampUris.GOODBYE_AND_OUT));
        // Our GOODBYE answered the router's: no echo.
        client.expectNothing();
        assertThat(client.isClosed()).isTrue();
      }
      // Every client answered, so shutdown does not wait for its timeout.
      shutdown.join(2000);
      assertThat(shutdown.isAlive()).isFalse();

      TestClient late = TestClient.connect(router, serializer);
      late.send(hello(REALM));
      late.expectAbort(WampUris.SYSTEM_SHUTDOWN);
    }

    @Test
    void clientThatDoesNotAnswerIsClosedAfterTheTimeout() {
      TestClient client = TestClient.joined(router, Serializer.JSON, REALM);

      router.shutdown(100, TimeUnit.MILLISECONDS);

      assertThat(client.expect(Goodbye.class).reason()).isEqualTo(WampUris.SYSTEM_SHUTDOWN);
      assertThat(client.isClosed()).isTrue();
      assertThat(router.sessionCount()).isZero();
    }
  }

  static Hello hello(String realm) {
    return new Hello(realm, Map.of("roles", TestClient.ROLES));
  }
}
