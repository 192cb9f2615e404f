package io.quarkbar.auth.api;

import java.time.Instant;

/**
 * {@code Presence} of docs/api.md: a user online since {@code since}; also the argument of {@code
 * forum.presence.on_join}.
 */
public record Presence(String user, Instant since) {}
