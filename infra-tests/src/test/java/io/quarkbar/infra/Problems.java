package io.quarkbar.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

/**
 * The mistakes one check finds, collected so that a failing test lists all of them at once, each as
 * a sentence a maintainer can act on.
 */
final class Problems {

  private final List<String> problems = new ArrayList<>();

  /** Records a problem; {@code format} and {@code args} as in {@link String#format}. */
  void add(String format, Object... args) {
    problems.add(String.format(format, args));
  }

  /** Records the problem when {@code condition} does not hold. */
  void check(boolean condition, String format, Object... args) {
    if (!condition) {
      add(format, args);
    }
  }

  /** Fails the test with every recorded problem, one per line. */
  void assertNone() {
    assertThat(problems).as("problems (one per line)").isEmpty();
  }
}
