package io.quarkbar.router.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The session bound: the configured maximum, or what the open-files limit leaves room for. */
class SessionBoundTest {

  @Test
  void theOpenFilesLimitLowersTheConfiguredMaximumAndTheLogSaysWhy() {
    // This machine: 20,000 files per process; a router has about 60 open when it starts.
    SessionBound bound = SessionBound.of(50_000, OptionalLong.of(20_000), 60, 256);

    assertThat(bound.sessions()).isEqualTo(20_000 - 60 - 256);
    assertThat(bound.limitedByFiles()).isTrue();
    assertThat(bound.describe())
        .contains("at most 19684 sessions")
        .contains("may open 20000 files")
        .contains("60 are open")
        .contains("reserved-files keeps 256")
        .contains("ulimit -n");
  }

  @Test
  void aGenerousLimitLeavesTheConfiguredMaximum() {
    SessionBound bound = SessionBound.of(50_000, OptionalLong.of(1_048_576), 60, 256);

    assertThat(bound.sessions()).isEqualTo(50_000);
    assertThat(bound.limitedByFiles()).isFalse();
    assertThat(bound.describe()).isEqualTo("at most 50000 sessions (router.limits.max-sessions)");
  }

  @Test
  void withoutAKnownLimitTheConfigurationDecides() {
    assertThat(SessionBound.of(1_000, OptionalLong.empty(), 0, 256).sessions()).isEqualTo(1_000);
  }

  @Test
  void aLimitSmallerThanTheReserveLeavesNoRoomInsteadOfANegativeBound() {
    assertThat(SessionBound.of(50_000, OptionalLong.of(200), 60, 256).sessions()).isZero();
  }
}
