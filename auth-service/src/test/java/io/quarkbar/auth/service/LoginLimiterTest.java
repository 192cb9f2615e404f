package io.quarkbar.auth.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sliding windows of failed logins, with a clock the test moves. */
class LoginLimiterTest {

  final MutableClock clock = new MutableClock();
  final LoginLimiter limiter = new LoginLimiter(5, 20, Duration.ofMinutes(15), clock);

  @Test
  void theSixthAttemptWithinTheWindowIsRefusedUntilTheFirstFailureAgesOut() {
    for (int i = 0; i < 5; i++) {
      limiter.begin("ann", 0);
      clock.advance(Duration.ofMinutes(1));
    }
    assertThatThrownBy(() -> limiter.begin("ann", 0))
        .isInstanceOfSatisfying(
            AuthException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(AuthException.Reason.TOO_MANY_ATTEMPTS);
              // The first failure was at 12:00; it counts until 12:15.
              assertThat(e.getMessage()).endsWith("try again after 2026-11-30T12:15:01Z");
            });

    clock.advance(Duration.ofMinutes(10)); // 12:15: the first failure has left the window
    assertThatCode(() -> limiter.begin("ann", 0)).doesNotThrowAnyException();
    assertThatThrownBy(() -> limiter.begin("ann", 0)).isInstanceOf(AuthException.class);
  }

  @Test
  void aSuccessIsNoFailureAndClearsTheUsername() {
    for (int i = 0; i < 4; i++) {
      limiter.begin("bob", 7);
    }
    limiter.begin("bob", 7).succeeded();
    for (int i = 0; i < 5; i++) {
      limiter.begin("bob", 7);
    }
    assertThatThrownBy(() -> limiter.begin("bob", 7)).hasMessageContaining("for this username");
  }

  @Test
  void aSessionIsLimitedOverAllUsernames() {
    for (int i = 0; i < 20; i++) {
      limiter.begin("user" + i, 42);
    }
    assertThatThrownBy(() -> limiter.begin("someone", 42))
        .hasMessageContaining("from this session");
    // Refused by the session, the attempt did not count against the username.
    for (int i = 0; i < 5; i++) {
      limiter.begin("someone", 43);
    }
    assertThatThrownBy(() -> limiter.begin("someone", 43))
        .hasMessageContaining("for this username");
  }

  @Test
  void attemptsInFlightCountSoThatParallelGuessesAreLimitedToo() throws Exception {
    List<Thread> threads = new ArrayList<>();
    List<Boolean> allowed = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 50; i++) {
      Thread t =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      limiter.begin("carl", 0); // never finished: as many guesses in flight
                      allowed.add(true);
                    } catch (AuthException e) {
                      allowed.add(false);
                    }
                  });
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(allowed.stream().filter(a -> a)).hasSize(5);
  }
}
