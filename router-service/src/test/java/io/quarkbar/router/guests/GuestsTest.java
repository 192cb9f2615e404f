package io.quarkbar.router.guests;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The router runs the guests of {@link GuestsProfile}, real processes, and the tests read what an
 * operator sees: the router's log and its readiness. The last test stops them, as the router's
 * shutdown does.
 */
@QuarkusTest
@TestProfile(GuestsProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GuestsTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String SUPERVISOR = "[" + GuestSupervisor.class.getName() + "] ";
  private static final Pattern STARTED =
      Pattern.compile(
          "\\["
              + Pattern.quote(GuestSupervisor.class.getName())
              + "] guest (\\S+) started \\(pid (\\d+)\\)");

  @Inject GuestSupervisor supervisor;

  @Test
  @Order(1)
  void aGuestStartsOnlyOnceTheGuestItWaitsForIsReady() {
    await().atMost(WAIT).until(() -> supervisor.states().get("web") == GuestState.READY);

    List<String> log = log();
    int dbReady = indexOf(log, SUPERVISOR + "guest db is ready");
    int webStarted = indexOf(log, SUPERVISOR + "guest web started");
    int routerReady = indexOf(log, "WAMP router ready");
    int guestsStarting = indexOf(log, SUPERVISOR + "starting guests:");
    assertThat(routerReady).isNotNegative().isLessThan(guestsStarting);
    assertThat(dbReady).as("db ready before web starts").isNotNegative().isLessThan(webStarted);
    // db answers 503 for its first second: web waited for that, not only for db's start.
    assertThat(time(log.get(webStarted)))
        .isAfterOrEqualTo(
            time(log.get(indexOf(log, SUPERVISOR + "guest db started"))).plusSeconds(1));
  }

  @Test
  @Order(2)
  void everyLineOfAGuestIsOneRecordOfItsCategoryStdoutAtInfoAndStderrAtWarn() {
    String category = "[io.quarkbar.guests.chatty] ";
    await()
        .atMost(WAIT)
        .until(
            () ->
                log().stream()
                    .anyMatch(
                        l -> l.endsWith(category + "greeting home is " + System.getenv("HOME"))));

    List<String> lines = log().stream().filter(l -> l.contains(category)).toList();
    for (int i = 1; i <= GuestsProfile.CHATTY_LINES; i++) {
      String out = "INFO " + category + "out " + i;
      String err = "WARN " + category + "err " + i;
      assertThat(lines.stream().filter(l -> l.endsWith(out)).count()).as(out).isOne();
      assertThat(lines.stream().filter(l -> l.endsWith(err)).count()).as(err).isOne();
    }
    assertThat(lines)
        .as("no record holds parts of two lines")
        .allMatch(
            l ->
                l.matches(
                    ".* (INFO|WARN) \\Q"
                        + category
                        + "\\E(out|err) \\d+|.*(directory|greeting) .*"));
    assertThat(lines)
        .anyMatch(l -> l.endsWith(category + "directory " + Path.of("target").toAbsolutePath()));
  }

  @Test
  @Order(3)
  void aGuestThatFailsIsRestartedAfterABackoffThatDoublesUpToItsMaximum() {
    String restarting = SUPERVISOR + "guest flaky exited with status 3 after ";
    await()
        .atMost(WAIT)
        .until(() -> log().stream().filter(l -> l.contains(restarting)).count() >= 5);

    List<String> log = log();
    List<String> delays = new ArrayList<>();
    Pattern announced = Pattern.compile("restarting in (\\d+ms) \\(restart: on-failure\\)$");
    for (String line : log) {
      if (line.contains(restarting)) {
        Matcher m = announced.matcher(line);
        assertThat(m.find()).as(line).isTrue();
        delays.add(m.group(1));
      }
    }
    assertThat(delays).startsWith("200ms", "400ms", "800ms", "800ms");

    // Each run starts no sooner than the delay announced after the one before.
    List<LocalTime> runs =
        log.stream()
            .filter(l -> l.endsWith("[io.quarkbar.guests.flaky] flaky run"))
            .map(GuestsTest::time)
            .toList();
    List<LocalTime> exits =
        log.stream().filter(l -> l.contains(restarting)).map(GuestsTest::time).toList();
    for (int i = 0; i < 4; i++) {
      long delay = Long.parseLong(delays.get(i).replace("ms", ""));
      assertThat(Duration.between(exits.get(i), runs.get(i + 1)).toMillis())
          .as("run %d after a backoff of %s", i + 2, delays.get(i))
          .isGreaterThanOrEqualTo(delay);
    }
  }

  @Test
  @Order(4)
  void aGuestWithRestartNeverStaysFailed() {
    await().atMost(WAIT).until(() -> supervisor.states().get("once") == GuestState.FAILED);

    assertThat(log())
        .anyMatch(
            l ->
                l.contains(SUPERVISOR + "guest once exited with status 4 after ")
                    && l.endsWith("; not restarted (restart: never)"));
    // A restart would come after the default backoff (1s): for longer than that, it stays failed
    // and ran once.
    await()
        .during(Duration.ofMillis(1500))
        .atMost(WAIT)
        .until(
            () ->
                supervisor.states().get("once") == GuestState.FAILED
                    && log().stream()
                            .filter(l -> l.endsWith("[io.quarkbar.guests.once] once ran"))
                            .count()
                        == 1);
  }

  @Test
  @Order(5)
  void aGuestNotReadyWithinItsStartTimeoutIsStopped() {
    await().atMost(WAIT).until(() -> supervisor.states().get("deaf") == GuestState.FAILED);

    assertThat(log())
        .anyMatch(l -> l.contains(SUPERVISOR + "guest deaf is not ready within 1.5s"))
        .anyMatch(
            l ->
                l.contains(SUPERVISOR + "guest deaf exited with status 143 after ")
                    && l.contains("stopped for not becoming ready; not restarted"));
  }

  @Test
  @Order(6)
  void readinessListsEveryGuestsStateAndIsDownUntilAllAreReady() {
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(503)
        .body("checks.find { it.name == 'guests' }.status", equalTo("DOWN"))
        .body("checks.find { it.name == 'guests' }.data.db", equalTo("ready"))
        .body("checks.find { it.name == 'guests' }.data.web", equalTo("ready"))
        .body("checks.find { it.name == 'guests' }.data.once", equalTo("failed"))
        .body("checks.find { it.name == 'guests' }.data.stubborn", equalTo("ready"))
        .body("checks.find { it.name == 'wamp-router' }.status", equalTo("UP"));
  }

  @Test
  @Order(7)
  void onShutdownGuestsGetSigtermThenSigkillAfterTheirStopTimeoutDependentsFirst() {
    Map<String, Long> pids = pids();
    long start = System.nanoTime();
    supervisor.stopAll();
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(pids).hasSize(8);
    pids.forEach(
        (guest, pid) ->
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as(guest).isEmpty());
    List<String> log = log();
    assertThat(log).anyMatch(l -> l.endsWith("[io.quarkbar.guests.polite] polite got SIGTERM"));
    assertThat(log)
        .anyMatch(l -> l.contains(SUPERVISOR + "guest polite stopped (status 0)"))
        .anyMatch(
            l ->
                l.contains(
                    SUPERVISOR + "guest stubborn did not stop within 1s of SIGTERM: SIGKILL"))
        .anyMatch(l -> l.contains(SUPERVISOR + "guest stubborn stopped (status 137)"));
    assertThat(indexOf(log, SUPERVISOR + "stopping guest web"))
        .as("web, which waits for db, stops first")
        .isLessThan(indexOf(log, SUPERVISOR + "stopping guest db"));
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(1)).isLessThan(WAIT);
    assertThat(supervisor.states().values())
        .allMatch(s -> s == GuestState.STOPPED || s == GuestState.FAILED);
  }

  /** Each guest's last pid, from the "started" lines of the log. */
  private static Map<String, Long> pids() {
    Map<String, Long> pids = new HashMap<>();
    for (String line : log()) {
      Matcher m = STARTED.matcher(line);
      if (m.find()) {
        pids.put(m.group(1), Long.parseLong(m.group(2)));
      }
    }
    return pids;
  }

  private static List<String> log() {
    try {
      return Files.readAllLines(GuestsProfile.LOG, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int indexOf(List<String> log, String text) {
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i).contains(text)) {
        return i;
      }
    }
    return -1;
  }

  private static LocalTime time(String line) {
    return LocalTime.parse(line.substring(0, 12), DateTimeFormatter.ofPattern("HH:mm:ss,SSS"));
  }
}
