package io.quarkbar.forum.api;

import io.quarkbar.forum.domain.ForumThread;
import java.time.Instant;

/** {@code Thread} of docs/api.md. */
public record ThreadDto(
    long id, String title, String author, Instant createdAt, Instant lastPostAt, int postCount) {

  static ThreadDto of(ForumThread t) {
    return new ThreadDto(
        t.getId(),
        t.getTitle(),
        t.getAuthor(),
        t.getCreatedAt(),
        t.getLastPostAt(),
        t.getPostCount());
  }
}
