package io.quarkbar.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node of a three-node cluster frozen (SIGSTOP) or killed (SIGKILL) while events flow between the
 * two others: they go on undisturbed, every event delivered in order and acknowledged; a frozen
 * node serves again once it runs (SIGCONT). Calls to a callee on a node that is killed or frozen
 * end with an ERROR instead of hanging; a killed node's procedures can be registered elsewhere, and
 * a frozen one's callee serves again once thawed.
 */
class ClusterFailureIT {

  private static final long PUBLISH = 16;
  private static final long PUBLISHED = 17;
  private static final Path LOG_DIR =
      Path.of(System.getProperty("interop.log.dir", "target/interop-logs"));

  private ClusterProcesses cluster;
  private List<RouterProcess> nodes;

  @BeforeEach
  void startCluster() throws Exception {
    cluster = ClusterProcesses.start(LOG_DIR, "cluster-failure");
    nodes = cluster.nodes;
  }

  @AfterEach
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aFrozenNodeDoesNotHoldUpTheOthersAndServesAgainOnceThawed() throws Exception {
    try (JdkWampSession subscriber = JdkWampSession.join(nodes.get(1).webSocketUrl(), "realm1");
        JdkWampSession frozenSubscriber =
            JdkWampSession.join(nodes.get(2).webSocketUrl(), "realm1");
        JdkWampSession publisher = JdkWampSession.join(nodes.get(0).webSocketUrl(), "realm1")) {
      subscriber.subscribe("com.failure.frozen");
      frozenSubscriber.subscribe("com.failure.frozen");

      signal("STOP", nodes.get(2).pid());
      try {
        publishAndExpectAll(publisher, subscriber, "com.failure.frozen", 0, 500);
      } finally {
        signal("CONT", nodes.get(2).pid());
      }

      // Thawed, it serves its sessions old and new (what it missed meanwhile is at most once).
      publishAndExpectAll(publisher, subscriber, "com.failure.frozen", 1000, 10);
      for (int i = 1000; i < 1010; i++) {
        long expected = i;
        frozenSubscriber.next(
            m -> m.getFirst().equals(JdkWampSession.EVENT) && expected == firstArgument(m),
            Duration.ofSeconds(10),
            "event " + i + " on the thawed node");
      }
      try (JdkWampSession late = JdkWampSession.join(nodes.get(2).webSocketUrl(), "realm1")) {
        late.subscribe("com.failure.after");
        publishAndExpectAll(publisher, late, "com.failure.after", 0, 10);
      }
    }
  }

  @Test
  void aKilledNodeDoesNotDisturbTheOthers() throws Exception {
    try (JdkWampSession subscriber = JdkWampSession.join(nodes.get(1).webSocketUrl(), "realm1");
        JdkWampSession doomed = JdkWampSession.join(nodes.get(2).webSocketUrl(), "realm1");
        JdkWampSession publisher = JdkWampSession.join(nodes.get(0).webSocketUrl(), "realm1")) {
      subscriber.subscribe("com.failure.killed");
      doomed.subscribe("com.failure.killed");
      publishAndExpectAll(publisher, subscriber, "com.failure.killed", 0, 100);

      nodes.get(2).kill();
      publishAndExpectAll(publisher, subscriber, "com.failure.killed", 100, 300);
    }
  }

  @Test
  void callsToAKilledNodesCalleeEndAndItsProcedureCanMove() throws Exception {
    try (JdkWampSession callee = JdkWampSession.join(nodes.get(2).webSocketUrl(), "realm1");
        JdkWampSession caller = JdkWampSession.join(nodes.get(0).webSocketUrl(), "realm1");
        JdkWampSession successor = JdkWampSession.join(nodes.get(1).webSocketUrl(), "realm1")) {
      registered(callee, "com.failure.rpc");
      List<Long> pending = callsReachingTheCallee(caller, callee, "com.failure.rpc", 5);

      nodes.get(2).kill();
      for (long request : pending) {
        List<Object> answer =
            caller.next(JdkWampSession.answerTo(CALL, request), Duration.ofSeconds(10), "ERROR");
        assertThat(answer).as("answer to a call to the killed node").element(4).isEqualTo(CANCELED);
      }
      // Its registration goes with it (after the death timeout): another node's callee takes it.
      awaitRegistered(successor, "com.failure.rpc");
      List<Long> served = callsReachingTheCallee(caller, successor, "com.failure.rpc", 1);
      assertThat(served).hasSize(1);
    }
  }

  @Test
  void callsToAFrozenNodesCalleeEndAndItServesAgainOnceThawed() throws Exception {
    try (JdkWampSession callee = JdkWampSession.join(nodes.get(2).webSocketUrl(), "realm1");
        JdkWampSession caller = JdkWampSession.join(nodes.get(0).webSocketUrl(), "realm1")) {
      registered(callee, "com.failure.frozen.rpc");
      List<Long> pending = callsReachingTheCallee(caller, callee, "com.failure.frozen.rpc", 3);

      signal("STOP", nodes.get(2).pid());
      try {
        for (long request : pending) {
          List<Object> answer =
              caller.next(JdkWampSession.answerTo(CALL, request), Duration.ofSeconds(10), "ERROR");
          assertThat(answer)
              .as("answer to a call to the frozen node")
              .element(4)
              .isEqualTo(CANCELED);
        }
      } finally {
        signal("CONT", nodes.get(2).pid());
      }
      // Thawed, the node registers its callee again, and calls reach it.
      List<Long> served = callsReachingTheCallee(caller, callee, "com.failure.frozen.rpc", 1);
      assertThat(served).hasSize(1);
    }
  }

  private static final long CALL = 48;
  private static final long INVOCATION = 68;
  private static final String CANCELED = "wamp.error.canceled";

  private static void registered(JdkWampSession callee, String procedure) throws Exception {
    long request = callee.register(procedure);
    List<Object> answer =
        callee.next(
            JdkWampSession.answerTo(JdkWampSession.REGISTER, request),
            Duration.ofSeconds(10),
            "REGISTERED");
    assertThat(answer.getFirst())
        .as("answer to REGISTER: %s", answer)
        .isEqualTo(JdkWampSession.REGISTERED);
  }

  /** REGISTERs until one is accepted (the procedure is taken until the cluster frees it). */
  private static void awaitRegistered(JdkWampSession callee, String procedure) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (true) {
      long request = callee.register(procedure);
      List<Object> answer =
          callee.next(
              JdkWampSession.answerTo(JdkWampSession.REGISTER, request),
              Duration.ofSeconds(10),
              "REGISTERED");
      if (answer.getFirst().equals(JdkWampSession.REGISTERED)) {
        return;
      }
      assertThat(System.nanoTime())
          .as("%s still taken: %s", procedure, answer)
          .isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /**
   * Makes {@code n} calls from {@code caller} that reach {@code callee} as INVOCATIONs, left
   * unanswered; returns their request IDs. A call made while the caller's node does not route to
   * the callee yet (its answer is an ERROR: no_such_procedure, or canceled by a node not noticed to
   * be gone yet) is made again.
   */
  private static List<Long> callsReachingTheCallee(
      JdkWampSession caller, JdkWampSession callee, String procedure, int n) throws Exception {
    List<Long> reached = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (reached.size() < n) {
      assertThat(System.nanoTime())
          .as("calls of %s reaching the callee", procedure)
          .isLessThan(deadline);
      long request = caller.call(procedure, List.of(reached.size()));
      List<Object> invocation =
          callee.poll(m -> m.getFirst().equals(INVOCATION), Duration.ofMillis(500));
      if (invocation != null) {
        reached.add(request);
        continue;
      }
      List<Object> answer =
          caller.next(JdkWampSession.answerTo(CALL, request), Duration.ofSeconds(10), "ERROR");
      assertThat(answer.getFirst())
          .as("a call that did not reach the callee: %s", answer)
          .isEqualTo(JdkWampSession.ERROR);
      Thread.sleep(50);
    }
    return reached;
  }

  /**
   * Publishes {@code n} acknowledged events one after another, numbered from {@code first}; each
   * must be acknowledged and reach {@code subscriber}, in order.
   */
  private static void publishAndExpectAll(
      JdkWampSession publisher, JdkWampSession subscriber, String topic, int first, int n)
      throws Exception {
    List<Long> requests = new ArrayList<>();
    for (int i = first; i < first + n; i++) {
      long request = publisher.nextRequest();
      requests.add(request);
      publisher.send(List.of(PUBLISH, request, Map.of("acknowledge", true), topic, List.of(i)));
    }
    for (long request : requests) {
      List<Object> answer =
          publisher.next(
              JdkWampSession.answerTo(PUBLISH, request), Duration.ofSeconds(10), "PUBLISHED");
      assertThat(answer.getFirst()).as("answer to PUBLISH: %s", answer).isEqualTo(PUBLISHED);
    }
    for (int i = first; i < first + n; i++) {
      List<Object> event =
          subscriber.next(
              m -> m.getFirst().equals(JdkWampSession.EVENT), Duration.ofSeconds(10), "event " + i);
      assertThat(firstArgument(event)).as("event %d of %s", i, topic).isEqualTo(i);
    }
  }

  private static long firstArgument(List<Object> event) {
    return ((Number) ((List<?>) event.get(4)).getFirst()).longValue();
  }

  private static void signal(String signal, long pid) throws Exception {
    new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start()
        .waitFor();
  }
}
