package io.quarkbar.forum.api;

import static io.quarkbar.forum.support.Payloads.id;
import static io.quarkbar.forum.support.Payloads.items;
import static io.quarkbar.forum.support.Payloads.map;
import static io.quarkbar.forum.support.Payloads.number;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Opening, listing and reading threads, as browsers do it over the router. */
@QuarkusTest
@WithTestResource(
    value = PostgresTestResource.class,
    initArgs = @ResourceArg(name = "database", value = "forum_test"))
class ThreadsTest {

  @Inject Browsers browsers;
  @Inject ForumData data;

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
  void anOpenedThreadIsAnsweredWithItsFirstPostAndPublishedToSubscribers() {
    WampTestSession.Events created = bob.events("forum.thread.on_create");

    Map<String, Object> result =
        alice.callForMap("forum.thread.create", "  Welcome to the forum \n", "Say hello here.");

    Map<String, Object> thread = map(result, "thread");
    Map<String, Object> post = map(result, "post");
    assertThat(result).containsOnlyKeys("thread", "post");
    assertThat(thread)
        .containsOnlyKeys("id", "title", "author", "createdAt", "lastPostAt", "postCount")
        .containsEntry("title", "Welcome to the forum")
        .containsEntry("author", alice.authid())
        .containsEntry("postCount", 1L);
    assertThat(post)
        .containsOnlyKeys("id", "threadId", "author", "body", "createdAt", "editedAt")
        .containsEntry("threadId", thread.get("id"))
        .containsEntry("author", alice.authid())
        .containsEntry("body", "Say hello here.")
        .containsEntry("editedAt", null);
    Instant createdAt = Instant.parse((String) thread.get("createdAt"));
    assertThat(createdAt).isBetween(Instant.now().minusSeconds(60), Instant.now());
    assertThat(thread.get("lastPostAt")).isEqualTo(thread.get("createdAt"));
    assertThat(post.get("createdAt")).isEqualTo(thread.get("createdAt"));

    assertThat(created.next()).isEqualTo(result);
  }

  @Test
  void theListPagesThreadsByNewestActivityWithTheirTotal() throws InterruptedException {
    List<Long> ids = new ArrayList<>();
    for (int i = 1; i <= 25; i++) {
      ids.add(
          id(map(alice.callForMap("forum.thread.create", "Thread " + i, "Post " + i), "thread")));
    }
    // A reply makes thread 3 the most active; the pause keeps its time apart from thread 25's at
    // the millisecond precision of the stored times.
    Thread.sleep(5);
    bob.call("forum.post.create", ids.get(2), "Bumping thread 3");

    Map<String, Object> first = alice.callForMap("forum.thread.list", 1);
    Map<String, Object> second = alice.callForMap("forum.thread.list", 2);
    Map<String, Object> third = alice.callForMap("forum.thread.list", 3);

    assertThat(first).containsOnlyKeys("page", "pageSize", "total", "items");
    assertThat(first)
        .containsEntry("page", 1L)
        .containsEntry("pageSize", 20L)
        .containsEntry("total", 25L);
    assertThat(second).containsEntry("page", 2L).containsEntry("total", 25L);
    assertThat(third).containsEntry("page", 3L).containsEntry("total", 25L);
    assertThat(items(third)).isEmpty();

    List<String> order = new ArrayList<>();
    items(first).forEach(t -> order.add((String) t.get("title")));
    items(second).forEach(t -> order.add((String) t.get("title")));
    List<String> expected = new ArrayList<>(List.of("Thread 3"));
    for (int i = 25; i >= 1; i--) {
      if (i != 3) {
        expected.add("Thread " + i);
      }
    }
    assertThat(items(first)).hasSize(20);
    assertThat(order).isEqualTo(expected);
    assertThat(items(first).getFirst()).containsEntry("postCount", 2L);
  }

  @Test
  void aThreadIsReadWithAPageOfItsPostsOldestFirst() {
    long thread =
        id(map(alice.callForMap("forum.thread.create", "Counting", "Let us count."), "thread"));
    for (int i = 1; i <= 21; i++) {
      bob.call("forum.post.create", thread, "Reply " + i);
    }

    Map<String, Object> first = bob.callForMap("forum.thread.get", thread, 1);
    Map<String, Object> second = bob.callForMap("forum.thread.get", thread, 2);
    Map<String, Object> past = bob.callForMap("forum.thread.get", thread, 3);

    assertThat(first).containsOnlyKeys("thread", "posts");
    assertThat(map(first, "thread")).containsEntry("id", thread).containsEntry("postCount", 22L);
    Map<String, Object> posts = map(first, "posts");
    assertThat(posts)
        .containsEntry("page", 1L)
        .containsEntry("pageSize", 20L)
        .containsEntry("total", 22L);
    assertThat(items(posts)).hasSize(20);
    assertThat(items(posts).getFirst())
        .containsEntry("body", "Let us count.")
        .containsEntry("author", alice.authid());
    assertThat(items(posts).get(19)).containsEntry("body", "Reply 19");
    assertThat(items(map(second, "posts")))
        .extracting(p -> p.get("body"))
        .containsExactly("Reply 20", "Reply 21");
    assertThat(map(past, "posts")).containsEntry("total", 22L);
    assertThat(items(map(past, "posts"))).isEmpty();
    assertThat(map(first, "thread").get("lastPostAt"))
        .isEqualTo(items(map(second, "posts")).getLast().get("createdAt"));
  }

  @Test
  void anUnknownThreadIsNotFound() {
    WampError error = bob.failure("forum.thread.get", 987654321L, 1);

    assertThat(error.uri()).isEqualTo("forum.error.not_found");
    assertThat(error.args()).containsExactly("There is no thread 987654321.");
  }

  @Test
  void anEmptyForumListsNoThreads() {
    Map<String, Object> page = bob.callForMap("forum.thread.list", 1);

    assertThat(page).containsEntry("total", 0L);
    assertThat(items(page)).isEmpty();
    assertThat(number(page, "pageSize")).isEqualTo(20);
  }
}
