package io.quarkbar.web.http;

import static io.restassured.RestAssured.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

/** {@code /config.js}: the settings of this deployment, as a script that is never cached. */
@QuarkusTest
class ConfigScriptTest {

  static final String PREFIX = "window.QUARKBAR = Object.freeze(";
  static final String SUFFIX = ");\n";

  @Test
  void theScriptGivesTheRouterUrlAndRealm() {
    String script =
        get("/config.js")
            .then()
            .statusCode(200)
            .contentType(startsWith("text/javascript"))
            .header("Cache-Control", "no-store")
            .extract()
            .asString();

    JsonPath settings = settings(script);
    assertThat(settings.getString("routerUrl")).isEqualTo("wss://router.test:8443/ws");
    assertThat(settings.getString("realm")).isEqualTo("forum");
  }

  /** The object literal the script freezes, read as JSON. */
  static JsonPath settings(String script) {
    assertThat(script).startsWith(PREFIX).endsWith(SUFFIX);
    return JsonPath.from(script.substring(PREFIX.length(), script.length() - SUFFIX.length()));
  }
}
