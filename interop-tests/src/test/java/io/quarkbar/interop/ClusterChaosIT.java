package io.quarkbar.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A bounded chaos run over router processes: calls flow from a caller on node 1 to a roundrobin
 * registration with a callee on every node, while nodes 2 and 3 are killed (SIGKILL) and started
 * again under their names in turn, each time with a new callee. Every call gets exactly one answer
 * (its result, or an ERROR saying its callee's node went away), and no call is invoked twice. The
 * callees are clients of this JVM: they outlive the router processes they are connected to, so
 * every invocation any of them saw is counted.
 */
class ClusterChaosIT {

  private static final String PROCEDURE = "com.chaos.echo";
  private static final int IN_FLIGHT = 16;
  private static final int RESTARTS = 4;
  private static final long RESULT = 50;
  private static final long INVOCATION = 68;
  private static final long YIELD = 70;
  private static final Path LOG_DIR =
      Path.of(System.getProperty("interop.log.dir", "target/interop-logs"));

  private ClusterProcesses cluster;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> callees = new ArrayList<>();
  private final List<JdkWampSession> sessions = new ArrayList<>();
  private final Set<Long> invoked = ConcurrentHashMap.newKeySet();
  private final List<Long> invokedTwice = Collections.synchronizedList(new ArrayList<>());
  private final AtomicReference<Throwable> restartFailure = new AtomicReference<>();

  @AfterEach
  void stopAll() throws Exception {
    stop.set(true);
    for (Thread t : callees) {
      t.join(5_000);
    }
    sessions.forEach(JdkWampSession::close);
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void everyCallIsAnsweredOnceWhileNodesAreKilledAndStartedAgain() throws Exception {
    cluster = ClusterProcesses.start(LOG_DIR, "cluster-chaos");
    for (int n = 1; n <= 3; n++) {
      callee(n);
    }
    JdkWampSession caller = JdkWampSession.join(cluster.node(1).webSocketUrl(), "realm1");
    sessions.add(caller);

    Map<Long, Long> numberOf = new HashMap<>(); // request ID -> the number the call carries
    Map<Long, Integer> answers = new HashMap<>();
    Map<String, Integer> outcomes = new HashMap<>();
    long next = 1;
    int restarts = 0;
    int victim = 2;
    // A node restarts on a thread of its own, so that calls flow meanwhile; after each restart,
    // a second with every node up.
    Thread chaos = null;
    long nextRestart = System.nanoTime() + Duration.ofSeconds(1).toNanos();
    while (restarts < RESTARTS || chaos.isAlive() || numberOf.size() > answers.size()) {
      boolean calling = restarts < RESTARTS || chaos.isAlive();
      if (chaos != null && !chaos.isAlive() && nextRestart == 0) {
        nextRestart = System.nanoTime() + Duration.ofSeconds(1).toNanos();
      }
      if (restarts < RESTARTS
          && (chaos == null || !chaos.isAlive())
          && nextRestart != 0
          && System.nanoTime() > nextRestart) {
        int n = victim;
        chaos = new Thread(() -> restart(n), "chaos-restart-n" + n);
        chaos.setUncaughtExceptionHandler((t, e) -> restartFailure.set(e));
        chaos.start();
        restarts++;
        victim = victim == 2 ? 3 : 2;
        nextRestart = 0;
      }
      while (calling && numberOf.size() - answers.size() < IN_FLIGHT) {
        numberOf.put(caller.call(PROCEDURE, List.of(next)), next++);
      }
      List<Object> m =
          caller.poll(
              x -> x.getFirst().equals(RESULT) || x.getFirst().equals(JdkWampSession.ERROR),
              Duration.ofSeconds(15));
      assertThat(m)
          .as(
              "an answer to every call (%d of %d answered)%n%s",
              answers.size(), numberOf.size(), cluster.logTails())
          .isNotNull();
      long request;
      if (m.getFirst().equals(RESULT)) {
        request = ((Number) m.get(1)).longValue();
        assertThat(((Number) ((List<?>) m.get(3)).getFirst()).longValue())
            .isEqualTo(numberOf.get(request));
        outcomes.merge("result", 1, Integer::sum);
      } else {
        request = ((Number) m.get(2)).longValue();
        assertThat(m.get(4)).isIn("wamp.error.canceled", "wamp.error.no_such_procedure");
        outcomes.merge((String) m.get(4), 1, Integer::sum);
      }
      assertThat(numberOf).containsKey(request);
      answers.merge(request, 1, Integer::sum);
      assertThat(answers.get(request)).as("answers to call %d", request).isEqualTo(1);
    }
    System.out.printf(
        "chaos: %d calls, %d restarts, outcomes %s%n", numberOf.size(), restarts, outcomes);
    assertThat(restartFailure.get()).as("a restart failed").isNull();
    assertThat(answers).hasSameSizeAs(numberOf);
    assertThat(invokedTwice).as("calls invoked twice").isEmpty();
    assertThat(outcomes.getOrDefault("result", 0))
        .as("calls that got their result: %s", outcomes)
        .isGreaterThan(numberOf.size() / 2);
  }

  /** Node {@code n} killed, started again under its name, and given a new callee. */
  private void restart(int n) {
    try {
      cluster.node(n).kill();
      cluster.node(n).startAgain();
      cluster.node(n).awaitClusterConnected(Duration.ofSeconds(60));
      callee(n);
    } catch (Exception e) {
      throw new IllegalStateException("restarting node n" + n, e);
    }
  }

  /**
   * A callee on node {@code n}, on a thread of its own: registers the procedure (roundrobin, shared
   * with the other nodes' callees) and answers every INVOCATION with its number, counting the
   * numbers it saw.
   */
  private void callee(int n) throws Exception {
    JdkWampSession callee = JdkWampSession.join(cluster.node(n).webSocketUrl(), "realm1");
    synchronized (sessions) {
      sessions.add(callee);
    }
    long request = callee.nextRequest();
    callee.send(
        List.of(JdkWampSession.REGISTER, request, Map.of("invoke", "roundrobin"), PROCEDURE));
    List<Object> answer =
        callee.next(
            JdkWampSession.answerTo(JdkWampSession.REGISTER, request),
            Duration.ofSeconds(10),
            "REGISTERED");
    assertThat(answer.getFirst()).as("REGISTER: %s", answer).isEqualTo(JdkWampSession.REGISTERED);
    Thread t =
        new Thread(
            () -> {
              try {
                while (!stop.get()) {
                  List<Object> m =
                      callee.poll(x -> x.getFirst().equals(INVOCATION), Duration.ofMillis(50));
                  if (m != null) {
                    long number = ((Number) ((List<?>) m.get(4)).getFirst()).longValue();
                    if (!invoked.add(number)) {
                      invokedTwice.add(number);
                    }
                    callee.send(List.of(YIELD, m.get(1), Map.of(), List.of(number)));
                  }
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (RuntimeException e) {
                // its router was killed: the connection is gone
              }
            },
            "chaos-callee-n" + n);
    t.setDaemon(true);
    t.start();
    synchronized (callees) {
      callees.add(t);
    }
  }
}
