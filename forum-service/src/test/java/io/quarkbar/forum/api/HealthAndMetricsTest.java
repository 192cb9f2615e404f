package io.quarkbar.forum.api;

import static io.quarkbar.forum.support.Payloads.id;
import static io.quarkbar.forum.support.Payloads.map;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

import io.quarkbar.forum.support.Browsers;
import io.quarkbar.testing.postgres.PostgresTestResource;
import io.quarkbar.testing.wamp.WampTestSession;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP side, which is only for operators: health checks and Prometheus metrics. */
@QuarkusTest
@WithTestResource(
    value = PostgresTestResource.class,
    initArgs = @ResourceArg(name = "database", value = "forum_test"))
class HealthAndMetricsTest {

  @Inject Browsers browsers;

  @AfterEach
  void close() {
    browsers.closeAll();
  }

  @Test
  void theServiceIsLive() {
    given().when().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
  }

  @Test
  void theServiceIsReadyWithItsRouterAndItsDatabase() {
    given()
        .when()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", is("UP"))
        .body("checks.name", hasItems("wamp-client", "Database connections health check"));
  }

  @Test
  void metricsCountCommittedPostsAndShowTheCallsAndThePool() {
    double threadsBefore = postsCreated(metrics(), "thread");
    double repliesBefore = postsCreated(metrics(), "reply");
    WampTestSession alice = browsers.open();

    long thread = id(map(alice.callForMap("forum.thread.create", "Metrics", "Count me"), "thread"));
    alice.call("forum.post.create", thread, "And me");
    alice.call("forum.post.create", thread, "Me too");

    String metrics = metrics();
    assertThat(postsCreated(metrics, "thread")).isEqualTo(threadsBefore + 1);
    assertThat(postsCreated(metrics, "reply")).isEqualTo(repliesBefore + 2);
    assertThat(metrics)
        .containsPattern("wamp_client_invocations_seconds_count\\{[^}]*forum\\.post\\.create")
        .contains("agroal_active_count")
        .contains("agroal_awaiting_count");
  }

  private static String metrics() {
    return given().when().get("/q/metrics").then().statusCode(200).extract().asString();
  }

  private static double postsCreated(String metrics, String kind) {
    Matcher m =
        Pattern.compile(
                "(?m)^forum_posts_created_total\\{[^}]*kind=\"" + kind + "\"[^}]*\\} (\\S+)$")
            .matcher(metrics);
    assertThat(m.find()).as("forum_posts_created_total{kind=%s} in /q/metrics", kind).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
