package io.quarkbar.wamp.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Cancel;
import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.Interrupt;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Registered;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.protocol.uri.WampUris;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Calls across the nodes of a cluster: a caller on one node, its callee on another, with the single
 * router's semantics (results, errors, progressive results, disclosure, timeout, cancel), and
 * registrations that are the cluster's (one {@code single} callee in the whole cluster, even in a
 * race; shared registrations with callees on several nodes; the pattern precedence).
 */
class ClusterCallsTest {

  static Cluster cluster;

  @BeforeAll
  static void start() {
    cluster = Cluster.start(3);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  /** Every call of a test was answered or given up, on both sides: no node keeps any. */
  @AfterEach
  void nothingLeftInFlight() {
    Cluster.await(
        "no call left in flight on any node",
        () -> cluster.routers.stream().allMatch(r -> r.dealer(Cluster.REALM).callsInFlight() == 0));
  }

  /** Waits until node {@code n} routes calls to {@code procedure} (its mirror caught up). */
  static void awaitRoutable(int n, String procedure) {
    awaitRoutable(cluster, n, procedure);
  }

  static void awaitRoutable(Cluster cluster, int n, String procedure) {
    Cluster.await(
        "node " + n + " knows a callee of " + procedure,
        () -> cluster.node(n).dealer(Cluster.REALM).match(procedure) != null);
  }

  @Test
  void aCallerOnOneNodeCallsACalleeOnAnotherWithDisclosureAndPayload() {
    Peer callee = cluster.join(2, Serializer.CBOR);
    long registration = callee.register("com.example.add", Map.of());
    awaitRoutable(1, "com.example.add");
    Peer caller = cluster.join(1);

    long request = caller.call("com.example.add", Map.of("disclose_me", true), List.of(2, 3, "é"));
    Invocation inv = callee.invocationOf(caller);
    assertThat(inv.registration()).isEqualTo(registration);
    assertThat(inv.arguments()).containsExactly(2L, 3L, "é");
    assertThat(inv.details()).containsEntry("caller", caller.session());
    assertThat(inv.details()).containsEntry("caller_authid", caller.authid());
    callee.yield(inv.request(), Map.of(), List.of(5, Map.of("k", List.of(1, 2))));

    Result r = caller.result(request);
    assertThat(r.arguments()).containsExactly(5L, Map.of("k", List.of(1L, 2L)));
    caller.expectNothing();
    callee.expectNothing();
  }

  @Test
  void aCalleesErrorReachesTheCallerOnAnotherNodeWithItsUriArgsAndKwargs() {
    Peer callee = cluster.join(3);
    callee.register("com.example.fails", Map.of());
    awaitRoutable(1, "com.example.fails");
    Peer caller = cluster.join(1, Serializer.MSGPACK);

    long request = caller.call("com.example.fails", Map.of(), List.of());
    Invocation inv = callee.invocationOf(caller);
    callee.send(
        new Error(
            Invocation.CODE,
            inv.request(),
            Map.of(),
            "com.example.error.no_money",
            List.of("not enough"),
            Map.of("missing", 12)));

    Error e = caller.callError(request);
    assertThat(e.error()).isEqualTo("com.example.error.no_money");
    assertThat(e.arguments()).containsExactly("not enough");
    assertThat(e.argumentsKw()).containsEntry("missing", 12L);
  }

  @Test
  void progressiveResultsCrossNodesInOrderAndOnlyToCallersThatAskForThem() {
    Peer callee = cluster.join(2);
    callee.register("com.example.count", Map.of());
    awaitRoutable(3, "com.example.count");
    Peer caller = cluster.join(3);

    long request = caller.call("com.example.count", Map.of("receive_progress", true), List.of());
    Invocation inv = callee.invocationOf(caller);
    assertThat(inv.details()).containsEntry("receive_progress", true);
    for (int i = 1; i <= 50; i++) {
      callee.yield(inv.request(), Map.of("progress", true), List.of(i));
    }
    callee.yield(inv.request(), Map.of(), List.of("done"));
    for (int i = 1; i <= 50; i++) {
      Result progress = caller.result(request);
      assertThat(progress.details()).containsEntry("progress", true);
      assertThat(progress.arguments()).containsExactly((long) i);
    }
    assertThat(caller.result(request).arguments()).containsExactly("done");

    // A caller that did not ask gets the final result only.
    long plain = caller.call("com.example.count", Map.of(), List.of());
    Invocation second = callee.invocation();
    assertThat(second.details()).doesNotContainKey("receive_progress");
    callee.yield(second.request(), Map.of("progress", true), List.of("dropped"));
    callee.yield(second.request(), Map.of(), List.of("final"));
    assertThat(caller.result(plain).arguments()).containsExactly("final");
    caller.expectNothing();
  }

  @Test
  void aProgressiveCallInvocationSendsItsPartsToACalleeOnAnotherNodeInOrder() {
    Peer callee = cluster.join(2);
    long registration = callee.register("com.example.upload", Map.of());
    awaitRoutable(1, "com.example.upload");
    Peer caller = cluster.join(1);

    Map<String, Object> more = Map.of("progress", true);
    long request = caller.call("com.example.upload", more, List.of("part", 1));
    Invocation first = callee.invocation();
    assertThat(first.registration()).isEqualTo(registration);
    assertThat(first.details()).containsEntry("progress", true);
    for (int i = 2; i <= 20; i++) {
      caller.send(new Call(request, more, "com.example.upload", List.of("part", i), Map.of()));
    }
    caller.send(new Call(request, Map.of(), "com.example.upload", List.of("end"), Map.of()));
    for (int i = 2; i <= 20; i++) {
      Invocation part = callee.invocation();
      assertThat(part.request()).isEqualTo(first.request());
      assertThat(part.details()).containsEntry("progress", true);
      assertThat(part.arguments()).containsExactly("part", (long) i);
    }
    Invocation last = callee.invocation();
    assertThat(last.request()).isEqualTo(first.request());
    assertThat(last.details()).containsEntry("progress", false);
    assertThat(last.arguments()).containsExactly("end");
    callee.yield(first.request(), Map.of(), List.of(20));
    assertThat(caller.result(request).arguments()).containsExactly(20L);
  }

  @Test
  void aSingleRegistrationIsUniqueInTheClusterEvenWhenThreeNodesRace() {
    List<Peer> racers = List.of(cluster.join(1), cluster.join(2), cluster.join(3));
    for (int round = 0; round < 100; round++) {
      String procedure = "com.example.race." + round;
      for (Peer p : racers) {
        p.sendRegister(procedure, Map.of());
      }
      Peer winner = null;
      long registration = 0;
      int refused = 0;
      for (Peer p : racers) {
        WampMessage m = p.expect(WampMessage.class);
        if (m instanceof Registered r) {
          assertThat(winner).as("round %d: a second REGISTERED", round).isNull();
          winner = p;
          registration = r.registration();
        } else {
          assertThat(((Error) m).error()).isEqualTo(WampUris.PROCEDURE_ALREADY_EXISTS);
          refused++;
        }
      }
      assertThat(winner).as("round %d: nobody won", round).isNotNull();
      assertThat(refused).isEqualTo(2);
      winner.unregister(registration);
    }
  }

  @Test
  void aProcedureFreedOnOneNodeCanBeRegisteredOnAnotherOnceUnregistered() {
    Peer first = cluster.join(1);
    long registration = first.register("com.example.moves", Map.of());
    Peer second = cluster.join(2);
    Error refused = registerRefused(second, "com.example.moves", Map.of());
    assertThat((String) refused.arguments().get(0)).contains("router node n1");

    first.unregister(registration);
    // UNREGISTERED comes once the cluster forgot the callee: the URI is free on every node.
    second.register("com.example.moves", Map.of());
    callUntilServedBy(cluster.join(3), second, "com.example.moves");
  }

  @Test
  void aSharedRegistrationSpansNodesWithOneIdAndOnePolicy() {
    List<Peer> callees = List.of(cluster.join(1), cluster.join(2), cluster.join(3));
    Map<String, Object> roundrobin = Map.of("invoke", "roundrobin");
    Set<Long> ids = new HashSet<>();
    for (Peer callee : callees) {
      ids.add(callee.register("com.example.shared", roundrobin));
    }
    assertThat(ids).hasSize(1);
    // Every callee must ask for the policy the first one chose, on whichever node.
    Error mismatch = registerRefused(cluster.join(2), "com.example.shared", Map.of());
    assertThat((String) mismatch.arguments().get(0)).contains("invoke=roundrobin");
    Cluster.await(
        "node 1 sees the three callees",
        () -> {
          List<Long> c = cluster.node(1).dealer(Cluster.REALM).callees(ids.iterator().next());
          return c != null && c.size() == 3;
        });

    Peer caller = cluster.join(1);
    Map<Peer, Integer> served = new HashMap<>();
    for (int i = 0; i < 30; i++) {
      long request = caller.call("com.example.shared", Map.of(), List.of(i));
      Peer got = null;
      while (got == null) {
        for (Peer callee : callees) {
          WampMessage m = callee.poll(java.time.Duration.ofMillis(20));
          if (m instanceof Invocation inv) {
            callee.yield(inv.request(), Map.of(), List.of(i));
            got = callee;
          }
        }
      }
      served.merge(got, 1, Integer::sum);
      assertThat(caller.result(request).arguments()).containsExactly((long) i);
    }
    assertThat(served).hasSize(3).allSatisfy((p, n) -> assertThat(n).isEqualTo(10));
  }

  @Test
  void theFirstCalleeInTheClustersOrderServesAFirstRegistration() {
    Peer first = cluster.join(3);
    Peer standby = cluster.join(1);
    first.register("com.example.standby", Map.of("invoke", "first"));
    standby.register("com.example.standby", Map.of("invoke", "first"));
    Peer caller = cluster.join(1);
    Cluster.await(
        "node 1 sees both callees",
        () -> {
          var reg = cluster.node(1).dealer(Cluster.REALM).match("com.example.standby");
          return reg != null && cluster.node(1).dealer(Cluster.REALM).callees(reg.id()).size() == 2;
        });
    for (int i = 0; i < 5; i++) {
      long request = caller.call("com.example.standby", Map.of(), List.of());
      Invocation inv = first.invocation();
      first.yield(inv.request(), Map.of(), List.of("first"));
      assertThat(caller.result(request).arguments()).containsExactly("first");
    }
    standby.expectNothing();
  }

  @Test
  void patternRegistrationsOnDifferentNodesFollowTheSpecsPrecedence() {
    Peer exact = cluster.join(2);
    Peer prefix = cluster.join(3);
    Peer wildcard = cluster.join(1);
    exact.register("org.pattern.a.b", Map.of());
    prefix.register("org.pattern.a", Map.of("match", "prefix"));
    wildcard.register("org.pattern..b", Map.of("match", "wildcard"));
    Peer caller = cluster.join(1);
    Cluster.await(
        "node 1 knows the three registrations",
        () ->
            cluster.node(1).dealer(Cluster.REALM).match("org.pattern.a.b") != null
                && cluster.node(1).dealer(Cluster.REALM).match("org.pattern.a.x") != null
                && cluster.node(1).dealer(Cluster.REALM).match("org.pattern.z.b") != null);

    assertServedBy(caller, "org.pattern.a.b", exact, null);
    assertServedBy(caller, "org.pattern.a.b.c", prefix, "org.pattern.a.b.c");
    assertServedBy(caller, "org.pattern.z.b", wildcard, "org.pattern.z.b");
  }

  private static void assertServedBy(Peer caller, String procedure, Peer callee, String concrete) {
    long request = caller.call(procedure, Map.of(), List.of());
    Invocation inv = callee.invocation();
    if (concrete == null) {
      assertThat(inv.details()).doesNotContainKey("procedure");
    } else {
      assertThat(inv.details()).containsEntry("procedure", concrete);
    }
    callee.yield(inv.request(), Map.of(), List.of(procedure));
    assertThat(caller.result(request).arguments()).containsExactly(procedure);
  }

  @Test
  void aCallTimesOutOnTheCallersNodeAndTheCalleeIsInterrupted() {
    Peer callee = cluster.join(2);
    callee.register("com.example.slow", Map.of());
    awaitRoutable(1, "com.example.slow");
    Peer caller = cluster.join(1);

    long request = caller.call("com.example.slow", Map.of("timeout", 200), List.of());
    Invocation inv = callee.invocation();
    assertThat(caller.callError(request).error()).isEqualTo(WampUris.TIMEOUT);
    Interrupt interrupt = callee.expect(Interrupt.class);
    assertThat(interrupt.request()).isEqualTo(inv.request());
    assertThat(interrupt.options()).containsEntry("mode", "killnowait");
    // A late answer goes nowhere.
    callee.yield(inv.request(), Map.of(), List.of("late"));
    caller.expectNothing();
  }

  @Test
  void cancelModesWorkAcrossNodes() {
    Peer callee = cluster.join(3);
    callee.register("com.example.cancelable", Map.of());
    awaitRoutable(2, "com.example.cancelable");
    Peer caller = cluster.join(2);

    // killnowait: the caller is answered at once, the callee interrupted.
    long a = caller.call("com.example.cancelable", Map.of(), List.of());
    Invocation invA = callee.invocation();
    caller.send(new Cancel(a, Map.of("mode", "killnowait")));
    assertThat(caller.callError(a).error()).isEqualTo(WampUris.CANCELED);
    assertThat(callee.expect(Interrupt.class).request()).isEqualTo(invA.request());

    // kill: the callee is interrupted, and its answer is the caller's.
    long b = caller.call("com.example.cancelable", Map.of(), List.of());
    Invocation invB = callee.invocation();
    caller.send(new Cancel(b, Map.of("mode", "kill")));
    Interrupt interrupt = callee.expect(Interrupt.class);
    assertThat(interrupt.options()).containsEntry("mode", "kill");
    callee.send(
        new Error(
            Invocation.CODE,
            invB.request(),
            Map.of(),
            WampUris.CANCELED,
            List.of("stopped"),
            Map.of()));
    Error e = caller.callError(b);
    assertThat(e.arguments()).containsExactly("stopped");

    // skip: the caller is answered at once, the callee is not told, and its answer is dropped.
    long c = caller.call("com.example.cancelable", Map.of(), List.of());
    Invocation invC = callee.invocation();
    caller.send(new Cancel(c, Map.of("mode", "skip")));
    assertThat(caller.callError(c).error()).isEqualTo(WampUris.CANCELED);
    callee.expectNothing();
    callee.yield(invC.request(), Map.of(), List.of("ignored"));
    caller.expectNothing();
  }

  @Test
  void aCalleeLeavingMidCallAnswersItsCallersOnOtherNodes() {
    Peer callee = cluster.join(1);
    callee.register("com.example.leaves", Map.of());
    awaitRoutable(3, "com.example.leaves");
    Peer caller = cluster.join(3);

    long request = caller.call("com.example.leaves", Map.of(), List.of());
    callee.invocation();
    callee.leave();
    Error e = caller.callError(request);
    assertThat(e.error()).isEqualTo(WampUris.CANCELED);
    assertThat(e.arguments()).containsExactly("callee disconnected from in-flight request");
  }

  @Test
  void aCallerLeavingMidCallInterruptsItsCalleeOnAnotherNode() {
    Peer callee = cluster.join(2);
    callee.register("com.example.abandoned", Map.of());
    awaitRoutable(1, "com.example.abandoned");
    Peer caller = cluster.join(1);

    caller.call("com.example.abandoned", Map.of(), List.of());
    Invocation inv = callee.invocation();
    caller.leave();
    Interrupt interrupt = callee.expect(Interrupt.class);
    assertThat(interrupt.request()).isEqualTo(inv.request());
  }

  @Test
  void registrationMetaEventsFireOnceInTheCluster() {
    Peer watcher = cluster.join(1);
    watcher.subscribe("wamp.registration.on_create");
    watcher.subscribe("wamp.registration.on_delete");
    Peer a = cluster.join(2);
    Peer b = cluster.join(3);
    long id = a.register("com.example.meta", Map.of("invoke", "random"));
    b.register("com.example.meta", Map.of("invoke", "random"));
    Event created = watcher.event();
    assertThat(created.arguments().get(0)).isEqualTo(a.session());
    a.leave();
    b.unregister(id);
    Event deleted = watcher.event();
    assertThat(deleted.arguments()).element(1).isEqualTo(id);
    watcher.expectNothing();
  }

  /**
   * Calls {@code procedure} from {@code caller} until {@code callee} serves it (a node's mirror may
   * lag a moment behind the cluster's registrations: meanwhile a call gets {@code
   * no_such_procedure}, or reaches the callee that just left, which answers the same).
   */
  static Invocation callUntilServedBy(Peer caller, Peer callee, String procedure) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      long request = caller.call(procedure, Map.of(), List.of("probe"));
      WampMessage m = callee.poll(java.time.Duration.ofMillis(200));
      if (m instanceof Invocation inv) {
        callee.yield(inv.request(), Map.of(), List.of("served"));
        assertThat(caller.result(request).arguments()).containsExactly("served");
        return inv;
      }
      assertThat(m).isNull();
      assertThat(caller.callError(request).error()).isEqualTo(WampUris.NO_SUCH_PROCEDURE);
    }
    throw new AssertionError(procedure + " never reached the expected callee");
  }

  static Error registerRefused(Peer p, String procedure, Map<String, Object> options) {
    p.sendRegister(procedure, options);
    Error e = p.expect(Error.class);
    assertThat(e.error()).isEqualTo(WampUris.PROCEDURE_ALREADY_EXISTS);
    return e;
  }
}
