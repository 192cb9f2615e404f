package io.quarkbar.router.guests;

import io.quarkbar.router.support.FreePorts;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The router with a set of small real guests, each showing one behaviour, and its log in a file the
 * tests read as an operator would ({@link #LOG}):
 *
 * <ul>
 *   <li>{@code db}: an HTTP server ({@link HealthServer}) ready one second after its start;
 *   <li>{@code web}: one ready at once, which waits for {@code db};
 *   <li>{@code chatty}: writes 200 lines to standard output and 200 to standard error, its working
 *       directory and a variable from its {@code env}, then sleeps;
 *   <li>{@code flaky}: exits with status 3 at once, restarted on failure with a short backoff;
 *   <li>{@code once}: exits with status 4, never restarted;
 *   <li>{@code deaf}: runs, but its health URL never answers: stopped after its start timeout;
 *   <li>{@code polite}: exits on SIGTERM, saying so; {@code stubborn}: ignores SIGTERM.
 * </ul>
 */
public class GuestsProfile implements QuarkusTestProfile {

  /** The router's log, one file per test JVM. */
  static final Path LOG =
      Path.of("target", "guests-test-" + ProcessHandle.current().pid() + ".log").toAbsolutePath();

  static final int CHATTY_LINES = 200;

  private final Map<String, String> config = new HashMap<>();

  @Override
  public Map<String, String> getConfigOverrides() {
    config.put("quarkus.log.file.enabled", "true");
    config.put("quarkus.log.file.path", LOG.toString());
    config.put("quarkus.log.file.format", "%d{HH:mm:ss,SSS} %p [%c] %s%n");

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classes = Path.of("target", "test-classes").toAbsolutePath().toString();
    int dbPort = FreePorts.next();
    int webPort = FreePorts.next();
    guest(
        "db",
        java,
        List.of("-cp", classes, HealthServer.class.getName(), String.valueOf(dbPort), "1000"));
    config.put("router.guests.db.health-url", "http://127.0.0.1:" + dbPort + "/health");
    guest(
        "web",
        java,
        List.of("-cp", classes, HealthServer.class.getName(), String.valueOf(webPort), "0"));
    config.put("router.guests.web.health-url", "http://127.0.0.1:" + webPort + "/health");
    config.put("router.guests.web.after", "db");

    shell(
        "chatty",
        "i=1; while [ $i -le "
            + CHATTY_LINES
            + " ]; do echo \"out $i\"; echo \"err $i\" >&2; i=$((i+1)); done;"
            + " echo \"directory $(pwd)\"; echo \"greeting $GREETING\"; exec sleep 600");
    config.put("router.guests.chatty.working-directory", "target");
    config.put("router.guests.chatty.env.GREETING", "home is ${HOME}");

    shell("flaky", "echo flaky run; exit 3");
    config.put("router.guests.flaky.backoff.initial", "200ms");
    config.put("router.guests.flaky.backoff.max", "800ms");

    shell("once", "echo once ran; exit 4");
    config.put("router.guests.once.restart", "never");

    shell("deaf", "exec sleep 600");
    config.put("router.guests.deaf.health-url", "http://127.0.0.1:" + FreePorts.next() + "/health");
    config.put("router.guests.deaf.start-timeout", "1500ms");
    config.put("router.guests.deaf.restart", "never");

    shell(
        "polite",
        "trap 'echo polite got SIGTERM; exit 0' TERM; echo polite up;"
            + " while :; do sleep 0.1; done");
    config.put("router.guests.polite.stop-timeout", "5s");
    shell("stubborn", "trap '' TERM; echo stubborn up; while :; do sleep 0.1; done");
    config.put("router.guests.stubborn.stop-timeout", "1s");
    return config;
  }

  private void shell(String name, String script) {
    guest(name, "sh", List.of("-c", script));
  }

  private void guest(String name, String command, List<String> args) {
    config.put("router.guests." + name + ".command", command);
    for (int i = 0; i < args.size(); i++) {
      config.put("router.guests." + name + ".args[" + i + "]", args.get(i));
    }
  }
}
