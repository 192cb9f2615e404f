package io.quarkbar.router.support;

import static io.restassured.RestAssured.given;

import java.time.Duration;

/** What the router's readiness check reports, read over HTTP as an operator would. */
public final class RouterHealth {

  private RouterHealth() {}

  /** Sessions the router holds now, from {@code /q/health/ready}. */
  public static int sessions() {
    return given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .extract()
        .path("checks.find { it.name == 'wamp-router' }.data.sessions");
  }

  /**
   * The session count once it is {@code expected}, or whatever it is after {@code timeout}: a
   * session ends on the router's event loop a moment after its connection closes.
   */
  public static int awaitSessions(int expected, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int now = sessions();
    while (now != expected && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      now = sessions();
    }
    return now;
  }
}
