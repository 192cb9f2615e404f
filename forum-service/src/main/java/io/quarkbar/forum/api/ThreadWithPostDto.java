package io.quarkbar.forum.api;

import io.quarkbar.forum.service.ForumEvent.ThreadCreated;

/**
 * {@code {thread, post}}: the result of forum.thread.create and the forum.thread.on_create event.
 */
public record ThreadWithPostDto(ThreadDto thread, PostDto post) {

  static ThreadWithPostDto of(ThreadCreated created) {
    return new ThreadWithPostDto(ThreadDto.of(created.thread()), PostDto.of(created.post()));
  }
}
