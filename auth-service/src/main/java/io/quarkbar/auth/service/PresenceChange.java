package io.quarkbar.auth.service;

import java.time.Instant;

/**
 * A user came online or went offline: the edges of presence, fired as a synchronous CDI event by
 * {@link PresenceTracker} in the order they happen.
 */
public sealed interface PresenceChange {

  /** The user's first session joined; online since {@code since}. */
  record Online(String user, Instant since) implements PresenceChange {}

  /** The user's last session left. */
  record Offline(String user) implements PresenceChange {}
}
