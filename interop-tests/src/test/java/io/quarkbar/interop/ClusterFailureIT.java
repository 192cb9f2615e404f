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
 * two others: they go on undisturbed, every event delivered in order and acknowledged, and each of
 * its sessions is announced gone ({@code wamp.session.on_leave}) once, after the death timeout. A
 * frozen node that runs again (SIGCONT) ends the sessions the cluster announced gone, with GOODBYE
 * {@code quarkbar.close.cut_off}, and serves new ones. Calls to a callee on a node that is killed
 * or frozen end with an ERROR instead of hanging; its procedures can then be registered elsewhere,
 * or on the thawed node by a new session. A caller's node killed interrupts its invocations; NATS
 * stopped makes the nodes fence (end their sessions, refuse new ones) until it is back; a node
 * restarted under its name releases what its predecessor held.
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
  void aFrozenNodeDoesNotHoldUpTheOthersItsSessionsLeaveOnceAndItServesNewOnesOnceThawed()
      throws Exception {
    try (JdkWampSession subscriber = JdkWampSession.join(nodes.get(1).webSocketUrl(), "realm1");
        JdkWampSession frozenSubscriber =
            JdkWampSession.join(nodes.get(2).webSocketUrl(), "realm1");
        JdkWampSession publisher = JdkWampSession.join(nodes.get(0).webSocketUrl(), "realm1");
        JdkWampSession watcher = JdkWampSession.join(nodes.get(0).webSocketUrl(), "realm1")) {
      long subscription = subscriber.subscribe("com.failure.frozen");
      frozenSubscriber.subscribe("com.failure.frozen");
      watcher.subscribe("wamp.session.on_leave");

      signal("STOP", nodes.get(2).pid());
      try {
        // The frozen node cannot say who its subscribers are: an ERROR that names it, not a hang.
        List<Object> unanswered = subscribersOf(watcher, subscription);
        assertThat(unanswered)
            .as("list_subscribers while a node is frozen")
            .element(4)
            .isEqualTo("quarkbar.error.cluster_unavailable");
        assertThat(unanswered.toString()).contains("router node n3");
        publishAndExpectAll(publisher, subscriber, "com.failure.frozen", 0, 500);
        // Frozen beyond the death timeout: the cluster takes its sessions for gone.
        awaitLeft(watcher, frozenSubscriber.sessionId());
        // And no longer asks it.
        awaitSubscribers(watcher, subscription, List.of(subscriber.sessionId()));
      } finally {
        signal("CONT", nodes.get(2).pid());
      }

      // Thawed, it ends the session the cluster announced gone, without a second announcement.
      frozenSubscriber.next(
          m -> m.getFirst().equals(GOODBYE) && "quarkbar.close.cut_off".equals(m.get(2)),
          Duration.ofSeconds(10),
          "GOODBYE quarkbar.close.cut_off on the thawed node");
      assertThat(watcher.poll(leaveOf(frozenSubscriber.sessionId()), Duration.ofSeconds(1)))
          .as("a second on_leave of the frozen node's session")
          .isNull();
      publishAndExpectAll(publisher, subscriber, "com.failure.frozen", 1000, 10);
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
        JdkWampSession publisher = JdkWampSession.join(nodes.get(0).webSocketUrl(), "realm1");
        JdkWampSession watcher = JdkWampSession.join(nodes.get(1).webSocketUrl(), "realm1")) {
      subscriber.subscribe("com.failure.killed");
      doomed.subscribe("com.failure.killed");
      watcher.subscribe("wamp.session.on_leave");
      publishAndExpectAll(publisher, subscriber, "com.failure.killed", 0, 100);

      nodes.get(2).kill();
      publishAndExpectAll(publisher, subscriber, "com.failure.killed", 100, 300);
      // Its session is announced gone once, though both other nodes take the node for gone.
      awaitLeft(watcher, doomed.sessionId());
      assertThat(watcher.poll(leaveOf(doomed.sessionId()), Duration.ofSeconds(1)))
          .as("a second on_leave of the killed node's session")
          .isNull();
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
      // Thawed, the node ends the callee's session, which the cluster took for gone; a new
      // session on it registers the procedure, and calls reach it.
      callee.next(
          m -> m.getFirst().equals(GOODBYE) && "quarkbar.close.cut_off".equals(m.get(2)),
          Duration.ofSeconds(10),
          "GOODBYE quarkbar.close.cut_off on the thawed node");
      try (JdkWampSession fresh = JdkWampSession.join(nodes.get(2).webSocketUrl(), "realm1")) {
        awaitRegistered(fresh, "com.failure.frozen.rpc");
        List<Long> served = callsReachingTheCallee(caller, fresh, "com.failure.frozen.rpc", 1);
        assertThat(served).hasSize(1);
      }
    }
  }

  @Test
  void aCallersNodeKilledInterruptsItsInvocationsAndTheCalleeServesOn() throws Exception {
    try (JdkWampSession callee =
            JdkWampSession.joinCancelingCallee(nodes.get(1).webSocketUrl(), "realm1");
        JdkWampSession caller = JdkWampSession.join(nodes.get(0).webSocketUrl(), "realm1");
        JdkWampSession other = JdkWampSession.join(nodes.get(2).webSocketUrl(), "realm1")) {
      registered(callee, "com.failure.orphaned");
      callsReachingTheCallee(caller, callee, "com.failure.orphaned", 2);

      nodes.get(0).kill();
      // Node 2 takes node 1 for gone: nobody waits for those calls any more.
      for (int i = 0; i < 2; i++) {
        List<Object> interrupt =
            callee.next(m -> m.getFirst().equals(INTERRUPT), Duration.ofSeconds(10), "INTERRUPT");
        assertThat(((Map<?, ?>) interrupt.get(2)).get("mode")).isEqualTo("killnowait");
      }
      // The callee serves callers of the other nodes as before.
      assertThat(callsReachingTheCallee(other, callee, "com.failure.orphaned", 1)).hasSize(1);
    }
  }

  @Test
  void withNatsStoppedTheNodesFenceAndRefuseSessionsAndServeAgainOnceItIsBack() throws Exception {
    try (JdkWampSession one = JdkWampSession.join(nodes.get(0).webSocketUrl(), "realm1");
        JdkWampSession two = JdkWampSession.join(nodes.get(1).webSocketUrl(), "realm1")) {
      cluster.nats.stop();
      // After the death timeout, each node ends its sessions: they would join a node not cut off.
      for (JdkWampSession s : List.of(one, two)) {
        s.next(
            m -> m.getFirst().equals(GOODBYE) && "quarkbar.close.cut_off".equals(m.get(2)),
            Duration.ofSeconds(10),
            "GOODBYE quarkbar.close.cut_off");
      }
      List<Object> refused = JdkWampSession.answerToHello(nodes.get(2).webSocketUrl(), "realm1");
      assertThat(refused).as("answer to HELLO without NATS").element(0).isEqualTo(ABORT);
      assertThat(refused.get(2)).isEqualTo("quarkbar.error.cluster_unavailable");
      // Not ready: a load balancer sends new clients elsewhere.
      assertThat(nodes.get(2).readinessStatus()).isEqualTo(503);
    } finally {
      cluster.nats.startAgain();
    }
    for (RouterProcess node : nodes) {
      node.awaitClusterConnected(Duration.ofSeconds(30));
      assertThat(node.readinessStatus()).isEqualTo(200);
    }
    try (JdkWampSession subscriber = JdkWampSession.join(nodes.get(1).webSocketUrl(), "realm1");
        JdkWampSession publisher = JdkWampSession.join(nodes.get(0).webSocketUrl(), "realm1")) {
      subscriber.subscribe("com.failure.nats.back");
      publishAndExpectAll(publisher, subscriber, "com.failure.nats.back", 0, 10);
    }
  }

  @Test
  void aNodeRestartedUnderItsNameReleasesWhatItsPredecessorHeld() throws Exception {
    try (JdkWampSession callee = JdkWampSession.join(nodes.get(2).webSocketUrl(), "realm1");
        JdkWampSession caller = JdkWampSession.join(nodes.get(0).webSocketUrl(), "realm1");
        JdkWampSession watcher = JdkWampSession.join(nodes.get(1).webSocketUrl(), "realm1")) {
      watcher.subscribe("wamp.session.on_leave");
      registered(callee, "com.failure.restarted");
      List<Long> pending = callsReachingTheCallee(caller, callee, "com.failure.restarted", 1);

      nodes.get(2).kill();
      nodes.get(2).startAgain();
      nodes.get(2).awaitClusterConnected(Duration.ofSeconds(30));

      List<Object> answer =
          caller.next(
              JdkWampSession.answerTo(CALL, pending.getFirst()), Duration.ofSeconds(10), "ERROR");
      assertThat(answer)
          .as("answer to the call the old process had")
          .element(4)
          .isEqualTo(CANCELED);
      // The old process's session leaves once, whoever removes it (the new process or a peer).
      awaitLeft(watcher, callee.sessionId());
      assertThat(watcher.poll(leaveOf(callee.sessionId()), Duration.ofSeconds(1)))
          .as("a second on_leave of the old process's session")
          .isNull();
      // Its single registration is gone: a session of the new process registers the URI.
      try (JdkWampSession fresh = JdkWampSession.join(nodes.get(2).webSocketUrl(), "realm1")) {
        awaitRegistered(fresh, "com.failure.restarted");
        assertThat(callsReachingTheCallee(caller, fresh, "com.failure.restarted", 1)).hasSize(1);
      }
    }
  }

  /** The answer (RESULT or ERROR) to {@code wamp.subscription.list_subscribers}. */
  private static List<Object> subscribersOf(JdkWampSession asker, long subscription)
      throws InterruptedException {
    long request = asker.call("wamp.subscription.list_subscribers", List.of(subscription));
    return asker.next(
        JdkWampSession.answerTo(CALL, request), Duration.ofSeconds(10), "list_subscribers");
  }

  /** Waits (10 s at most) until {@code list_subscribers} answers {@code expected}. */
  private static void awaitSubscribers(JdkWampSession asker, long subscription, List<Long> expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<Object> answer = subscribersOf(asker, subscription);
    while (!(answer.getFirst().equals(RESULT) && expected.equals(ids(answer)))
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
      answer = subscribersOf(asker, subscription);
    }
    assertThat(answer).as("list_subscribers").element(0).isEqualTo(RESULT);
    assertThat(ids(answer)).isEqualTo(expected);
  }

  private static List<Long> ids(List<Object> result) {
    List<?> args = (List<?>) result.get(3);
    return ((List<?>) args.getFirst()).stream().map(id -> ((Number) id).longValue()).toList();
  }

  private static final long RESULT = 50;
  private static final long GOODBYE = 6;
  private static final long ABORT = 3;
  private static final long INTERRUPT = 69;

  /** Matches the {@code wamp.session.on_leave} event of session {@code session}. */
  private static java.util.function.Predicate<List<Object>> leaveOf(long session) {
    return m -> m.getFirst().equals(JdkWampSession.EVENT) && firstArgument(m) == session;
  }

  private static void awaitLeft(JdkWampSession watcher, long session) throws Exception {
    watcher.next(leaveOf(session), Duration.ofSeconds(10), "on_leave of session " + session);
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
