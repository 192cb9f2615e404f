package io.quarkbar.wamp.router;

import static io.quarkbar.wamp.router.Configs.REALM;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Cancel;
import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.Interrupt;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Register;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.protocol.uri.WampUris;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Shared registrations, call canceling and call timeouts, through the router core. */
class AdvancedRpcTest {

  private static final String PROC = "com.example.work";

  private final Router router = Configs.openRouter();

  /** A client whose callee role announces call canceling (and its timeout handling). */
  private TestClient cancelableCallee() {
    TestClient c = TestClient.connect(router, Serializer.JSON);
    Map<String, Object> roles = new java.util.HashMap<>(TestClient.ROLES);
    roles.put("callee", Map.of("features", Map.of("call_canceling", true, "call_timeout", true)));
    c.send(new Hello(REALM, Map.of("roles", roles)));
    c.expect(Welcome.class);
    return c;
  }

  private TestClient join() {
    return TestClient.joined(router, Serializer.JSON, REALM);
  }

  /** Answers the next INVOCATION of {@code callee} with its own name. */
  private static void answer(TestClient callee, String name) {
    Invocation inv = callee.expect(Invocation.class);
    callee.send(new Yield(inv.request(), Map.of(), List.of(name), Map.of()));
  }

  @Nested
  class SharedRegistrations {

    private List<String> callNTimes(TestClient caller, List<TestClient> callees, int n) {
      List<String> served = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        caller.call(PROC);
        for (int k = 0; k < callees.size(); k++) {
          var m = callees.get(k).poll(Duration.ofMillis(100));
          if (m instanceof Invocation inv) {
            callees.get(k).send(new Yield(inv.request(), Map.of(), List.of("c" + k), Map.of()));
            break;
          }
        }
        served.add((String) caller.expect(Result.class).arguments().getFirst());
      }
      return served;
    }

    @Test
    void roundrobinTakesTheCalleesInTurn() {
      TestClient a = join();
      TestClient b = join();
      TestClient c = join();
      long id = a.register(PROC, Map.of("invoke", "roundrobin"));
      assertThat(b.register(PROC, Map.of("invoke", "roundrobin"))).isEqualTo(id);
      c.register(PROC, Map.of("invoke", "roundrobin"));

      assertThat(callNTimes(join(), List.of(a, b, c), 6))
          .containsExactly("c0", "c1", "c2", "c0", "c1", "c2");
    }

    @Test
    void firstAndLastPickTheOldestAndNewestCallee() {
      TestClient a = join();
      TestClient b = join();
      a.register(PROC, Map.of("invoke", "first"));
      b.register(PROC, Map.of("invoke", "first"));
      TestClient caller = join();
      assertThat(callNTimes(caller, List.of(a, b), 3)).containsOnly("c0");

      a.disconnect();
      assertThat(callNTimes(caller, List.of(a, b), 1)).containsOnly("c1");

      TestClient x = join();
      TestClient y = join();
      x.register("com.example.last", Map.of("invoke", "last"));
      y.register("com.example.last", Map.of("invoke", "last"));
      caller.call("com.example.last");
      y.expect(Invocation.class);
      x.expectNothing();
    }

    @Test
    void randomSpreadsCallsOverEveryCallee() {
      TestClient a = join();
      TestClient b = join();
      a.register(PROC, Map.of("invoke", "random"));
      b.register(PROC, Map.of("invoke", "random"));

      Set<String> served = new HashSet<>(callNTimes(join(), List.of(a, b), 40));

      assertThat(served).containsExactlyInAnyOrder("c0", "c1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"single", "random", "first"})
    void aRegisterWhosePolicyDiffersIsRefused(String other) {
      TestClient a = join();
      TestClient b = join();
      a.register(PROC, Map.of("invoke", "roundrobin"));

      long request = b.nextRequest();
      b.send(new Register(request, Map.of("invoke", other), PROC));

      Error error = b.expectError(Register.CODE, request, WampUris.PROCEDURE_ALREADY_EXISTS);
      assertThat(error.arguments().getFirst().toString()).contains("invoke=roundrobin");
    }

    @Test
    void singleRefusesASecondCalleeWhateverItAsks() {
      TestClient a = join();
      TestClient b = join();
      a.register(PROC);

      long request = b.nextRequest();
      b.send(new Register(request, Map.of("invoke", "roundrobin"), PROC));

      b.expectError(Register.CODE, request, WampUris.PROCEDURE_ALREADY_EXISTS);
    }

    @Test
    void theSameSessionCannotJoinARegistrationTwice() {
      TestClient a = join();
      a.register(PROC, Map.of("invoke", "roundrobin"));

      long request = a.nextRequest();
      a.send(new Register(request, Map.of("invoke", "roundrobin"), PROC));

      a.expectError(Register.CODE, request, WampUris.PROCEDURE_ALREADY_EXISTS);
    }

    @Test
    void theRegistrationLivesUntilItsLastCalleeLeaves() {
      TestClient a = join();
      TestClient b = join();
      long id = a.register(PROC, Map.of("invoke", "roundrobin"));
      b.register(PROC, Map.of("invoke", "roundrobin"));
      TestClient caller = join();

      a.disconnect();
      caller.call(PROC);
      answer(b, "b");
      caller.expect(Result.class);
      b.disconnect();

      long request = caller.call(PROC);
      caller.expectError(Call.CODE, request, WampUris.NO_SUCH_PROCEDURE);
      assertThat(join().register(PROC, Map.of("invoke", "random"))).isNotEqualTo(id);
    }
  }

  @Nested
  class Canceling {

    @Test
    void skipAnswersTheCallerAtOnceAndLeavesTheCalleeAlone() {
      TestClient callee = cancelableCallee();
      callee.register(PROC);
      TestClient caller = join();
      long request = caller.call(PROC);
      Invocation inv = callee.expect(Invocation.class);

      caller.send(new Cancel(request, Map.of("mode", "skip")));

      caller.expectError(Call.CODE, request, WampUris.CANCELED);
      callee.expectNothing();
      callee.send(new Yield(inv.request(), Map.of(), List.of("late"), Map.of()));
      caller.expectNothing();
    }

    @Test
    void killnowaitAnswersAtOnceAndInterruptsTheCallee() {
      TestClient callee = cancelableCallee();
      callee.register(PROC);
      TestClient caller = join();
      long request = caller.call(PROC);
      Invocation inv = callee.expect(Invocation.class);

      caller.send(new Cancel(request, Map.of("mode", "killnowait")));

      caller.expectError(Call.CODE, request, WampUris.CANCELED);
      Interrupt interrupt = callee.expect(Interrupt.class);
      assertThat(interrupt.request()).isEqualTo(inv.request());
      assertThat(interrupt.options()).containsEntry("mode", "killnowait");
      callee.send(
          new Error(
              Invocation.CODE, inv.request(), Map.of(), WampUris.CANCELED, List.of(), Map.of()));
      caller.expectNothing();
    }

    @Test
    void killWaitsForTheCalleesAnswerAndPassesItOn() {
      TestClient callee = cancelableCallee();
      callee.register(PROC);
      TestClient caller = join();
      long request = caller.call(PROC);
      Invocation inv = callee.expect(Invocation.class);

      caller.send(new Cancel(request, Map.of("mode", "kill")));

      assertThat(callee.expect(Interrupt.class).options()).containsEntry("mode", "kill");
      caller.expectNothing();
      callee.send(
          new Error(
              Invocation.CODE,
              inv.request(),
              Map.of(),
              WampUris.CANCELED,
              List.of("stopped"),
              Map.of()));
      Error error = caller.expectError(Call.CODE, request, WampUris.CANCELED);
      assertThat(error.arguments()).containsExactly("stopped");
    }

    @Test
    void aCalleeThatCannotCancelIsNeverInterrupted() {
      TestClient callee = join();
      callee.register(PROC);
      TestClient caller = join();
      long request = caller.call(PROC);
      callee.expect(Invocation.class);

      caller.send(new Cancel(request, Map.of("mode", "kill")));

      caller.expectError(Call.CODE, request, WampUris.CANCELED);
      callee.expectNothing();
    }

    @Test
    void cancelingAnAnsweredCallDoesNothing() {
      TestClient callee = join();
      callee.register(PROC);
      TestClient caller = join();
      long request = caller.call(PROC);
      answer(callee, "done");
      caller.expect(Result.class);

      caller.send(new Cancel(request, Map.of("mode", "killnowait")));

      caller.expectNothing();
    }
  }

  @Nested
  class Timeouts {

    @Test
    void theDealerEndsACallThatOutlivesItsTimeoutInMilliseconds() {
      TestClient callee = cancelableCallee();
      callee.register(PROC);
      TestClient caller = join();

      long start = System.nanoTime();
      long request = caller.call(PROC, Map.of("timeout", 300), List.of(), Map.of());
      Invocation inv = callee.expect(Invocation.class);

      caller.expectError(Call.CODE, request, WampUris.TIMEOUT);
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(tookMs).isBetween(250L, 1_900L);
      assertThat(callee.expect(Interrupt.class).request()).isEqualTo(inv.request());
      callee.send(new Yield(inv.request(), Map.of(), List.of("late"), Map.of()));
      caller.expectNothing();
    }

    @Test
    void anAnswerInTimeCancelsTheTimeout() {
      TestClient callee = join();
      callee.register(PROC);
      TestClient caller = join();
      caller.call(PROC, Map.of("timeout", 200), List.of(), Map.of());
      answer(callee, "quick");
      caller.expect(Result.class);

      caller.expectNothing(Duration.ofMillis(400));
    }

    @Test
    void aCalleeThatHandlesTimeoutsItselfGetsTheTimeoutInsteadOfTheDealerEnforcingIt() {
      TestClient callee = cancelableCallee();
      callee.register(PROC, Map.of("forward_timeout", true));
      TestClient caller = join();
      caller.call(PROC, Map.of("timeout", 150), List.of(), Map.of());

      Invocation inv = callee.expect(Invocation.class);

      assertThat(inv.details()).containsEntry("timeout", 150L);
      caller.expectNothing(Duration.ofMillis(400));
      callee.send(new Yield(inv.request(), Map.of(), List.of("ok"), Map.of()));
      caller.expect(Result.class);
    }
  }

  /** A client that announces progressive call invocations (and canceling) as caller and callee. */
  private TestClient streamer() {
    TestClient c = TestClient.connect(router, Serializer.JSON);
    Map<String, Object> features =
        Map.of("progressive_call_invocations", true, "call_canceling", true);
    c.send(
        new Hello(
            REALM,
            Map.of(
                "roles",
                Map.of(
                    "caller",
                    Map.of("features", features),
                    "callee",
                    Map.of("features", features)))));
    c.expect(Welcome.class);
    return c;
  }

  @Nested
  class ProgressiveCallInvocations {

    @Test
    void partsOfOneCallReachOneInvocationUntilTheLastOne() {
      TestClient a = streamer();
      TestClient b = streamer();
      a.register(PROC, Map.of("invoke", "roundrobin"));
      b.register(PROC, Map.of("invoke", "roundrobin"));
      TestClient caller = streamer();
      long request = caller.nextRequest();

      caller.send(new Call(request, Map.of("progress", true), PROC, List.of(1), Map.of()));
      Invocation first = a.expect(Invocation.class);
      assertThat(first.details()).containsEntry("progress", true);
      caller.send(new Call(request, Map.of("progress", true), PROC, List.of(2), Map.of()));
      caller.send(new Call(request, Map.of(), PROC, List.of(3), Map.of()));

      Invocation second = a.expect(Invocation.class);
      Invocation last = a.expect(Invocation.class);
      assertThat(second.request()).isEqualTo(first.request());
      assertThat(second.arguments()).containsExactly(2L);
      assertThat(last.request()).isEqualTo(first.request());
      assertThat(last.details()).containsEntry("progress", false);
      b.expectNothing();
      a.send(new Yield(first.request(), Map.of(), List.of(6), Map.of()));
      Result result = caller.expect(Result.class);
      assertThat(result.request()).isEqualTo(request);
      assertThat(result.arguments()).containsExactly(6L);
    }

    @Test
    void aCalleeThatCannotTakeThemIsFeatureNotSupported() {
      TestClient callee = join();
      callee.register(PROC);
      TestClient caller = streamer();
      long request = caller.nextRequest();

      caller.send(new Call(request, Map.of("progress", true), PROC, List.of(), Map.of()));

      caller.expectError(Call.CODE, request, WampUris.FEATURE_NOT_SUPPORTED);
      callee.expectNothing();
    }

    @Test
    void aCallerThatDidNotAnnounceThemBreaksTheProtocol() {
      TestClient callee = streamer();
      callee.register(PROC);
      TestClient caller = join();

      caller.send(
          new Call(caller.nextRequest(), Map.of("progress", true), PROC, List.of(), Map.of()));

      caller.expectAbort(WampUris.PROTOCOL_VIOLATION);
    }

    @Test
    void aCallerThatLeavesMidwayGetsItsCalleeInterrupted() {
      TestClient callee = streamer();
      callee.register(PROC);
      TestClient caller = streamer();
      caller.send(
          new Call(caller.nextRequest(), Map.of("progress", true), PROC, List.of(), Map.of()));
      Invocation inv = callee.expect(Invocation.class);

      caller.disconnect();

      Interrupt interrupt = callee.expect(Interrupt.class);
      assertThat(interrupt.request()).isEqualTo(inv.request());
      assertThat(interrupt.options()).containsEntry("mode", "killnowait");
    }
  }

  @Test
  void passthruOptionsAreHandedOnAndThePayloadForwardedAsItIs() {
    TestClient callee = TestClient.joined(router, Serializer.MSGPACK, REALM);
    callee.register(PROC);
    TestClient caller = TestClient.joined(router, Serializer.CBOR, REALM);
    byte[] opaque = {1, 2, 3, (byte) 0xff};
    Map<String, Object> ppt = Map.of("ppt_scheme", "x_custom", "ppt_serializer", "native");

    caller.call(PROC, ppt, List.of(opaque), Map.of());

    Invocation inv = callee.expect(Invocation.class);
    assertThat(inv.details()).containsAllEntriesOf(ppt);
    assertThat((byte[]) inv.arguments().getFirst()).containsExactly(opaque);
    callee.send(new Yield(inv.request(), ppt, List.of(opaque), Map.of()));
    Result result = caller.expect(Result.class);
    assertThat(result.details()).containsAllEntriesOf(ppt);
    assertThat((byte[]) result.arguments().getFirst()).containsExactly(opaque);
  }

  @Test
  void welcomeAnnouncesExactlyTheImplementedDealerFeatures() {
    Welcome welcome = TestClient.connect(router, Serializer.JSON).join(REALM);
    Map<?, ?> dealer =
        (Map<?, ?>)
            ((Map<?, ?>) ((Map<?, ?>) welcome.details().get("roles")).get("dealer"))
                .get("features");
    assertThat(dealer.keySet().stream().map(String::valueOf).toList())
        .containsExactlyInAnyOrder(
            "caller_identification",
            "pattern_based_registration",
            "progressive_call_results",
            "shared_registration",
            "call_canceling",
            "call_timeout",
            "progressive_call_invocations",
            "payload_passthru_mode",
            "session_meta_api",
            "registration_meta_api",
            "testament_meta_api");
  }
}
