package io.quarkbar.forum.domain;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A thread: its title and author, and two values kept from its posts, {@code postCount} and {@code
 * lastPostAt}. They are denormalized (updated in the transaction that adds or removes a post, with
 * the thread's row locked) so that the thread list, ordered by newest activity, reads one index and
 * no posts.
 */
@Entity
@Table(name = "thread")
public class ForumThread {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  private String title;
  private String author;
  private Instant createdAt;
  private Instant lastPostAt;
  private int postCount;

  protected ForumThread() {}

  /** A new thread; its first post is counted already, and {@code createdAt} is that post's time. */
  public ForumThread(String title, String author, Instant createdAt) {
    this.title = title;
    this.author = author;
    this.createdAt = createdAt;
    this.lastPostAt = createdAt;
    this.postCount = 1;
  }

  /** A reply was written at {@code at}. */
  public void postAdded(Instant at) {
    postCount++;
    lastPostAt = at;
  }

  /** A reply was deleted; {@code newestLeft} is the time of the newest post that remains. */
  public void postRemoved(Instant newestLeft) {
    postCount--;
    lastPostAt = newestLeft;
  }

  public Long getId() {
    return id;
  }

  public String getTitle() {
    return title;
  }

  public String getAuthor() {
    return author;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }

  public Instant getLastPostAt() {
    return lastPostAt;
  }

  public int getPostCount() {
    return postCount;
  }
}
