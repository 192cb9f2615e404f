package io.quarkbar.forum.service;

import io.quarkbar.forum.domain.ForumThread;
import io.quarkbar.forum.domain.Post;

/**
 * A change to the forum, fired as a CDI event inside the transaction that makes it. Observers that
 * tell the world ({@code TransactionPhase.AFTER_SUCCESS}) hear of it only once that transaction has
 * committed, and never when it rolled back.
 */
public sealed interface ForumEvent {

  /** A thread was opened with its first post. */
  record ThreadCreated(ForumThread thread, Post post) implements ForumEvent {}

  /** A thread was deleted with all its posts (its first post was deleted). */
  record ThreadDeleted(long id) implements ForumEvent {}

  /** A reply was written. */
  record PostCreated(Post post) implements ForumEvent {}

  /** A post's body was replaced. */
  record PostEdited(Post post) implements ForumEvent {}

  /** A reply was deleted. */
  record PostDeleted(long id, long threadId) implements ForumEvent {}
}
