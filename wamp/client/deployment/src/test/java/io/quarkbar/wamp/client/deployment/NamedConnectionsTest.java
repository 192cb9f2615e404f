package io.quarkbar.wamp.client.deployment;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;

import io.quarkbar.wamp.client.Wamp;
import io.quarkbar.wamp.client.WampException;
import io.quarkbar.wamp.client.WampProcedure;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A service that joins two realms: a procedure on each, calls through each, one readiness. */
class NamedConnectionsTest {

  @RegisterExtension
  static final QuarkusUnitTest app =
      new QuarkusUnitTest()
          .withApplicationRoot(jar -> jar.addClasses(TwoRealms.class))
          .overrideConfigKey("quarkbar.wamp.realm", "public")
          .overrideConfigKey("quarkbar.wamp.connections.internal.realm", "internal");

  static class TwoRealms {
    @WampProcedure("test.where")
    String publicSide() {
      return "public";
    }

    @WampProcedure(value = "test.where", connection = "internal")
    String internalSide() {
      return "internal";
    }
  }

  @Inject Wamp wamp;

  @Test
  void eachConnectionJoinsItsRealmAndServesItsProcedures() {
    Duration wait = Duration.ofSeconds(5);
    assertThat(wamp.call("test.where", String.class).await().atMost(wait)).isEqualTo("public");
    assertThat(wamp.connection("internal").call("test.where", String.class).await().atMost(wait))
        .isEqualTo("internal");
    assertThatThrownBy(() -> wamp.connection("nowhere"))
        .hasMessageContaining("quarkbar.wamp.connections.nowhere.url");
  }

  @Test
  void readinessReportsEveryConnection() {
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body(
            containsString("\"<default>\""),
            containsString("\"internal\""),
            containsString("ready"));
  }

  @Test
  void aWampExceptionIsWhatACallFailsWith() {
    assertThatThrownBy(
            () ->
                wamp.connection("internal")
                    .call("test.none", String.class)
                    .await()
                    .atMost(Duration.ofSeconds(5)))
        .isInstanceOf(WampException.class);
  }
}
