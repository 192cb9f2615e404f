package io.quarkbar.router.guests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkbar.router.guests.GuestsConfig.RestartPolicy;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The checks that refuse, at start-up and with every mistake named by its key, a guest
 * configuration the supervisor could not follow; and the start order it derives. The settings go
 * through SmallRye Config as in the application, so the keys are the ones a user writes.
 */
class GuestPlanTest {

  @Test
  void guestsStartAfterThoseTheyWaitForAndOtherwiseByName() {
    GuestPlan plan =
        plan(
            Map.of(
                "router.guests.web.command", "sh",
                "router.guests.web.after", "forum,auth",
                "router.guests.forum.command", "sh",
                "router.guests.forum.after", "db",
                "router.guests.auth.command", "sh",
                "router.guests.auth.after", "db",
                "router.guests.db.command", "sh"));

    assertThat(plan.guests())
        .extracting(GuestSpec::name)
        .containsExactly("db", "auth", "forum", "web");
    assertThat(plan.disabled()).isEmpty();
  }

  @Test
  void everyKeyIsReadWithItsDefault() {
    GuestSpec spec =
        plan(Map.of(
                "router.guests.db.command", "/bin/sh",
                "router.guests.db.args[0]", "-c",
                "router.guests.db.args[1]", "echo a, b; exec sleep 60",
                "router.guests.db.working-directory", "target",
                "router.guests.db.env.GREETING", "${guest.greeting}",
                "router.guests.db.health-url", "http://127.0.0.1:5000/health",
                "guest.greeting", "hello"))
            .guests()
            .getFirst();

    assertThat(spec.command()).containsExactly("/bin/sh", "-c", "echo a, b; exec sleep 60");
    assertThat(spec.directory()).contains(Path.of("target"));
    assertThat(spec.env()).containsExactly(Map.entry("GREETING", "hello"));
    assertThat(spec.healthUrl()).contains(URI.create("http://127.0.0.1:5000/health"));
    assertThat(spec.after()).isEmpty();
    assertThat(spec.startTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(spec.restart()).isEqualTo(RestartPolicy.ON_FAILURE);
    assertThat(spec.backoffInitial()).isEqualTo(Duration.ofSeconds(1));
    assertThat(spec.backoffMax()).isEqualTo(Duration.ofSeconds(30));
    assertThat(spec.stopTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void aDisabledGuestIsLeftOutAndThoseWaitingForItDoNotWait() {
    GuestPlan plan =
        plan(
            Map.of(
                "router.guests.db.command", "sh",
                "router.guests.db.enabled", "false",
                "router.guests.app.command", "sh",
                "router.guests.app.after", "db",
                "router.guests.app.restart", "always"));

    assertThat(plan.guests()).extracting(GuestSpec::name).containsExactly("app");
    assertThat(plan.guests().getFirst().after()).isEmpty();
    assertThat(plan.guests().getFirst().restart()).isEqualTo(RestartPolicy.ALWAYS);
    assertThat(plan.disabled()).containsExactly("db");
  }

  @Test
  void aMissingCommandAndAnUnknownGuestInAfterAreNamed() {
    assertThatThrownBy(
            () ->
                plan(
                    Map.of(
                        "router.guests.app.after", "db,cache",
                        "router.guests.db.command", "sh",
                        "router.guests.web.command", "no-such-program-anywhere",
                        "router.guests.tool.command", "target/no-such-file")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("router.guests.app.command: required: the program to run")
        .hasMessageContaining("router.guests.app.after: names 'cache', which is not a guest")
        .hasMessageContaining(
            "router.guests.web.command: 'no-such-program-anywhere' is not an executable file on"
                + " the PATH")
        .hasMessageContaining(
            "router.guests.tool.command: 'target/no-such-file' is not an executable file");
  }

  @Test
  void aCycleIsRefusedWithItsPath() {
    assertThatThrownBy(
            () ->
                plan(
                    Map.of(
                        "router.guests.a.command", "sh",
                        "router.guests.a.after", "b",
                        "router.guests.b.command", "sh",
                        "router.guests.b.after", "c",
                        "router.guests.c.command", "sh",
                        "router.guests.c.after", "a",
                        "router.guests.d.command", "sh",
                        "router.guests.d.after", "a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "router.guests: the guests wait for each other in a cycle: a → b → c → a");
  }

  @Test
  void aGuestWaitingForItselfIsACycle() {
    assertThatThrownBy(
            () ->
                plan(
                    Map.of(
                        "router.guests.a.command", "sh",
                        "router.guests.a.after", "a")))
        .hasMessageContaining("in a cycle: a → a");
  }

  @Test
  void badValuesAreNamedWithTheirKeys() {
    Map<String, String> properties = new HashMap<>();
    properties.put("router.guests.app.command", "sh");
    properties.put("router.guests.app.working-directory", "no/such/directory");
    properties.put("router.guests.app.health-url", "localhost:8080/health");
    properties.put("router.guests.app.start-timeout", "0s");
    properties.put("router.guests.app.stop-timeout", "0s");
    properties.put("router.guests.app.backoff.initial", "5s");
    properties.put("router.guests.app.backoff.max", "1s");
    properties.put("router.guests.\"a b\".command", "sh");

    assertThatThrownBy(() -> plan(properties))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .contains(
            "router.guests.app.working-directory: no directory",
            "router.guests.app.health-url: 'localhost:8080/health' is not an http:// or https://"
                + " URL",
            "router.guests.app.start-timeout: must be longer than 0",
            "router.guests.app.stop-timeout: must be longer than 0",
            "router.guests.app.backoff.max: must be at least backoff.initial",
            "router.guests.a b: a guest's name may hold letters, digits, - and _ only");
  }

  @Test
  void theBackoffDoublesUpToItsMaximum() {
    GuestSpec spec =
        plan(Map.of(
                "router.guests.a.command", "sh",
                "router.guests.a.backoff.initial", "200ms",
                "router.guests.a.backoff.max", "1s"))
            .guests()
            .getFirst();

    assertThat(List.of(spec.backoff(0), spec.backoff(1), spec.backoff(2), spec.backoff(3)))
        .containsExactly(
            Duration.ofMillis(200),
            Duration.ofMillis(400),
            Duration.ofMillis(800),
            Duration.ofSeconds(1));
    assertThat(spec.backoff(1000)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void noGuestsIsAnEmptyPlan() {
    GuestPlan none = plan(Map.of());

    assertThat(none.guests()).isEmpty();
    assertThat(none.disabled()).isEmpty();
  }

  private static GuestPlan plan(Map<String, String> properties) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            // ${...} expressions, as in the application.
            .addDefaultInterceptors()
            .withMapping(GuestsConfig.class)
            // Durations as Quarkus reads them ("30s"), not only ISO-8601 ("PT30S").
            .withConverter(Duration.class, 100, new DurationConverter())
            .withSources(new PropertiesConfigSource(properties, "test", 500))
            .build();
    return GuestPlan.of(config.getConfigMapping(GuestsConfig.class));
  }
}
