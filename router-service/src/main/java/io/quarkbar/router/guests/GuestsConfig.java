package io.quarkbar.router.guests;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The guest processes the router starts and supervises, under {@code router.guests.<name>}; none
 * unless configured. See {@code docs/guests.md}.
 */
@ConfigMapping(prefix = "router.guests")
public interface GuestsConfig {

  /** The guests, by name: letters, digits, {@code -} and {@code _}. */
  @WithParentName
  Map<String, GuestSettings> guests();

  /** One guest. */
  interface GuestSettings {

    /**
     * Whether the router runs it. A disabled guest is left out, and guests that wait for it start
     * without waiting: for a dependency that is sometimes provided from outside.
     */
    @WithDefault("true")
    boolean enabled();

    /** The program: a path, or a name looked up on the router's {@code PATH}. Required. */
    Optional<String> command();

    /** Its arguments, each passed as is (no shell interprets them). */
    Optional<List<String>> args();

    /** The directory it runs in; absent, the router's. A relative path is the router's too. */
    Optional<String> workingDirectory();

    /**
     * Variables added to the environment it inherits from the router. Give secrets as {@code
     * ${ENV_VAR}} references, so that they stay out of the file.
     */
    Map<String, String> env();

    /**
     * An HTTP URL that answers 2xx once the guest is ready; absent, it is ready as soon as it has
     * started. Polled only until it is ready, after each start.
     */
    Optional<String> healthUrl();

    /** Guests that must be ready before this one starts. */
    Optional<List<String>> after();

    /** How long it may take to become ready; then it is stopped, and restarted per policy. */
    @WithDefault("60s")
    Duration startTimeout();

    /** Whether it is started again when it exits. */
    @WithDefault("on-failure")
    RestartPolicy restart();

    /** The wait before each restart. */
    BackoffSettings backoff();

    /** How long it has to exit after SIGTERM before it gets SIGKILL. */
    @WithDefault("10s")
    Duration stopTimeout();
  }

  /**
   * The wait before a restart: {@code initial}, doubled after each further exit up to {@code max},
   * back to {@code initial} once the guest has run for longer than {@code max}.
   */
  interface BackoffSettings {

    /** The first wait. */
    @WithDefault("1s")
    Duration initial();

    /** The longest wait. */
    @WithDefault("30s")
    Duration max();
  }

  /** When an exited guest is started again. */
  enum RestartPolicy {
    /** Never: it stays stopped (status 0) or failed. */
    NEVER,
    /** When it exits with a status other than 0; one that exits with 0 stays stopped. */
    ON_FAILURE,
    /** Whatever its status. */
    ALWAYS
  }
}
