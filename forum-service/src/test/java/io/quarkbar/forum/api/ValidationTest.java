package io.quarkbar.forum.api;

import static io.quarkbar.forum.support.Payloads.id;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad arguments are answered {@code wamp.error.invalid_argument} with a sentence naming the
 * argument, and change nothing.
 */
@QuarkusTest
@WithTestResource(
    value = PostgresTestResource.class,
    initArgs = @ResourceArg(name = "database", value = "forum_test"))
class ValidationTest {

  static final String INVALID = "wamp.error.invalid_argument";

  @Inject Browsers browsers;
  @Inject ForumData data;

  WampTestSession alice;

  @BeforeEach
  void open() {
    data.clear();
    alice = browsers.open();
  }

  @AfterEach
  void close() {
    browsers.closeAll();
  }

  private String invalid(String procedure, Object... args) {
    WampError error = alice.failure(procedure, args);
    assertThat(error.uri()).as(procedure + " " + List.of(args)).isEqualTo(INVALID);
    assertThat(error.args()).hasSize(1);
    return (String) error.args().getFirst();
  }

  @Test
  void aThreadNeedsATitleAndABodyOfTheRightLength() {
    assertThat(invalid("forum.thread.create", "", "Body")).isEqualTo("title must not be blank");
    assertThat(invalid("forum.thread.create", " \t\n ", "Body"))
        .isEqualTo("title must not be blank");
    assertThat(invalid("forum.thread.create", "x".repeat(201), "Body"))
        .isEqualTo("title must be at most 200 characters");
    assertThat(invalid("forum.thread.create", "Title", "")).isEqualTo("body must not be blank");
    assertThat(invalid("forum.thread.create", "Title", "  \n  "))
        .isEqualTo("body must not be blank");
    assertThat(invalid("forum.thread.create", "Title", "x".repeat(10_001)))
        .isEqualTo("body must be at most 10000 characters");
    assertThat(invalid("forum.thread.create", "", "")).contains("title").contains("body");
    assertThat(invalid("forum.thread.create")).contains("title").contains("body");

    assertThat(alice.callForMap("forum.thread.list", 1)).containsEntry("total", 0L);
  }

  @Test
  void theTitleIsTrimmedBeforeItsLengthCounts() {
    String title = "t".repeat(200);

    Map<String, Object> created =
        alice.callForMap("forum.thread.create", "   " + title + "   ", "x".repeat(10_000));

    assertThat(map(created, "thread")).containsEntry("title", title);
    assertThat(((String) map(created, "post").get("body"))).hasSize(10_000);
  }

  @Test
  void repliesAndEditsNeedABodyOfTheRightLength() {
    Map<String, Object> created = alice.callForMap("forum.thread.create", "Title", "Body");
    long thread = id(map(created, "thread"));
    long post = id(map(created, "post"));

    assertThat(invalid("forum.post.create", thread, " ")).isEqualTo("body must not be blank");
    assertThat(invalid("forum.post.create", thread, "x".repeat(10_001)))
        .isEqualTo("body must be at most 10000 characters");
    assertThat(invalid("forum.post.edit", post, "")).isEqualTo("body must not be blank");
    assertThat(invalid("forum.post.edit", post, "x".repeat(10_001)))
        .isEqualTo("body must be at most 10000 characters");
    // PostgreSQL cannot store NUL in text: refused as an argument, not failed as a write.
    assertThat(invalid("forum.post.create", thread, "a\u0000b"))
        .isEqualTo("body must not contain the NUL character");
    assertThat(invalid("forum.thread.create", "a\u0000b", "Body"))
        .isEqualTo("title must not contain the NUL character");

    Map<String, Object> read = alice.callForMap("forum.thread.get", thread, 1);
    assertThat(map(read, "thread")).containsEntry("postCount", 1L);
  }

  @Test
  void pagesAreNumberedFromOne() {
    assertThat(invalid("forum.thread.list", 0)).isEqualTo("page must be 1 or more");
    assertThat(invalid("forum.thread.list", -3)).isEqualTo("page must be 1 or more");
    long thread = id(map(alice.callForMap("forum.thread.create", "Title", "Body"), "thread"));
    assertThat(invalid("forum.thread.get", thread, 0)).isEqualTo("page must be 1 or more");
    assertThat(invalid("forum.thread.list")).contains("page");
  }

  @Test
  void argumentsOfTheWrongTypeAreNamed() {
    assertThat(invalid("forum.thread.list", "first")).contains("argument page ");
    assertThat(invalid("forum.thread.get", "seven", 1)).contains("argument id ");
    assertThat(invalid("forum.post.create", List.of(1), "Body")).contains("argument threadId ");
    assertThat(invalid("forum.thread.create", "Title", Map.of("text", "Body")))
        .contains("argument body ");
    assertThat(invalid("forum.post.edit", 1, "Body", "extra")).contains("2 positional");

    assertThat(alice.callForMap("forum.thread.list", 1)).containsEntry("total", 0L);
  }
}
