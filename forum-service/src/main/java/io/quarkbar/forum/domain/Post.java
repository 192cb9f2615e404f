package io.quarkbar.forum.domain;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A post in a thread: the first one opens the thread, the others are replies. It refers to its
 * thread by ID rather than by association: nothing reads a thread through its posts, and the ID is
 * all a post carries on the wire.
 */
@Entity
@Table(name = "post")
public class Post {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  private long threadId;
  private String author;
  private String body;
  private Instant createdAt;
  private Instant editedAt;

  protected Post() {}

  public Post(long threadId, String author, String body, Instant createdAt) {
    this.threadId = threadId;
    this.author = author;
    this.body = body;
    this.createdAt = createdAt;
  }

  /** Replaces the body; {@code editedAt} says when. */
  public void edit(String newBody, Instant at) {
    this.body = newBody;
    this.editedAt = at;
  }

  public boolean isBy(String authid) {
    return author.equals(authid);
  }

  public Long getId() {
    return id;
  }

  public long getThreadId() {
    return threadId;
  }

  public String getAuthor() {
    return author;
  }

  public String getBody() {
    return body;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }

  /** When the body was last replaced; {@code null} until it is. */
  public Instant getEditedAt() {
    return editedAt;
  }
}
