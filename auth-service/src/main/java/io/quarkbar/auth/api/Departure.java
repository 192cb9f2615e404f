package io.quarkbar.auth.api;

/** The argument of {@code forum.presence.on_leave}: {@code {user}}. */
public record Departure(String user) {}
