package io.quarkbar.wamp.router.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;

/**
 * Attackers cannot hurt anyone but themselves. Each input is a {@link Script} for one or more
 * attacker sessions on a router where well-behaved sessions joined before ({@link Arena}); they
 * send raw frames and well-formed messages built from the input. Whatever they send, no exception
 * escapes the transport into the caller's thread, and once they are gone the router holds no
 * session of theirs and the well-behaved sessions call, get results and get events as before.
 *
 * <p>The arena lives from input to input, so that whatever an attacker leaves behind shows; it is
 * built anew after a failure, so that one finding does not spill into the next input. How to run it
 * longer: docs/fuzzing.md.
 */
class RouterFuzzTest {

  private static Arena arena;

  /**
   * Replaying the seeds needs none of Jazzer's hooks, which serve its bug detectors and guide the
   * fuzzer, and applying them to the JDK's classes costs about eight seconds per test JVM: the
   * regression run in the build goes without them, fuzzing keeps them. {@code -Djazzer.hooks} set
   * by hand wins.
   */
  @BeforeAll
  static void hooksOnlyWhenFuzzing() {
    if (!isFuzzing() && System.getProperty("jazzer.hooks") == null) {
      System.setProperty("jazzer.hooks", "false");
    }
  }

  /** What Jazzer takes for fuzzing mode: JAZZER_FUZZ set to 1, true or yes. */
  private static boolean isFuzzing() {
    return Stream.of(System.getenv("JAZZER_FUZZ"), System.getProperty("JAZZER_FUZZ"))
        .anyMatch(
            v -> v != null && List.of("1", "true", "yes").contains(v.toLowerCase(Locale.ROOT)));
  }

  @FuzzTest(maxDuration = "2m")
  void attackers(byte[] input) {
    if (arena == null) {
      arena = new Arena();
    }
    try {
      new Attack(arena, input).run();
      arena.checkUnaffected();
    } catch (Throwable t) {
      arena = null;
      throw t;
    }
  }
}
