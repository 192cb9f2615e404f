package io.quarkbar.forum.service;

import io.quarkbar.forum.domain.ForumThread;
import io.quarkbar.forum.domain.Post;
import io.quarkbar.forum.persistence.PostRepository;
import io.quarkbar.forum.persistence.ThreadRepository;
import io.quarkbar.forum.service.ForumEvent.PostCreated;
import io.quarkbar.forum.service.ForumEvent.PostDeleted;
import io.quarkbar.forum.service.ForumEvent.PostEdited;
import io.quarkbar.forum.service.ForumEvent.ThreadDeleted;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

/**
 * Replies, edits and deletes. Each runs in a transaction and fires its {@link ForumEvent} inside
 * it. Locks, always in this order: a thread's row, then a post's. Every change to the set of a
 * thread's posts takes the thread's row first, so such changes queue and its {@code postCount} and
 * {@code lastPostAt} stay right; an edit locks only its post.
 */
@ApplicationScoped
@Transactional
public class PostService {

  /** Longest body, in characters. */
  public static final int BODY_MAX = 10_000;

  @Inject ThreadRepository threads;
  @Inject PostRepository posts;
  @Inject Event<ForumEvent> events;

  /** A reply by {@code author} in thread {@code threadId}. */
  public Post create(String author, long threadId, @Body String body) {
    ForumThread thread =
        threads.lock(threadId).orElseThrow(() -> NotFoundException.thread(threadId));
    Post post = new Post(threadId, author, body, Timestamps.now());
    posts.persist(post);
    thread.postAdded(post.getCreatedAt());
    events.fire(new PostCreated(post));
    return post;
  }

  /** Replaces the body of post {@code id}, which {@code author} must have written. */
  public Post edit(String author, long id, @Body String body) {
    Post post = posts.lock(id).orElseThrow(() -> NotFoundException.post(id));
    if (!post.isBy(author)) {
      throw ForbiddenException.notAuthor(id, "edit");
    }
    post.edit(body, Timestamps.now());
    events.fire(new PostEdited(post));
    return post;
  }

  /**
   * Deletes post {@code id}, which {@code author} must have written; when it opened its thread, the
   * thread goes with all its posts.
   */
  public void delete(String author, long id) {
    ForumThread thread = threads.lockThreadOf(id).orElseThrow(() -> NotFoundException.post(id));
    // Read under the thread's lock: a delete that held it before may have removed the post.
    Post post = posts.findByIdOptional(id).orElseThrow(() -> NotFoundException.post(id));
    if (!post.isBy(author)) {
      throw ForbiddenException.notAuthor(id, "delete");
    }
    long threadId = thread.getId();
    if (id == posts.firstOf(threadId)) {
      posts.deleteOfThread(threadId);
      threads.delete(thread);
      events.fire(new ThreadDeleted(threadId));
    } else {
      posts.delete(post);
      thread.postRemoved(posts.newestOf(threadId));
      events.fire(new PostDeleted(id, threadId));
    }
  }
}
