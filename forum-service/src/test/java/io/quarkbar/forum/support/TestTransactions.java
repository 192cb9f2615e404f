package io.quarkbar.forum.support;

import io.quarkbar.forum.domain.Post;
import io.quarkbar.forum.service.PostService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;

/**
 * Test-only: a reply written by {@link PostService} inside a transaction the test shapes, the way a
 * longer unit of work would include it. The service joins this transaction, so its events wait for
 * this transaction's outcome.
 */
@ApplicationScoped
public class TestTransactions {

  @Inject PostService posts;
  @Inject EntityManager em;

  /**
   * Writes a reply, then a statement PostgreSQL refuses (a post in a thread that does not exist):
   * the transaction rolls back, reply included.
   */
  @Transactional
  public void replyThenBreakAConstraint(String author, long threadId, String body) {
    posts.create(author, threadId, body);
    em.createNativeQuery(
            "insert into post (thread_id, author, body, created_at) values (-1, ?1, 'x', now())")
        .setParameter(1, author)
        .executeUpdate();
  }

  /** Writes a reply, then keeps the transaction open for {@code delay} before it commits. */
  @Transactional
  public Post replyAndCommitAfter(Duration delay, String author, long threadId, String body)
      throws InterruptedException {
    Post post = posts.create(author, threadId, body);
    Thread.sleep(delay.toMillis());
    return post;
  }
}
