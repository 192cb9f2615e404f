package io.quarkbar.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The router's Advanced Profile features with clients we did not write, against the packaged router
 * started with src/test/resources/advanced.yaml (realm {@code open}, and realm {@code stored},
 * which keeps events) and a short WebSocket keep-alive ({@link #PING_INTERVAL}).
 *
 * <ul>
 *   <li>Autobahn|JS (advanced-js.js): call timeouts, canceling, shared registrations, the session
 *       and registration meta API, payload passthru; an Autobahn|Python callee (advanced_python.py
 *       callee) is the one that gets interrupted.
 *   <li>Autobahn|Python (advanced_python.py checks): testaments, event retention, event history,
 *       progressive call results, shared registration {@code first}.
 *   <li>A callee that freezes without closing its connection: the router must find it dead within
 *       the keep-alive's bound, fail the call in flight to it, and free its procedure.
 *   <li>WELCOME announces exactly the features the router implements.
 * </ul>
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AdvancedProfileInteropIT {

  /** {@code router.websocket.ping-interval}: a ping after this long without a frame from a peer. */
  private static final Duration PING_INTERVAL = Duration.ofSeconds(2);

  /**
   * A frozen peer is closed after two ping intervals of silence (a ping after the first, nothing
   * back by the second); this is what the machine may add to that, under load.
   */
  private static final Duration SLACK = Duration.ofMillis(1500);

  /**
   * The broker features the router implements, exactly: adding one to WELCOME without adding it
   * here (after an interop check for it) fails {@link
   * #welcomeAnnouncesExactlyTheImplementedFeatures}.
   */
  private static final Set<String> BROKER_FEATURES =
      Set.of(
          "publisher_exclusion",
          "publisher_identification",
          "subscriber_blackwhite_listing",
          "pattern_based_subscription",
          "payload_passthru_mode",
          "session_meta_api",
          "subscription_meta_api");

  /** What a realm with event rules (router.realms.&lt;r&gt;.events) adds to the broker's. */
  private static final Set<String> EVENT_STORE_FEATURES =
      Set.of("event_retention", "event_history");

  /** The dealer features the router implements, exactly. */
  private static final Set<String> DEALER_FEATURES =
      Set.of(
          "caller_identification",
          "pattern_based_registration",
          "progressive_call_results",
          "progressive_call_invocations",
          "shared_registration",
          "call_canceling",
          "call_timeout",
          "payload_passthru_mode",
          "session_meta_api",
          "registration_meta_api",
          "testament_meta_api");

  private static final Path LOG_DIR =
      Path.of(System.getProperty("interop.log.dir", "target/interop-logs"));
  private static final SecureRandom RANDOM = new SecureRandom();

  private static RouterProcess router;

  @RegisterExtension
  final TestWatcher routerLogOnFailure =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          if (router != null) {
            System.out.printf(
                "--- router log (tail) after %s failed ---%n%s%n",
                context.getDisplayName(), router.logTail(60));
          }
        }
      };

  @BeforeAll
  static void startRouter() throws Exception {
    Path runJar =
        Path.of(
            System.getProperty(
                "interop.router.jar", "../router-service/target/quarkus-app/quarkus-run.jar"));
    router =
        RouterProcess.builder(
                runJar, resource("/advanced.yaml"), LOG_DIR.resolve("router-advanced.log"))
            .systemProperty("router.websocket.ping-interval", PING_INTERVAL.toSeconds() + "s")
            .start();
  }

  @AfterAll
  static void stopRouter() throws InterruptedException {
    if (router != null) {
      router.close();
    }
  }

  /**
   * Autobahn|JS in realm {@code open}, msgpack (payload passthru needs a binary serializer). The
   * `cancel kill` check cancels a call to a procedure that an Autobahn|Python session serves,
   * because Autobahn|JS callees do not announce call_canceling and so are never interrupted.
   */
  @Test
  void autobahnJsUsesTimeoutsCancelingSharedRegistrationsAndTheMetaApi() throws Exception {
    String interruptible = "com.example.adv.interruptible." + suffix();
    List<String> calleeCommand =
        concat(
            Peer.python("advanced_python.py"),
            "callee",
            router.webSocketUrl(),
            "open",
            interruptible);
    try (PeerProcess callee =
        PeerProcess.start(
            calleeCommand, Map.of(), Set.of(), LOG_DIR.resolve("advanced-python-callee.log"))) {
      callee.awaitLine("READY", Duration.ofSeconds(20));

      String output =
          PeerProcess.run(
              concat(
                  node("advanced-js.js"), router.webSocketUrl(), "open", "msgpack", interruptible),
              Map.of(),
              Set.of(),
              LOG_DIR.resolve("advanced-js-msgpack.log"));

      assertThat(output)
          .contains(
              "PASS call timeout in milliseconds",
              "PASS cancel kill, Autobahn|JS callee",
              "PASS cancel kill, Autobahn|Python callee",
              "PASS call timeout, Autobahn|Python callee",
              "PASS shared registration roundrobin",
              "PASS wamp.registration.lookup",
              "PASS wamp.session.on_join and on_leave",
              "PASS wamp.session.count, list, get",
              "PASS wamp.session.kill_by_authid",
              "PASS payload passthru, call",
              "PASS payload passthru, publish");
      assertThat(callee.output())
          .as(
              "advanced-python-callee.log: the router interrupted the Python callee, with mode kill"
                  + " for the CANCEL and killnowait for the timeout")
          .containsPattern("INTERRUPT request=\\d+ mode=kill\\n")
          .containsPattern("INTERRUPT request=\\d+ mode=killnowait\\n");
    }
  }

  /** Autobahn|Python in realm {@code stored}, which keeps events, over CBOR. */
  @Test
  void autobahnPythonUsesTestamentsRetentionHistoryProgressAndSharedRegistrations()
      throws Exception {
    String output =
        PeerProcess.run(
            concat(
                Peer.python("advanced_python.py"),
                "checks",
                router.webSocketUrl(),
                "stored",
                "cbor"),
            Map.of(),
            Set.of(),
            LOG_DIR.resolve("advanced-python-cbor.log"));

    assertThat(output)
        .contains(
            "PASS testament",
            "PASS event retention",
            "PASS event history",
            "PASS progressive call results",
            "PASS shared registration invoke=first");
  }

  /**
   * A callee on a plain socket registers a procedure, then stops reading: no pong, no FIN. Within
   * two ping intervals (and some slack) the router must close its connection and end its session,
   * fail the call in flight to it, and let another session register the procedure.
   */
  @Test
  void aFrozenCalleeIsDroppedWithinTwoPingIntervals() throws Exception {
    String procedure = "com.example.frozen.raw." + suffix();
    try (FrozenCallee frozen = FrozenCallee.register(router.port(), "open", procedure)) {
      long frozenAt = System.nanoTime();

      expectDroppedInTime(procedure, frozen.sessionId(), frozenAt, "the frozen raw callee");

      // What the router sent it meanwhile: the INVOCATION and a ping (neither read), then the end.
      List<String> frames = frozen.drain(Duration.ofSeconds(2));
      System.out.printf("frozen raw callee received: %s%n", frames);
      assertThat(frames)
          .as("frames the router sent the frozen callee")
          .anyMatch(f -> f.startsWith("text [68,"))
          .contains("ping");
      assertThat(frames.getLast())
          .as("how its connection ended")
          .matches("end of stream|reset: .*|close .*");
    }
  }

  /**
   * The same with a real client: an Autobahn|Python callee stopped with SIGSTOP (its kernel still
   * acknowledges TCP, its WebSocket stack no longer answers pings), then continued and ended.
   */
  @Test
  void aStoppedAutobahnPythonCalleeIsDroppedWithinTwoPingIntervals() throws Exception {
    String procedure = "com.example.frozen.python." + suffix();
    Path log = LOG_DIR.resolve("advanced-python-stopped-callee.log");
    Files.createDirectories(LOG_DIR);
    Process python =
        new ProcessBuilder(
                concat(
                    Peer.python("advanced_python.py"),
                    "callee",
                    router.webSocketUrl(),
                    "open",
                    procedure))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      awaitLine(python, log, "READY", Duration.ofSeconds(20));
      long calleeSession = calleeOf(procedure);

      signal(python, "STOP");
      long frozenAt = System.nanoTime();

      expectDroppedInTime(procedure, calleeSession, frozenAt, "the stopped Autobahn|Python callee");
    } finally {
      if (python.isAlive()) {
        signal(python, "CONT");
      }
      python.getOutputStream().close();
      if (!python.waitFor(3, TimeUnit.SECONDS)) {
        python.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * WELCOME.Details.roles: exactly broker and dealer, each with exactly the features the router
   * implements ({@link #BROKER_FEATURES}, {@link #DEALER_FEATURES}), all {@code true}; event
   * retention and history only in a realm that keeps events.
   */
  @Test
  void welcomeAnnouncesExactlyTheImplementedFeatures() throws Exception {
    Set<String> stored =
        Stream.concat(BROKER_FEATURES.stream(), EVENT_STORE_FEATURES.stream())
            .collect(Collectors.toSet());
    for (var realm : Map.of("open", BROKER_FEATURES, "stored", stored).entrySet()) {
      try (JdkWampSession session = JdkWampSession.join(router.webSocketUrl(), realm.getKey())) {
        Map<?, ?> roles = (Map<?, ?>) session.welcomeDetails().get("roles");
        assertThat(roles.keySet().stream().map(String::valueOf).toList())
            .as("realm %s: router roles", realm.getKey())
            .containsOnly("broker", "dealer");
        assertFeatures(realm.getKey(), "broker", roles, realm.getValue());
        assertFeatures(realm.getKey(), "dealer", roles, DEALER_FEATURES);
      }
    }
  }

  private static void assertFeatures(
      String realm, String role, Map<?, ?> roles, Set<String> expected) {
    Map<?, ?> features = (Map<?, ?>) ((Map<?, ?>) roles.get(role)).get("features");
    assertThat(features.keySet().stream().map(String::valueOf).toList())
        .as(
            "realm %s: WELCOME.Details.roles.%s.features (update the expected list in"
                + " AdvancedProfileInteropIT only with an interop check for the feature)",
            realm, role)
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(List.<Object>copyOf(features.values()))
        .as("realm %s: values of %s features", realm, role)
        .containsOnly(Boolean.TRUE);
  }

  /**
   * From {@code frozenAt} on, a new session calls {@code procedure} (whose only callee, session
   * {@code calleeSession}, is frozen) and tries to register it every 100 ms. Within two ping
   * intervals plus {@link #SLACK}: the call gets ERROR wamp.error.canceled, the REGISTER succeeds,
   * and wamp.session.on_leave announces the frozen session. Waits at most 3 s longer, to report how
   * late whatever was late came.
   */
  private static void expectDroppedInTime(
      String procedure, long calleeSession, long frozenAt, String who) throws Exception {
    Duration bound = PING_INTERVAL.multipliedBy(2).plus(SLACK);
    long giveUp = frozenAt + bound.plusSeconds(3).toNanos();
    try (JdkWampSession other = JdkWampSession.join(router.webSocketUrl(), "open")) {
      long onLeave = other.subscribe("wamp.session.on_leave");
      long call = other.call(procedure, List.of("com.example.frozen.started"));
      List<Object> callAnswer = null;
      long answeredAt = 0;
      long registeredAt = 0;
      long leftAt = 0;
      List<String> refusals = new ArrayList<>();
      Predicate<List<Object>> leaveOfCallee =
          m ->
              m.getFirst().equals(JdkWampSession.EVENT)
                  && m.get(1).equals(onLeave)
                  && m.size() > 4
                  && ((List<?>) m.get(4)).getFirst().equals(calleeSession);
      while ((callAnswer == null || registeredAt == 0 || leftAt == 0)
          && System.nanoTime() < giveUp) {
        if (registeredAt == 0) {
          long request = other.register(procedure);
          List<Object> answer =
              other.next(
                  JdkWampSession.answerTo(JdkWampSession.REGISTER, request),
                  Duration.ofSeconds(5),
                  "the answer to REGISTER");
          if (answer.getFirst().equals(JdkWampSession.REGISTERED)) {
            registeredAt = System.nanoTime();
          } else if (refusals.isEmpty()) {
            refusals.add(String.valueOf(answer));
          }
        }
        // About every 100 ms: the CALL's answer and the on_leave event, whichever are still due.
        if (callAnswer == null) {
          callAnswer =
              other.poll(JdkWampSession.answerTo(JdkWampSession.CALL, call), Duration.ofMillis(50));
          answeredAt = callAnswer == null ? 0 : System.nanoTime();
        } else {
          Thread.sleep(50);
        }
        if (leftAt == 0) {
          leftAt = other.poll(leaveOfCallee, Duration.ofMillis(50)) == null ? 0 : System.nanoTime();
        } else {
          Thread.sleep(50);
        }
      }
      System.out.printf(
          "%s (ping interval %s): call answered after %s, procedure registered again after %s,"
              + " on_leave after %s; first REGISTER refused with %s%n",
          who,
          PING_INTERVAL,
          ms(answeredAt, frozenAt),
          ms(registeredAt, frozenAt),
          ms(leftAt, frozenAt),
          refusals);

      if (callAnswer == null) {
        fail(
            "the CALL to %s got no answer within %s: it hangs (%s)",
            who, Duration.ofNanos(giveUp - frozenAt), ms(registeredAt, frozenAt));
      }
      assertThat(callAnswer)
          .as("the answer to the CALL in flight to %s", who)
          .startsWith(JdkWampSession.ERROR, JdkWampSession.CALL, call);
      assertThat(callAnswer.get(4))
          .as("its error URI: %s", callAnswer)
          .isEqualTo("wamp.error.canceled");
      assertThat(registeredAt).as("%s's procedure was registered again", who).isNotZero();
      assertThat(leftAt).as("wamp.session.on_leave for %s", who).isNotZero();
      for (long at : new long[] {answeredAt, registeredAt, leftAt}) {
        assertThat(Duration.ofNanos(at - frozenAt))
            .as("time from the freeze until %s was dropped (see the line above)", who)
            .isLessThanOrEqualTo(bound)
            // Not at once either: it is the keep-alive that finds the dead peer.
            .isGreaterThanOrEqualTo(PING_INTERVAL.minusMillis(500));
      }
    }
  }

  /** The session ID of the only callee of {@code procedure}, from the registration meta API. */
  private static long calleeOf(String procedure) throws Exception {
    try (JdkWampSession asker = JdkWampSession.join(router.webSocketUrl(), "open")) {
      long lookup = asker.call("wamp.registration.lookup", List.of(procedure));
      List<Object> result =
          asker.next(
              JdkWampSession.answerTo(JdkWampSession.CALL, lookup),
              Duration.ofSeconds(5),
              "the result of wamp.registration.lookup");
      assertThat(result.getFirst()).as("lookup: %s", result).isEqualTo(50L);
      Object registration = ((List<?>) result.get(3)).getFirst();
      long listCallees = asker.call("wamp.registration.list_callees", List.of(registration));
      result =
          asker.next(
              JdkWampSession.answerTo(JdkWampSession.CALL, listCallees),
              Duration.ofSeconds(5),
              "the result of wamp.registration.list_callees");
      List<?> callees = (List<?>) ((List<?>) result.get(3)).getFirst();
      assertThat(callees).as("callees of %s", procedure).hasSize(1);
      return ((Number) callees.getFirst()).longValue();
    }
  }

  private static String ms(long at, long from) {
    return at == 0 ? "never" : (at - from) / 1_000_000 + " ms";
  }

  private static void signal(Process process, String signal) throws Exception {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
            .redirectErrorStream(true)
            .start();
    if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException(
          "kill -"
              + signal
              + " "
              + process.pid()
              + " failed: "
              + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private static void awaitLine(Process process, Path log, String line, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.readString(log, StandardCharsets.UTF_8).lines().anyMatch(line::equals)) {
        return;
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(50);
    }
    fail(
        "%s did not print %s within %s\n--- output ---\n%s",
        log.getFileName(), line, timeout, Files.readString(log, StandardCharsets.UTF_8));
  }

  /** A Node program of src/test/node, run as the other Node peers are ({@code -Dinterop.node}). */
  private static List<String> node(String script) {
    Path dir = Path.of(System.getProperty("interop.node.dir", "src/test/node")).toAbsolutePath();
    if (!Files.isDirectory(dir.resolve("../../../node_modules").normalize())) {
      throw new IllegalStateException(
          "node_modules missing: run `npm ci` in interop-tests (the Maven build does)");
    }
    return List.of(System.getProperty("interop.node", "node"), dir.resolve(script).toString());
  }

  private static List<String> concat(List<String> command, String... args) {
    return Stream.concat(command.stream(), Stream.of(args)).toList();
  }

  private static String suffix() {
    byte[] bytes = new byte[4];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(AdvancedProfileInteropIT.class.getResource(name).toURI());
  }
}
