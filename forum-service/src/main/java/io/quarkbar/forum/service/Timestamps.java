package io.quarkbar.forum.service;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The time stamps the forum writes. */
final class Timestamps {

  private Timestamps() {}

  /**
   * Now, to the millisecond: what a browser's {@code Date} holds, and a precision PostgreSQL keeps
   * exactly, so a time returned by a write reads back the same later.
   */
  static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }
}
