package io.quarkbar.forum.service;

import io.quarkbar.forum.domain.ForumThread;
import io.quarkbar.forum.domain.Post;
import io.quarkbar.forum.persistence.PostRepository;
import io.quarkbar.forum.persistence.ThreadRepository;
import io.quarkbar.forum.service.ForumEvent.ThreadCreated;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import jakarta.validation.constraints.Min;
import java.time.Instant;
import java.util.List;

/**
 * Threads: the list by newest activity, one thread with a page of its posts, and opening a thread.
 * Reads join a transaction if there is one (SUPPORTS); a write runs in one and fires its {@link
 * ForumEvent} inside it. The arguments' rules are Bean Validation constraints: a violation is
 * {@code wamp.error.invalid_argument} naming the parameter.
 */
@ApplicationScoped
@Transactional
public class ThreadService {

  /** Longest title, in characters, after trimming. */
  public static final int TITLE_MAX = 200;

  @Inject ThreadRepository threads;
  @Inject PostRepository posts;
  @Inject Event<ForumEvent> events;

  /** A page of threads, newest activity first: one query for the page, one for the total. */
  @Transactional(TxType.SUPPORTS)
  public Page<ForumThread> list(@Min(value = 1, message = "must be 1 or more") int page) {
    long total = threads.count();
    if (Page.isPastEnd(page, total)) {
      return Page.empty(page, total);
    }
    return new Page<>(page, Page.SIZE, total, threads.byActivity(page - 1, Page.SIZE));
  }

  /** The thread and a page of its posts, oldest first; its post count is the page's total. */
  @Transactional(TxType.SUPPORTS)
  public ThreadWithPosts get(long id, @Min(value = 1, message = "must be 1 or more") int page) {
    ForumThread thread =
        threads.findByIdOptional(id).orElseThrow(() -> NotFoundException.thread(id));
    long total = thread.getPostCount();
    List<Post> items =
        Page.isPastEnd(page, total) ? List.of() : posts.ofThread(id, page - 1, Page.SIZE);
    return new ThreadWithPosts(thread, new Page<>(page, Page.SIZE, total, items));
  }

  /**
   * Opens a thread by {@code author} with its first post; answers the event it fired, which holds
   * both. The title comes trimmed (its length counts after trimming).
   */
  public ThreadCreated create(String author, @Title String title, @Body String body) {
    Instant now = Timestamps.now();
    ForumThread thread = new ForumThread(title, author, now);
    threads.persist(thread);
    Post first = new Post(thread.getId(), author, body, now);
    posts.persist(first);
    ThreadCreated created = new ThreadCreated(thread, first);
    events.fire(created);
    return created;
  }
}
