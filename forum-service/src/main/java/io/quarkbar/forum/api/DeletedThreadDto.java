package io.quarkbar.forum.api;

/** {@code {id}}: the forum.thread.on_delete event. */
public record DeletedThreadDto(long id) {}
