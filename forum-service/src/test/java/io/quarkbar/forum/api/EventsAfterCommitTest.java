package io.quarkbar.forum.api;

import static io.quarkbar.forum.support.Payloads.id;
import static io.quarkbar.forum.support.Payloads.items;
import static io.quarkbar.forum.support.Payloads.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkbar.forum.domain.Post;
import io.quarkbar.forum.support.Browsers;
import io.quarkbar.forum.support.ForumData;
import io.quarkbar.forum.support.TestTransactions;
import io.quarkbar.testing.postgres.PostgresTestResource;
import io.quarkbar.testing.wamp.WampTestSession;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Events follow commits: a subscriber that reads the change on hearing of it finds it, even when
 * the transaction commits late; a change that is rolled back is never published.
 */
@QuarkusTest
@WithTestResource(
    value = PostgresTestResource.class,
    initArgs = @ResourceArg(name = "database", value = "forum_test"))
class EventsAfterCommitTest {

  @Inject Browsers browsers;
  @Inject ForumData data;
  @Inject TestTransactions transactions;

  WampTestSession alice;
  WampTestSession bob;

  @BeforeEach
  void open() {
    data.clear();
    alice = browsers.open();
    bob = browsers.open();
  }

  @AfterEach
  void close() {
    browsers.closeAll();
  }

  @Test
  void aThreadCanBeReadAsSoonAsItsEventArrives() throws Exception {
    CompletableFuture<Object> readOnEvent = new CompletableFuture<>();
    bob.subscribe(
        "forum.thread.on_create",
        event ->
            bob.callAsync("forum.thread.get", id(map(event, "thread")), 1)
                .whenComplete((r, e) -> complete(readOnEvent, r, e)));

    alice.call("forum.thread.create", "Fresh", "Just written");

    Map<String, Object> read = map(readOnEvent.get(10, TimeUnit.SECONDS));
    assertThat(map(read, "thread")).containsEntry("title", "Fresh");
  }

  @Test
  void aReplyIsPublishedOnlyOnceItsTransactionCommitted() throws Exception {
    long thread = id(map(alice.callForMap("forum.thread.create", "Slow", "Commit"), "thread"));
    CompletableFuture<Object> readOnEvent = new CompletableFuture<>();
    bob.subscribe(
        "forum.post.on_create",
        event ->
            bob.callAsync("forum.thread.get", thread, 1)
                .whenComplete((r, e) -> complete(readOnEvent, r, e)));

    // The reply is written at once, but its transaction commits half a second later; had the
    // event gone out before the commit, Bob's read would not see the reply.
    Post reply =
        transactions.replyAndCommitAfter(Duration.ofMillis(500), alice.authid(), thread, "Late");

    Map<String, Object> read = map(readOnEvent.get(10, TimeUnit.SECONDS));
    assertThat(items(map(read, "posts"))).extracting(p -> p.get("id")).contains(reply.getId());
  }

  @Test
  void aRolledBackReplyIsNeverPublished() {
    long thread = id(map(alice.callForMap("forum.thread.create", "Doomed", "Reply"), "thread"));
    WampTestSession.Events created = bob.events("forum.post.on_create");

    assertThatThrownBy(
            () -> transactions.replyThenBreakAConstraint(alice.authid(), thread, "Rolled back"))
        .isInstanceOf(PersistenceException.class);

    Map<String, Object> read = bob.callForMap("forum.thread.get", thread, 1);
    assertThat(map(read, "thread")).containsEntry("postCount", 1L);
    assertThat(items(map(read, "posts"))).extracting(p -> p.get("body")).containsExactly("Reply");
    // Events come in order: the first Bob hears of is the reply made after the rollback.
    alice.call("forum.post.create", thread, "Committed");
    assertThat(created.next()).containsEntry("body", "Committed");
  }

  private static void complete(CompletableFuture<Object> future, Object result, Throwable error) {
    if (error != null) {
      future.completeExceptionally(error);
    } else {
      future.complete(result);
    }
  }
}
