package io.quarkbar.forum.api;

import static io.quarkbar.forum.support.Payloads.id;
import static io.quarkbar.forum.support.Payloads.items;
import static io.quarkbar.forum.support.Payloads.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.forum.support.Browsers;
import io.quarkbar.forum.support.ForumData;
import io.quarkbar.testing.postgres.PostgresTestResource;
import io.quarkbar.testing.wamp.WampTestSession;
import io.quarkbar.wamp.client.core.WampError;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replies, edits and deletes as browsers make them, what subscribers hear of them, and what the
 * thread says afterwards. Alice opens the threads; Bob is another author.
 */
@QuarkusTest
@WithTestResource(
    value = PostgresTestResource.class,
    initArgs = @ResourceArg(name = "database", value = "forum_test"))
class PostsTest {

  @Inject Browsers browsers;
  @Inject ForumData data;

  WampTestSession alice;
  WampTestSession bob;
  WampTestSession watcher;

  @BeforeEach
  void open() {
    data.clear();
    alice = browsers.open();
    bob = browsers.open();
    watcher = browsers.open();
  }

  @AfterEach
  void close() {
    browsers.closeAll();
  }

  /** Alice opens a thread; its ID and its first post's. */
  private long[] aliceOpensAThread() {
    Map<String, Object> created = alice.callForMap("forum.thread.create", "Lunch", "Pizza?");
    return new long[] {id(map(created, "thread")), id(map(created, "post"))};
  }

  private Map<String, Object> thread(long id) {
    return map(watcher.callForMap("forum.thread.get", id, 1), "thread");
  }

  @Test
  void aReplyIsAnsweredPublishedAndCountedInItsThread() {
    long thread = aliceOpensAThread()[0];
    WampTestSession.Events created = watcher.events("forum.post.on_create");

    Map<String, Object> reply = bob.callForMap("forum.post.create", thread, "Sushi!");

    assertThat(reply)
        .containsOnlyKeys("id", "threadId", "author", "body", "createdAt", "editedAt")
        .containsEntry("threadId", thread)
        .containsEntry("author", bob.authid())
        .containsEntry("body", "Sushi!")
        .containsEntry("editedAt", null);
    assertThat(created.next()).isEqualTo(reply);
    assertThat(thread(thread))
        .containsEntry("postCount", 2L)
        .containsEntry("lastPostAt", reply.get("createdAt"));
    assertThat(items(watcher.callForMap("forum.thread.list", 1)).getFirst())
        .containsEntry("id", thread)
        .containsEntry("postCount", 2L);
  }

  @Test
  void anAuthorEditsTheirPostAndSubscribersSeeTheNewBody() {
    long thread = aliceOpensAThread()[0];
    long reply = id(bob.callForMap("forum.post.create", thread, "Sushi!"));
    WampTestSession.Events updated = watcher.events("forum.post.on_update");

    Map<String, Object> edited = bob.callForMap("forum.post.edit", reply, "Sushi, please!");

    assertThat(edited)
        .containsEntry("id", reply)
        .containsEntry("body", "Sushi, please!")
        .containsEntry("author", bob.authid());
    assertThat(edited.get("editedAt")).isNotNull();
    assertThat(updated.next()).isEqualTo(edited);
    assertThat(items(map(watcher.callForMap("forum.thread.get", thread, 1), "posts")).get(1))
        .isEqualTo(edited);
    assertThat(thread(thread)).containsEntry("postCount", 2L);
  }

  @Test
  void anAuthorDeletesTheirReplyAndTheThreadsCountsFollow() {
    long thread = aliceOpensAThread()[0];
    Map<String, Object> first = bob.callForMap("forum.post.create", thread, "Sushi!");
    long second = id(bob.callForMap("forum.post.create", thread, "Or ramen."));
    WampTestSession.Events deleted = watcher.events("forum.post.on_delete");

    Object result = bob.call("forum.post.delete", second);

    assertThat(result).isNull();
    assertThat(deleted.next()).isEqualTo(Map.of("id", second, "threadId", thread));
    assertThat(thread(thread))
        .containsEntry("postCount", 2L)
        .containsEntry("lastPostAt", first.get("createdAt"));
    assertThat(items(map(watcher.callForMap("forum.thread.get", thread, 1), "posts")))
        .extracting(p -> p.get("body"))
        .containsExactly("Pizza?", "Sushi!");
  }

  @Test
  void deletingTheFirstPostDeletesTheThreadWithItsReplies() {
    long[] opened = aliceOpensAThread();
    long reply = id(bob.callForMap("forum.post.create", opened[0], "Sushi!"));
    WampTestSession.Events threadsDeleted = watcher.events("forum.thread.on_delete");
    WampTestSession.Events postsDeleted = watcher.events("forum.post.on_delete");

    alice.call("forum.post.delete", opened[1]);

    assertThat(threadsDeleted.next()).isEqualTo(Map.of("id", opened[0]));
    assertThat(watcher.failure("forum.thread.get", opened[0], 1).uri())
        .isEqualTo("forum.error.not_found");
    assertThat(bob.failure("forum.post.edit", reply, "Still here?").uri())
        .isEqualTo("forum.error.not_found");
    assertThat(watcher.callForMap("forum.thread.list", 1)).containsEntry("total", 0L);
    // The thread's deletion stands for its posts': the next post event is a later change's.
    long other = aliceOpensAThread()[0];
    long later = id(bob.callForMap("forum.post.create", other, "Later"));
    bob.call("forum.post.delete", later);
    assertThat(postsDeleted.next()).containsEntry("id", later);
  }

  @Test
  void someoneElsesPostCannotBeEditedOrDeleted() {
    long[] opened = aliceOpensAThread();
    WampTestSession.Events updated = watcher.events("forum.post.on_update");
    WampTestSession.Events threadsDeleted = watcher.events("forum.thread.on_delete");

    WampError edit = bob.failure("forum.post.edit", opened[1], "Bob was here");
    WampError delete = bob.failure("forum.post.delete", opened[1]);

    assertThat(edit.uri()).isEqualTo("forum.error.forbidden");
    assertThat(edit.args()).containsExactly("Only its author may edit post " + opened[1] + ".");
    assertThat(delete.uri()).isEqualTo("forum.error.forbidden");
    assertThat(delete.args()).containsExactly("Only its author may delete post " + opened[1] + ".");
    Map<String, Object> post =
        items(map(watcher.callForMap("forum.thread.get", opened[0], 1), "posts")).getFirst();
    assertThat(post).containsEntry("body", "Pizza?").containsEntry("editedAt", null);
    // Nothing was published for the refused calls: the next events are Alice's own changes.
    alice.call("forum.post.edit", opened[1], "Pizza at noon?");
    assertThat(updated.next()).containsEntry("body", "Pizza at noon?");
    alice.call("forum.post.delete", opened[1]);
    assertThat(threadsDeleted.next()).isEqualTo(Map.of("id", opened[0]));
  }

  @Test
  void missingThreadsAndPostsAreNotFound() {
    WampError reply = bob.failure("forum.post.create", 424242L, "Hello?");
    WampError edit = bob.failure("forum.post.edit", 424243L, "Hello?");
    WampError delete = bob.failure("forum.post.delete", 424244L);

    assertThat(reply.uri()).isEqualTo("forum.error.not_found");
    assertThat(reply.args()).containsExactly("There is no thread 424242.");
    assertThat(edit.uri()).isEqualTo("forum.error.not_found");
    assertThat(edit.args()).containsExactly("There is no post 424243.");
    assertThat(delete.uri()).isEqualTo("forum.error.not_found");
    assertThat(delete.args()).containsExactly("There is no post 424244.");
  }
}
