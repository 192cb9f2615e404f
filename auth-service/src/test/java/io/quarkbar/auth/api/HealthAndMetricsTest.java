package io.quarkbar.auth.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

import io.quarkbar.auth.support.ForumRouter;
import io.quarkbar.auth.support.ForumRouterResource;
import io.quarkbar.auth.support.Users;
import io.quarkbar.testing.postgres.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The service's only HTTP: health for the orchestrator, metrics for Prometheus. */
@QuarkusTest
@WithTestResource(
    value = PostgresTestResource.class,
    initArgs = @ResourceArg(name = "database", value = "auth_test"))
@WithTestResource(ForumRouterResource.class)
class HealthAndMetricsTest {

  ForumRouter router;

  @Test
  void livenessIsUp() {
    given().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
  }

  @Test
  void readinessCoversTheRouterConnectionAndTheDatabase() {
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", is("UP"))
        .body("checks.name", hasItems("wamp-client", "Database connections health check"));
  }

  @Test
  void metricsCountLoginsAndUsersOnline() {
    Users.loggedIn(router, Users.fresh("zoe")).close();

    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("auth_logins_total{"))
        .body(containsString("outcome=\"succeeded\""))
        .body(containsString("auth_users_online"))
        .body(containsString("auth_registrations_total"))
        .body(containsString("auth_tickets_total{"));
  }
}
