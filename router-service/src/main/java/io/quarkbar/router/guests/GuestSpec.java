package io.quarkbar.router.guests;

import io.quarkbar.router.guests.GuestsConfig.RestartPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One guest as the supervisor runs it: its configuration, checked.
 *
 * @param name its name, also the end of its log category {@code io.quarkbar.guests.<name>}
 * @param command the program and its arguments
 * @param directory where it runs; empty: the router's working directory
 * @param env the variables added to the router's environment
 * @param healthUrl answers 2xx once it is ready; empty: ready once started
 * @param after the enabled guests that must be ready before it starts
 * @param startTimeout how long it may take to become ready
 * @param restart when it is started again after it exits
 * @param backoffInitial the first wait before a restart
 * @param backoffMax the longest wait before a restart
 * @param stopTimeout how long it has after SIGTERM before SIGKILL
 */
record GuestSpec(
    String name,
    List<String> command,
    Optional<Path> directory,
    Map<String, String> env,
    Optional<URI> healthUrl,
    List<String> after,
    Duration startTimeout,
    RestartPolicy restart,
    Duration backoffInitial,
    Duration backoffMax,
    Duration stopTimeout) {

  /**
   * The wait before the restart that follows {@code failures} consecutive ones: {@link
   * #backoffInitial()} doubled that many times, at most {@link #backoffMax()}.
   */
  Duration backoff(int failures) {
    Duration delay = backoffInitial;
    for (int i = 0; i < failures && delay.compareTo(backoffMax) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(backoffMax) > 0 ? backoffMax : delay;
  }
}
