package io.quarkbar.router.guests;

import io.quarkbar.router.support.FreePorts;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Two guests whose readiness the test decides: {@code gate}, a {@link HealthServer} that answers
 * 200 only once the file {@link #GATE} exists, and {@code follower}, which waits for it.
 */
public class GatedGuestsProfile implements QuarkusTestProfile {

  /** Created by the test when {@code gate} is to become ready; absent when the router starts. */
  static final Path GATE =
      Path.of("target", "guests-gate-" + ProcessHandle.current().pid()).toAbsolutePath();

  @Override
  public Map<String, String> getConfigOverrides() {
    try {
      Files.deleteIfExists(GATE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int port = FreePorts.next();
    return Map.of(
        "router.guests.gate.command",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "router.guests.gate.args",
        String.join(
            ",",
            "-cp",
            Path.of("target", "test-classes").toAbsolutePath().toString(),
            HealthServer.class.getName(),
            String.valueOf(port),
            "0",
            GATE.toString()),
        "router.guests.gate.health-url",
        "http://127.0.0.1:" + port + "/health",
        "router.guests.follower.command",
        "sh",
        "router.guests.follower.args",
        "-c,exec sleep 600",
        "router.guests.follower.after",
        "gate");
  }
}
