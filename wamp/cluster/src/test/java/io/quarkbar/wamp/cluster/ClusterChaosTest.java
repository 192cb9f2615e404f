package io.quarkbar.wamp.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.uri.WampUris;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A bounded chaos run: calls flow from node 1 to a roundrobin registration with a callee on every
 * node, while nodes 2 and 3 are crashed and restarted under their names in turn (a new process, a
 * new callee). Every call must get exactly one answer (its result, or an ERROR saying its callee or
 * the callee's node went away), and no callee may be invoked twice for one call.
 */
class ClusterChaosTest {

  private static final String PROCEDURE = "com.example.chaos";
  private static final int IN_FLIGHT = 16;

  @Test
  void everyCallIsAnsweredOnceWhileNodesAreKilledAndRestarted() throws Exception {
    Set<Long> invoked = ConcurrentHashMap.newKeySet();
    List<Long> invokedTwice = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> callees = new ArrayList<>();
    try (Cluster cluster = Cluster.start(3)) {
      for (int n = 1; n <= 3; n++) {
        callees.add(callee(cluster, n, invoked, invokedTwice, stop));
      }
      for (int n = 1; n <= 3; n++) {
        ClusterCallsTest.awaitRoutable(cluster, n, PROCEDURE);
      }
      Peer caller = cluster.join(1);

      Map<Long, Long> callOf = new HashMap<>(); // request ID -> call number
      Map<Long, Integer> answers = new HashMap<>();
      Map<String, Integer> outcomes = new HashMap<>();
      long next = 1;
      long chaosUntil = System.nanoTime() + Duration.ofSeconds(6).toNanos();
      long nextRestart = System.nanoTime() + Duration.ofMillis(700).toNanos();
      int restartNode = 2;
      int restarts = 0;
      while (System.nanoTime() < chaosUntil || callOf.size() > answersTotal(answers)) {
        boolean chaos = System.nanoTime() < chaosUntil;
        if (chaos && System.nanoTime() > nextRestart) {
          cluster.restart(restartNode);
          callees.add(callee(cluster, restartNode, invoked, invokedTwice, stop));
          restarts++;
          restartNode = restartNode == 2 ? 3 : 2;
          nextRestart = System.nanoTime() + Duration.ofMillis(700).toNanos();
        }
        while (chaos && callOf.size() - answersTotal(answers) < IN_FLIGHT) {
          long request = caller.call(PROCEDURE, Map.of(), List.of(next));
          callOf.put(request, next++);
        }
        WampMessage m = caller.poll(Duration.ofSeconds(chaos ? 1 : 15));
        assertThat(m)
            .as("an answer to every call (%d of %d answered)", answersTotal(answers), callOf.size())
            .isNotNull();
        long request;
        if (m instanceof Result r) {
          request = r.request();
          assertThat(r.arguments()).containsExactly(callOf.get(request));
          outcomes.merge("result", 1, Integer::sum);
        } else if (m instanceof Error e) {
          request = e.request();
          assertThat(e.error()).isIn(WampUris.CANCELED, WampUris.NO_SUCH_PROCEDURE);
          outcomes.merge(e.error(), 1, Integer::sum);
        } else {
          throw new AssertionError("unexpected " + m);
        }
        assertThat(callOf).containsKey(request);
        answers.merge(request, 1, Integer::sum);
      }
      stop.set(true);
      System.out.printf(
          "chaos: %d calls, %d restarts, outcomes %s%n", callOf.size(), restarts, outcomes);
      assertThat(answers.values()).as("answers per call").allMatch(n -> n == 1);
      assertThat(answers).hasSameSizeAs(callOf);
      assertThat(invokedTwice).as("calls invoked twice").isEmpty();
      assertThat(restarts).isGreaterThanOrEqualTo(4);
      assertThat(outcomes.getOrDefault("result", 0))
          .as("calls that got their result: %s", outcomes)
          .isGreaterThan(callOf.size() / 2);
    } finally {
      stop.set(true);
      for (Thread t : callees) {
        t.join(5_000);
      }
    }
  }

  private static int answersTotal(Map<Long, Integer> answers) {
    return answers.size();
  }

  /**
   * A callee of node {@code n} on a thread of its own: answers every INVOCATION with its number.
   */
  private static Thread callee(
      Cluster cluster, int n, Set<Long> invoked, List<Long> invokedTwice, AtomicBoolean stop) {
    Peer callee = cluster.join(n);
    callee.register(PROCEDURE, Map.of("invoke", "roundrobin"));
    Thread t =
        new Thread(
            () -> {
              while (!stop.get()) {
                WampMessage m = callee.poll(Duration.ofMillis(50));
                if (m instanceof Invocation inv) {
                  long number = ((Number) inv.arguments().getFirst()).longValue();
                  if (!invoked.add(number)) {
                    invokedTwice.add(number);
                  }
                  callee.yield(inv.request(), Map.of(), List.of(number));
                }
              }
            },
            "chaos-callee-n" + n);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
