package io.quarkbar.forum.api;

import static io.quarkbar.forum.support.Payloads.id;
import static io.quarkbar.forum.support.Payloads.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkbar.forum.support.Browsers;
import io.quarkbar.forum.support.ForumData;
import io.quarkbar.testing.postgres.PostgresTestResource;
import io.quarkbar.testing.wamp.WampTestSession;
import io.quarkbar.wamp.client.InvocationDetails;
import io.quarkbar.wamp.client.WampException;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The author of what is written is the caller the router names, and nobody else. */
@QuarkusTest
@WithTestResource(
    value = PostgresTestResource.class,
    initArgs = @ResourceArg(name = "database", value = "forum_test"))
class AuthorsTest {

  @Inject Browsers browsers;
  @Inject ForumData data;
  @Inject ThreadProcedures threadProcedures;
  @Inject PostProcedures postProcedures;

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
  void theAuthorIsTheCallersAuthid() {
    assertThat(alice.authid()).startsWith("anonymous-").isNotEqualTo(bob.authid());

    Map<String, Object> created = alice.callForMap("forum.thread.create", "Who", "Me");
    Map<String, Object> reply =
        bob.callForMap("forum.post.create", id(map(created, "thread")), "Me too");

    assertThat(map(created, "thread")).containsEntry("author", alice.authid());
    assertThat(map(created, "post")).containsEntry("author", alice.authid());
    assertThat(reply).containsEntry("author", bob.authid());
  }

  @Test
  void aWriteWhoseCallerTheRouterDidNotDiscloseIsRefused() {
    long post = id(map(alice.callForMap("forum.thread.create", "Mine", "Keep out"), "post"));

    // What forum-service would get from a router that does not disclose callers: the embedded
    // router always does, so the procedures are called here as the extension would call them.
    assertThatThrownBy(
            () -> threadProcedures.create("Title", "Body", undisclosed("forum.thread.create")))
        .isInstanceOfSatisfying(
            WampException.class, e -> assertThat(e.uri()).isEqualTo("wamp.error.not_authorized"));
    assertThatThrownBy(() -> postProcedures.delete(post, undisclosed("forum.post.delete")))
        .isInstanceOfSatisfying(
            WampException.class, e -> assertThat(e.uri()).isEqualTo("wamp.error.not_authorized"));

    assertThat(alice.callForMap("forum.thread.list", 1)).containsEntry("total", 1L);
  }

  private static InvocationDetails undisclosed(String procedure) {
    return new InvocationDetails(procedure, 0, null, null, false, Map.of());
  }
}
