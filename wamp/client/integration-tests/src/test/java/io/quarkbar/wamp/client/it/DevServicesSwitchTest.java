package io.quarkbar.wamp.client.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.client.Wamp;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The extension's own switch for its embedded router, {@code quarkbar.wamp.devservices.enabled} (a
 * build-time key, documented in DevServicesBuildConfig), set in the application's configuration:
 * the service must start and work with the router it is given.
 */
@QuarkusTest
@TestProfile(DevServicesSwitchTest.Profile.class)
@ExtendWith(LogsOnFailure.class)
class DevServicesSwitchTest {

  public static class Profile extends RouterServiceProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkbar.wamp.devservices.enabled", "false");
    }
  }

  @Inject Wamp wamp;

  @Test
  void theServiceStartsWithTheEmbeddedRouterSwitchedOff() {
    assertThat(wamp.isReady()).isTrue();
    assertThat(wamp.call("it.app.add", Integer.class, 1, 2).await().atMost(Duration.ofSeconds(5)))
        .isEqualTo(3);
  }
}
