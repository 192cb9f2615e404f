package io.quarkbar.router.guests;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The router's readiness covers its guests: DOWN, with each guest's state, while one is not ready
 * (its health URL answers 503, so it stays {@code starting} and the guest after it {@code
 * waiting}); UP once all are.
 */
@QuarkusTest
@TestProfile(GatedGuestsProfile.class)
class GuestsReadinessTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String GUESTS = "checks.find { it.name == 'guests' }";

  @Inject GuestSupervisor supervisor;

  @AfterAll
  static void removeGate() throws IOException {
    Files.deleteIfExists(GatedGuestsProfile.GATE);
  }

  @Test
  void readinessIsDownWhileAGuestIsNotReadyAndUpOnceAllAre() throws IOException {
    await().atMost(WAIT).until(() -> supervisor.states().get("gate") == GuestState.STARTING);

    given()
        .get("/q/health/ready")
        .then()
        .statusCode(503)
        .body("status", equalTo("DOWN"))
        .body(GUESTS + ".status", equalTo("DOWN"))
        .body(GUESTS + ".data.gate", equalTo("starting"))
        .body(GUESTS + ".data.follower", equalTo("waiting"))
        .body("checks.find { it.name == 'wamp-router' }.status", equalTo("UP"));

    Files.createFile(GatedGuestsProfile.GATE);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                given()
                    .get("/q/health/ready")
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("UP"))
                    .body(GUESTS + ".status", equalTo("UP"))
                    .body(GUESTS + ".data.gate", equalTo("ready"))
                    .body(GUESTS + ".data.follower", equalTo("ready")));
  }
}
