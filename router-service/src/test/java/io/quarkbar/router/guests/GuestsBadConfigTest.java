package io.quarkbar.router.guests;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * A guest configuration with mistakes stops the router at start-up, with status 1 and every mistake
 * named by its key, before any guest runs; not a router that runs half its platform.
 */
@QuarkusMainTest
@TestProfile(BadGuestsProfile.class)
class GuestsBadConfigTest {

  @Test
  @Launch(
      value = {},
      exitCode = 1)
  void theRouterDoesNotStartAndNamesEveryBadKey(LaunchResult result) throws IOException {
    String log =
        (Files.exists(BadGuestsProfile.LOG) ? Files.readString(BadGuestsProfile.LOG) : "")
            + result.getOutput()
            + result.getErrorOutput();

    assertThat(log)
        .contains(
            "invalid guest configuration (see docs/guests.md)",
            "router.guests.web.after: names 'cache', which is not a guest",
            "router.guests.db.command: 'no-such-program-anywhere' is not an executable file on"
                + " the PATH")
        .doesNotContain("starting guests:")
        .doesNotContain("good ran");
  }
}
