package io.quarkbar.forum.persistence;

import io.quarkbar.forum.domain.ForumThread;
import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;

/** Threads in PostgreSQL. */
@ApplicationScoped
public class ThreadRepository implements PanacheRepository<ForumThread> {

  private static final Sort BY_ACTIVITY =
      Sort.descending("lastPostAt").and("id", Sort.Direction.Descending);

  /** One page of threads, newest activity first (index {@code thread_by_activity}). */
  public List<ForumThread> byActivity(int pageIndex, int pageSize) {
    return findAll(BY_ACTIVITY).page(pageIndex, pageSize).list();
  }

  /**
   * The thread, its row locked ({@code SELECT ... FOR UPDATE}) until the transaction ends: every
   * change to a thread's posts takes this lock first, so such changes happen one after the other
   * and the thread's counters stay right.
   */
  public Optional<ForumThread> lock(long id) {
    return findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE);
  }

  /** As {@link #lock}, for the thread of post {@code postId}. */
  public Optional<ForumThread> lockThreadOf(long postId) {
    return find("id = (select p.threadId from Post p where p.id = ?1)", postId)
        .withLock(LockModeType.PESSIMISTIC_WRITE)
        .firstResultOptional();
  }
}
