package io.quarkbar.router.guests;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Guests with mistakes an operator makes (an {@code after} naming no guest, a program that is not
 * there), beside one good guest, and the router's log in a file ({@link #LOG}).
 */
public class BadGuestsProfile implements QuarkusTestProfile {

  static final Path LOG =
      Path.of("target", "guests-bad-config-" + ProcessHandle.current().pid() + ".log")
          .toAbsolutePath();

  @Override
  public Map<String, String> getConfigOverrides() {
    try {
      Files.deleteIfExists(LOG);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.of(
        "quarkus.log.file.enabled", "true",
        "quarkus.log.file.path", LOG.toString(),
        "router.guests.good.command", "sh",
        "router.guests.good.args", "-c,echo good ran; exec sleep 600",
        "router.guests.web.command", "sh",
        "router.guests.web.after", "good,cache",
        "router.guests.db.command", "no-such-program-anywhere");
  }
}
