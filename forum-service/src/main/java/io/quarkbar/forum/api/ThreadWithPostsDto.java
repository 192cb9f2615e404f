package io.quarkbar.forum.api;

import io.quarkbar.forum.service.Page;
import io.quarkbar.forum.service.ThreadWithPosts;

/** {@code {thread, posts: Page<Post>}}: the result of forum.thread.get. */
public record ThreadWithPostsDto(ThreadDto thread, Page<PostDto> posts) {

  static ThreadWithPostsDto of(ThreadWithPosts t) {
    return new ThreadWithPostsDto(ThreadDto.of(t.thread()), t.posts().map(PostDto::of));
  }
}
