package io.quarkbar.wamp.router;

import static io.quarkbar.wamp.router.Configs.REALM;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Goodbye;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Register;
import io.quarkbar.wamp.protocol.message.Registered;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.Unregister;
import io.quarkbar.wamp.protocol.message.Unregistered;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.config.Action;
import io.quarkbar.wamp.router.config.RouterConfig;
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

class DealerTest {

  private static final String PROC = "com.example.add";

  private final Router router = Configs.openRouter();

  private TestClient join(Serializer serializer) {
    return TestClient.joined(router, serializer, REALM);
  }

  @Nested
  class Registrations {

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void registerIsAnsweredWithRegistered(Serializer serializer) {
      TestClient callee = join(serializer);

      callee.send(new Register(9, Map.of(), PROC));

      Registered registered = callee.expect(Registered.class);
      assertThat(registered.request()).isEqualTo(9);
      assertThat(registered.registration()).isBetween(1L, 1L << 53);
      callee.expectNothing();
    }

    @Test
    void secondRegistrationOfTheSameUriIsRefused() {
      TestClient first = join(Serializer.JSON);
      TestClient second = join(Serializer.JSON);
      first.register(PROC);

      second.send(new Register(2, Map.of(), PROC));
      second.expectError(Register.CODE, 2, WampUris.PROCEDURE_ALREADY_EXISTS);

      first.send(new Register(3, Map.of(), PROC));
      first.expectError(Register.CODE, 3, WampUris.PROCEDURE_ALREADY_EXISTS);
    }

    @Test
    void samePatternUnderAnotherMatchPolicyIsADifferentRegistration() {
      TestClient callee = join(Serializer.JSON);

      long exact = callee.register(PROC);
      long prefix = callee.register(PROC, Map.of("match", "prefix"));

      assertThat(prefix).isNotEqualTo(exact);
    }

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void unregisterThenCallIsNoSuchProcedure(Serializer serializer) {
      TestClient callee = join(serializer);
      TestClient caller = join(serializer);
      long id = callee.register(PROC);

      callee.send(new Unregister(20, id));
      assertThat(callee.expect(Unregistered.class).request()).isEqualTo(20);

      long call = caller.call(PROC);
      caller.expectError(Call.CODE, call, WampUris.NO_SUCH_PROCEDURE);
      callee.expectNothing();

      // The URI is free again.
      TestClient other = join(serializer);
      other.register(PROC);
    }

    @Test
    void unregisterOfSomeoneElsesRegistrationIsRefused() {
      TestClient owner = join(Serializer.JSON);
      TestClient stranger = join(Serializer.JSON);
      TestClient caller = join(Serializer.JSON);
      long id = owner.register(PROC);

      stranger.send(new Unregister(4, id));

      stranger.expectError(Unregister.CODE, 4, WampUris.NO_SUCH_REGISTRATION);
      caller.call(PROC);
      owner.expect(Invocation.class);
    }

    @Test
    void unregisterOfUnknownIdIsRefused() {
      TestClient callee = join(Serializer.JSON);

      callee.send(new Unregister(5, 424242));

      callee.expectError(Unregister.CODE, 5, WampUris.NO_SUCH_REGISTRATION);
    }
  }

  @Nested
  class Calls {

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void callIsInvokedAndTheYieldReturnedAsResult(Serializer serializer) {
      TestClient callee = join(serializer);
      TestClient caller = join(serializer);
      long registration = callee.register(PROC);
      List<Object> args = new ArrayList<>();
      args.add(2L);
      args.add("three");
      args.add(null);
      args.add(List.of(Map.of("x", 0.25)));
      Map<String, Object> kwargs = new LinkedHashMap<>();
      kwargs.put("round", true);
      kwargs.put("nested", Map.of("list", List.of(1L, -2L)));

      long request = caller.call(PROC, Map.of(), args, kwargs);

      Invocation invocation = callee.expect(Invocation.class);
      assertThat(invocation.registration()).isEqualTo(registration);
      assertThat(invocation.arguments()).isEqualTo(args);
      assertThat(invocation.argumentsKw()).isEqualTo(kwargs);
      caller.expectNothing();

      callee.send(new Yield(invocation.request(), Map.of(), List.of(5L, "ok"), Map.of("sum", 5L)));

      Result result = caller.expect(Result.class);
      assertThat(result.request()).isEqualTo(request);
      assertThat(result.details()).doesNotContainKey("progress");
      assertThat(result.arguments()).isEqualTo(List.of(5L, "ok"));
      assertThat(result.argumentsKw()).isEqualTo(Map.of("sum", 5L));
      caller.expectNothing();
      callee.expectNothing();
    }

    @Test
    void invocationIdsStartAtOneAndIncreasePerCallee() {
      TestClient callee = join(Serializer.JSON);
      TestClient caller = join(Serializer.JSON);
      callee.register(PROC);

      caller.call(PROC);
      caller.call(PROC);

      assertThat(callee.expect(Invocation.class).request()).isEqualTo(1);
      assertThat(callee.expect(Invocation.class).request()).isEqualTo(2);
    }

    @Test
    void resultsGoBackToTheRightCaller() {
      TestClient callee = join(Serializer.JSON);
      TestClient c1 = join(Serializer.JSON);
      TestClient c2 = join(Serializer.JSON);
      callee.register(PROC);
      long r1 = c1.call(PROC, Map.of(), List.of("one"), Map.of());
      long r2 = c2.call(PROC, Map.of(), List.of("two"), Map.of());
      Invocation i1 = callee.expect(Invocation.class);
      Invocation i2 = callee.expect(Invocation.class);

      // Answer out of order.
      callee.send(new Yield(i2.request(), Map.of(), i2.arguments(), Map.of()));
      callee.send(new Yield(i1.request(), Map.of(), i1.arguments(), Map.of()));

      Result res1 = c1.expect(Result.class);
      Result res2 = c2.expect(Result.class);
      assertThat(res1.request()).isEqualTo(r1);
      assertThat(res1.arguments()).isEqualTo(List.of("one"));
      assertThat(res2.request()).isEqualTo(r2);
      assertThat(res2.arguments()).isEqualTo(List.of("two"));
    }

    @Test
    void duplicateYieldIsIgnored() {
      TestClient callee = join(Serializer.JSON);
      TestClient caller = join(Serializer.JSON);
      callee.register(PROC);
      caller.call(PROC);
      Invocation invocation = callee.expect(Invocation.class);

      callee.send(new Yield(invocation.request(), Map.of(), List.of(1L), Map.of()));
      callee.send(new Yield(invocation.request(), Map.of(), List.of(2L), Map.of()));

      assertThat(caller.expect(Result.class).arguments()).isEqualTo(List.of(1L));
      caller.expectNothing();
    }

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void calleeErrorReachesTheCaller(Serializer serializer) {
      TestClient callee = join(serializer);
      TestClient caller = join(serializer);
      callee.register(PROC);
      long request = caller.call(PROC, Map.of(), List.of(1L), Map.of());
      Invocation invocation = callee.expect(Invocation.class);

      callee.send(
          new Error(
              Invocation.CODE,
              invocation.request(),
              Map.of(),
              "com.example.error.overflow",
              List.of("too big", 99L),
              Map.of("limit", 10L)));

      Error error = caller.expectError(Call.CODE, request, "com.example.error.overflow");
      assertThat(error.arguments()).isEqualTo(List.of("too big", 99L));
      assertThat(error.argumentsKw()).isEqualTo(Map.of("limit", 10L));
      callee.expectNothing();
    }

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void callToUnknownProcedureIsNoSuchProcedure(Serializer serializer) {
      TestClient caller = join(serializer);

      long request = caller.call("com.example.nobody");

      caller.expectError(Call.CODE, request, WampUris.NO_SUCH_PROCEDURE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"disconnect", "goodbye"})
    void calleeLeavingFailsEveryCallInFlightAtOnce(String how) {
      TestClient callee = join(Serializer.JSON);
      TestClient c1 = join(Serializer.JSON);
      TestClient c2 = join(Serializer.JSON);
      callee.register(PROC);
      long r1 = c1.call(PROC);
      long r2 = c2.call(PROC);
      callee.expect(Invocation.class);
      callee.expect(Invocation.class);

      if (how.equals("disconnect")) {
        callee.disconnect();
      } else {
        callee.send(new Goodbye(Map.of(), WampUris.CLOSE_REALM));
      }

      // Delivery is synchronous: the errors are there the moment the callee is gone.
      assertErrorWaiting(c1, r1);
      assertErrorWaiting(c2, r2);
      long again = c1.call(PROC);
      c1.expectError(Call.CODE, again, WampUris.NO_SUCH_PROCEDURE);
    }

    private void assertErrorWaiting(TestClient caller, long request) {
      WampMessage m = caller.poll(Duration.ZERO);
      assertThat(m).as("ERROR for call %d already waiting", request).isInstanceOf(Error.class);
      Error error = (Error) m;
      assertThat(error.requestType()).isEqualTo(Call.CODE);
      assertThat(error.request()).isEqualTo(request);
      assertThat(error.error()).isEqualTo(WampUris.CANCELED);
      caller.expectNothing();
    }

    @Test
    void callerLeavingDoesNotDisturbTheCallee() {
      TestClient callee = join(Serializer.JSON);
      TestClient caller = join(Serializer.JSON);
      callee.register(PROC);
      caller.call(PROC);
      Invocation invocation = callee.expect(Invocation.class);

      caller.disconnect();
      callee.send(new Yield(invocation.request(), Map.of(), List.of(), Map.of()));

      callee.expectNothing();
      TestClient next = join(Serializer.JSON);
      long request = next.call(PROC);
      Invocation second = callee.expect(Invocation.class);
      callee.send(new Yield(second.request(), Map.of(), List.of(), Map.of()));
      assertThat(next.expect(Result.class).request()).isEqualTo(request);
    }
  }

  @Nested
  class ProgressiveResults {

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void progressiveYieldsBecomeProgressiveResultsThenTheFinalResult(Serializer serializer) {
      TestClient callee = join(serializer);
      TestClient caller = join(serializer);
      callee.register(PROC);

      long request = caller.call(PROC, Map.of("receive_progress", true), List.of(), Map.of());

      Invocation invocation = callee.expect(Invocation.class);
      assertThat(invocation.details()).containsEntry("receive_progress", true);
      for (long i = 1; i <= 2; i++) {
        callee.send(
            new Yield(invocation.request(), Map.of("progress", true), List.of(i), Map.of()));
        Result progress = caller.expect(Result.class);
        assertThat(progress.request()).isEqualTo(request);
        assertThat(progress.details()).containsEntry("progress", true);
        assertThat(progress.arguments()).isEqualTo(List.of(i));
      }
      callee.send(new Yield(invocation.request(), Map.of(), List.of("done"), Map.of()));

      Result last = caller.expect(Result.class);
      assertThat(last.request()).isEqualTo(request);
      assertThat(last.details().get("progress")).isNotEqualTo(true);
      assertThat(last.arguments()).isEqualTo(List.of("done"));

      callee.send(new Yield(invocation.request(), Map.of("progress", true), List.of(), Map.of()));
      caller.expectNothing();
    }

    @Test
    void progressiveYieldIsDroppedWhenTheCallerDidNotAskForProgress() {
      TestClient callee = join(Serializer.JSON);
      TestClient caller = join(Serializer.JSON);
      callee.register(PROC);
      long request = caller.call(PROC);
      Invocation invocation = callee.expect(Invocation.class);
      assertThat(invocation.details()).doesNotContainKey("receive_progress");

      callee.send(new Yield(invocation.request(), Map.of("progress", true), List.of(1L), Map.of()));
      caller.expectNothing();
      callee.send(new Yield(invocation.request(), Map.of(), List.of(2L), Map.of()));

      Result result = caller.expect(Result.class);
      assertThat(result.request()).isEqualTo(request);
      assertThat(result.arguments()).isEqualTo(List.of(2L));
    }
  }

  @Nested
  class Disclosure {

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void openRealmDisclosesTheCaller(Serializer serializer) {
      TestClient callee = join(serializer);
      TestClient caller = join(serializer);
      callee.register(PROC);

      caller.call(PROC);

      Map<String, Object> details = callee.expect(Invocation.class).details();
      assertThat(((Number) details.get("caller")).longValue()).isEqualTo(caller.sessionId());
      assertThat(details)
          .containsEntry("caller_authid", caller.authid())
          .containsEntry("caller_authrole", "anonymous");
    }

    @Test
    void identitiesTheCallerWritesIntoItsOptionsAreNeverPassedOn() {
      Router quiet = Configs.routerAllowing(Action.values());
      TestClient callee = TestClient.joined(quiet, Serializer.JSON, REALM);
      TestClient caller = TestClient.joined(quiet, Serializer.JSON, REALM);
      callee.register(PROC);
      Map<String, Object> forged =
          Map.of("caller", 42L, "caller_authid", "admin", "caller_authrole", "admin");

      caller.call(PROC, forged, List.of(), Map.of());
      assertThat(callee.expect(Invocation.class).details())
          .doesNotContainKeys("caller", "caller_authid", "caller_authrole");

      Map<String, Object> forgedAndDisclosed = new java.util.HashMap<>(forged);
      forgedAndDisclosed.put("disclose_me", true);
      caller.call(PROC, forgedAndDisclosed, List.of(), Map.of());
      assertThat(callee.expect(Invocation.class).details())
          .containsEntry("caller", caller.sessionId())
          .containsEntry("caller_authid", caller.authid())
          .containsEntry("caller_authrole", "anonymous");
    }

    @Test
    void callerIsHiddenUnlessDisclosedByConfigDiscloseMeOrDiscloseCaller() {
      Router quiet = Configs.routerAllowing(Action.values());
      TestClient callee = TestClient.joined(quiet, Serializer.JSON, REALM);
      TestClient caller = TestClient.joined(quiet, Serializer.JSON, REALM);
      callee.register(PROC);
      callee.register("com.example.disclosing", Map.of("disclose_caller", true));

      caller.call(PROC);
      assertThat(callee.expect(Invocation.class).details()).doesNotContainKey("caller");

      caller.call(PROC, Map.of("disclose_me", true), List.of(), Map.of());
      assertThat(((Number) callee.expect(Invocation.class).details().get("caller")).longValue())
          .isEqualTo(caller.sessionId());

      caller.call("com.example.disclosing");
      assertThat(((Number) callee.expect(Invocation.class).details().get("caller")).longValue())
          .isEqualTo(caller.sessionId());
    }
  }

  @Nested
  class Patterns {

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void exactBeatsPrefixBeatsWildcardAndTheLongestPrefixWins(Serializer serializer) {
      TestClient exact = join(serializer);
      TestClient shortPrefix = join(serializer);
      TestClient longPrefix = join(serializer);
      TestClient wildcard = join(serializer);
      TestClient caller = join(serializer);
      long exactId = exact.register("com.myapp.foo.bar");
      long shortId = shortPrefix.register("com.myapp", Map.of("match", "prefix"));
      long longId = longPrefix.register("com.myapp.foo", Map.of("match", "prefix"));
      long wildId = wildcard.register("com...bar", Map.of("match", "wildcard"));
      List<TestClient> all = List.of(exact, shortPrefix, longPrefix, wildcard);

      assertRoutedTo(caller, "com.myapp.foo.bar", exact, exactId, all, false);
      assertRoutedTo(caller, "com.myapp.foo.baz", longPrefix, longId, all, true);
      assertRoutedTo(caller, "com.myapp.foox.bar", longPrefix, longId, all, true);
      assertRoutedTo(caller, "com.myapp.other.bar", shortPrefix, shortId, all, true);
      assertRoutedTo(caller, "com.other.foo.bar", wildcard, wildId, all, true);

      long request = caller.call("com.other.foo.baz");
      caller.expectError(Call.CODE, request, WampUris.NO_SUCH_PROCEDURE);
    }

    @Test
    void theWildcardWithTheLongestMatchedRunBeforeAWildcardWins() {
      TestClient early = join(Serializer.JSON);
      TestClient late = join(Serializer.JSON);
      TestClient caller = join(Serializer.JSON);
      long earlyId = early.register("org..c.d", Map.of("match", "wildcard"));
      long lateId = late.register("org.b..d", Map.of("match", "wildcard"));
      List<TestClient> all = List.of(early, late);

      assertRoutedTo(caller, "org.b.c.d", late, lateId, all, true);
      assertRoutedTo(caller, "org.x.c.d", early, earlyId, all, true);
    }

    private void assertRoutedTo(
        TestClient caller,
        String procedure,
        TestClient expected,
        long registration,
        List<TestClient> callees,
        boolean pattern) {
      long request = caller.call(procedure);
      Invocation invocation = expected.expect(Invocation.class);
      assertThat(invocation.registration()).as(procedure).isEqualTo(registration);
      if (pattern) {
        assertThat(invocation.details()).containsEntry("procedure", procedure);
      } else {
        assertThat(invocation.details()).doesNotContainKey("procedure");
      }
      for (TestClient other : callees) {
        other.expectNothing(Duration.ofMillis(5));
      }
      expected.send(new Yield(invocation.request(), Map.of(), List.of(procedure), Map.of()));
      Result result = caller.expect(Result.class);
      assertThat(result.request()).isEqualTo(request);
      assertThat(result.arguments()).isEqualTo(List.of(procedure));
    }
  }

  @Nested
  class Limits {

    private final Router limited =
        new Router(
            RouterConfig.openRealm(REALM)
                .withLimits(
                    new io.quarkbar.wamp.router.config.Limits(
                        100,
                        100,
                        2,
                        2,
                        2,
                        java.time.Duration.ofSeconds(5),
                        java.time.Duration.ZERO,
                        java.time.Duration.ZERO)));

    @Test
    void aSessionMayHaveOnlySoManyCallsWaitingForResults() {
      TestClient callee = TestClient.joined(limited, Serializer.JSON, REALM);
      TestClient caller = TestClient.joined(limited, Serializer.JSON, REALM);
      callee.register(PROC);
      caller.call(PROC);
      caller.call(PROC);

      long third = caller.call(PROC);

      Error error =
          caller.expectError(
              Call.CODE, third, io.quarkbar.wamp.router.config.Limits.LIMIT_EXCEEDED);
      assertThat(error.arguments().getFirst().toString()).contains("2 calls waiting");
      Invocation first = callee.expect(Invocation.class);
      callee.expect(Invocation.class);
      callee.expectNothing();
      callee.send(new Yield(first.request(), Map.of(), List.of(), Map.of()));
      caller.expect(Result.class);
      caller.call(PROC);
      callee.expect(Invocation.class);
    }

    @Test
    void aSessionMayRegisterOnlySoManyProcedures() {
      TestClient callee = TestClient.joined(limited, Serializer.JSON, REALM);
      callee.register("com.example.a");
      callee.register("com.example.b");

      long request = callee.nextRequest();
      callee.send(new Register(request, Map.of(), "com.example.c"));

      callee.expectError(
          Register.CODE, request, io.quarkbar.wamp.router.config.Limits.LIMIT_EXCEEDED);
    }
  }

  @Nested
  class Refusals {

    @ParameterizedTest
    @EnumSource(Serializer.class)
    void proceduresUnderWampAreReserved(Serializer serializer) {
      TestClient callee = join(serializer);

      callee.send(new Register(1, Map.of(), "wamp.session.count"));
      callee.expectError(Register.CODE, 1, WampUris.NOT_AUTHORIZED);

      callee.send(new Register(2, Map.of("match", "prefix"), "wamp."));
      callee.expectError(Register.CODE, 2, WampUris.NOT_AUTHORIZED);

      callee.send(new Register(3, Map.of("match", "wildcard"), "wamp..count"));
      callee.expectError(Register.CODE, 3, WampUris.NOT_AUTHORIZED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"prefix:", "prefix:wamp", "prefix:wa", "wildcard:.."})
    void patternRegistrationsNeverServeCallsUnderWamp(String registration) {
      String[] parts = registration.split(":", -1);
      TestClient impostor = join(Serializer.JSON);
      TestClient caller = join(Serializer.JSON);
      impostor.register(parts[1], Map.of("match", parts[0]));

      long request = caller.call("wamp.session.count");
      assertThat(caller.expect(Result.class).request()).isEqualTo(request);
      request = caller.call("wamp.session.no_such_thing");
      caller.expectError(Call.CODE, request, WampUris.NO_SUCH_PROCEDURE);

      impostor.expectNothing();
    }

    @ParameterizedTest
    @ValueSource(strings = {"com..add", "com.example.", "com example", "#"})
    void invalidProcedureUriIsRefused(String procedure) {
      TestClient client = join(Serializer.JSON);

      client.send(new Register(1, Map.of(), procedure));
      client.expectError(Register.CODE, 1, WampUris.INVALID_URI);

      long request = client.call(procedure);
      client.expectError(Call.CODE, request, WampUris.INVALID_URI);
    }

    @Test
    void roleWithoutCallMayNotCall() {
      Router router = Configs.routerAllowing(Action.REGISTER, Action.PUBLISH, Action.SUBSCRIBE);
      TestClient callee = TestClient.joined(router, Serializer.JSON, REALM);
      TestClient caller = TestClient.joined(router, Serializer.JSON, REALM);
      callee.register(PROC);

      long request = caller.call(PROC);

      caller.expectError(Call.CODE, request, WampUris.NOT_AUTHORIZED);
      callee.expectNothing();
    }

    @Test
    void roleWithoutRegisterMayNotRegister() {
      Router router = Configs.routerAllowing(Action.CALL);
      TestClient callee = TestClient.joined(router, Serializer.JSON, REALM);

      callee.send(new Register(3, Map.of(), PROC));

      callee.expectError(Register.CODE, 3, WampUris.NOT_AUTHORIZED);
    }
  }
}
