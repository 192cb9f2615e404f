package io.quarkbar.web.http;

import static io.restassured.RestAssured.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The page as a browser loads it: the HTML, its scripts and style sheet, each with the security
 * headers; no inline script, since the policy would refuse it.
 */
@QuarkusTest
class PageTest {

  /** What application.properties' %test profile makes of web.router-url. */
  static final String POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
          + " connect-src wss://router.test:8443; base-uri 'none'; form-action 'none';"
          + " frame-ancestors 'none'";

  @Test
  void theRootServesThePageWithTheSecurityHeaders() {
    Response page =
        get("/")
            .then()
            .statusCode(200)
            .contentType(startsWith("text/html"))
            .header("Content-Security-Policy", POLICY)
            .header("X-Content-Type-Options", "nosniff")
            .header("X-Frame-Options", "DENY")
            .header("Referrer-Policy", "no-referrer")
            .header("Cross-Origin-Opener-Policy", "same-origin")
            .body(containsString("<title>Quarkbar forum</title>"))
            .extract()
            .response();

    Matcher scripts =
        Pattern.compile("<script([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(page.asString());
    int count = 0;
    while (scripts.find()) {
      count++;
      assertThat(scripts.group(1)).as("every script is a file").contains("src=");
      assertThat(scripts.group(1)).as("every script from this server").doesNotContain("//");
      assertThat(scripts.group(2)).as("no inline script").isBlank();
    }
    assertThat(count).as("config.js, Autobahn|JS and the app").isEqualTo(3);
    Matcher links = Pattern.compile("<link([^>]*)>").matcher(page.asString());
    while (links.find()) {
      assertThat(links.group(1)).as("style sheets and icons from this server").doesNotContain("//");
    }
  }

  @Test
  void theScriptsAndStylesComeFromThisServerWithTheSameHeaders() {
    for (String path :
        new String[] {
          "/config.js",
          "/vendor/autobahn.min.js",
          "/js/main.js",
          "/js/wamp-session.js",
          "/css/app.css"
        }) {
      get(path)
          .then()
          .statusCode(200)
          .header("Content-Security-Policy", POLICY)
          .header("X-Content-Type-Options", "nosniff");
    }
    get("/js/main.js").then().contentType(containsString("javascript"));
    get("/css/app.css").then().contentType(startsWith("text/css"));
  }

  @Test
  void autobahnIsThePinnedBrowserBuild() {
    get("/vendor/autobahn.min.js").then().statusCode(200).body(containsString("autobahn"));
    get("/vendor/autobahn.LICENSE.txt").then().statusCode(200).body(containsString("MIT"));
  }

  @Test
  void healthIsUp() {
    get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
  }
}
