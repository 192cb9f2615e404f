package io.quarkbar.forum.api;

/** {@code {id, threadId}}: the forum.post.on_delete event. */
public record DeletedPostDto(long id, long threadId) {}
