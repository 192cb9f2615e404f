package io.quarkbar.web.http;

import static io.restassured.RestAssured.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Settings with quotes, markup and JavaScript line terminators come through {@code /config.js} as
 * the same strings, and cannot end the script's string or a script element.
 */
@QuarkusTest
@TestProfile(ConfigScriptEscapingTest.HostileRealm.class)
class ConfigScriptEscapingTest {

  static final String REALM = "a\"b'c\\d</script><!--e\u2028f\u2029g&h";

  /** A realm name no one would choose, to see it escaped. */
  public static class HostileRealm implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("web.realm", REALM);
    }
  }

  @Test
  void everyCharacterComesThroughEscaped() {
    String script = get("/config.js").then().statusCode(200).extract().asString();

    assertThat(script)
        .doesNotContain("</script>", "<!--", "\u2028", "\u2029")
        .contains("\\u003c/script\\u003e");
    assertThat(ConfigScriptTest.settings(script).getString("realm")).isEqualTo(REALM);
  }
}
