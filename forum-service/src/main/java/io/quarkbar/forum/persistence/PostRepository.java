package io.quarkbar.forum.persistence;

import io.quarkbar.forum.domain.Post;
import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Posts in PostgreSQL. */
@ApplicationScoped
public class PostRepository implements PanacheRepository<Post> {

  /** One page of a thread's posts, oldest first (index {@code post_by_thread}). */
  public List<Post> ofThread(long threadId, int pageIndex, int pageSize) {
    return find("threadId", Sort.ascending("id"), threadId).page(pageIndex, pageSize).list();
  }

  /** The post, its row locked until the transaction ends, so that an edit and a delete queue. */
  public Optional<Post> lock(long id) {
    return findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE);
  }

  /** The ID of the post that opened the thread: its oldest, the lowest ID. */
  public long firstOf(long threadId) {
    return getEntityManager()
        .createQuery("select min(p.id) from Post p where p.threadId = :thread", Long.class)
        .setParameter("thread", threadId)
        .getSingleResult();
  }

  /** The time of the thread's newest post. */
  public Instant newestOf(long threadId) {
    return getEntityManager()
        .createQuery(
            "select max(p.createdAt) from Post p where p.threadId = :thread", Instant.class)
        .setParameter("thread", threadId)
        .getSingleResult();
  }

  /** Deletes every post of the thread; the number deleted. */
  public long deleteOfThread(long threadId) {
    return delete("threadId", threadId);
  }
}
