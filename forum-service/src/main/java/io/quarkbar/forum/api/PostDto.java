package io.quarkbar.forum.api;

import io.quarkbar.forum.domain.Post;
import java.time.Instant;

/** {@code Post} of docs/api.md; {@code editedAt} is {@code null} until the post is edited. */
public record PostDto(
    long id, long threadId, String author, String body, Instant createdAt, Instant editedAt) {

  static PostDto of(Post p) {
    return new PostDto(
        p.getId(), p.getThreadId(), p.getAuthor(), p.getBody(), p.getCreatedAt(), p.getEditedAt());
  }
}
