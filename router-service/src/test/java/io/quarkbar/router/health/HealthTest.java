package io.quarkbar.router.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The probes an orchestrator polls. */
@QuarkusTest
class HealthTest {

  @Test
  void readyWhileTheRouterAcceptsSessions() {
    given()
        .when()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.name", hasItem("wamp-router"))
        .body("checks.find { it.name == 'wamp-router' }.status", equalTo("UP"));
  }

  @Test
  void live() {
    given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
  }
}
