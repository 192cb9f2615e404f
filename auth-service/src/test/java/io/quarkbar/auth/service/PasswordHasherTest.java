package io.quarkbar.auth.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Passwords with bcrypt: salted, every character counting, and the same time for nobody. */
class PasswordHasherTest {

  final PasswordHasher hasher = new PasswordHasher(6);

  @Test
  void aHashMatchesItsPasswordOnlyAndIsSalted() {
    String hash = hasher.hash("correct horse battery");

    assertThat(hash).startsWith("$2a$06$").hasSize(60);
    assertThat(hasher.matches("correct horse battery", hash)).isTrue();
    assertThat(hasher.matches("correct horse batterY", hash)).isFalse();
    assertThat(hasher.hash("correct horse battery")).isNotEqualTo(hash);
  }

  @Test
  void charactersBeyondBcryptsSeventyTwoBytesCount() {
    String base = "ä".repeat(40); // 80 bytes in UTF-8
    String hash = hasher.hash(base + "one");

    assertThat(hasher.matches(base + "one", hash)).isTrue();
    assertThat(hasher.matches(base + "two", hash)).isFalse();
  }

  @Test
  void checkingAPasswordForNobodyTakesAsLongAsForSomebody() {
    PasswordHasher slow = new PasswordHasher(10);
    String hash = slow.hash("the real password");

    long somebody = median(() -> slow.matches("a wrong password", hash));
    long nobody = median(() -> slow.matchesNobody("a wrong password"));

    assertThat((double) nobody / somebody).isBetween(0.5, 2.0);
  }

  private static long median(Supplier<Boolean> check) {
    long[] times = new long[5];
    for (int i = 0; i < times.length; i++) {
      long start = System.nanoTime();
      check.get();
      times[i] = System.nanoTime() - start;
    }
    Arrays.sort(times);
    return times[times.length / 2];
  }
}
