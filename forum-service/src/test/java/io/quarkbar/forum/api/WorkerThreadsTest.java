package io.quarkbar.forum.api;

import static io.quarkbar.forum.support.Payloads.id;
import static io.quarkbar.forum.support.Payloads.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.forum.support.Browsers;
import io.quarkbar.forum.support.ForumData;
import io.quarkbar.forum.support.StatementThreads;
import io.quarkbar.testing.postgres.PostgresTestResource;
import io.quarkbar.testing.wamp.WampTestSession;
import io.quarkus.hibernate.orm.PersistenceUnitExtension;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every SQL statement of every procedure runs on a worker thread, never on a Vert.x event loop (the
 * WAMP connection's, or any other): Hibernate ORM hands each statement to a test-only inspector on
 * the thread that runs it.
 */
@QuarkusTest
@WithTestResource(
    value = PostgresTestResource.class,
    initArgs = @ResourceArg(name = "database", value = "forum_test"))
class WorkerThreadsTest {

  @Inject Browsers browsers;
  @Inject ForumData data;
  // The inspector's qualifier is how Hibernate ORM finds it; it is injected with the same.
  @Inject @PersistenceUnitExtension StatementThreads statements;

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

  @Test
  void everyProcedureQueriesPostgresqlFromAWorkerThread() {
    statements.clear();

    Map<String, Object> created = alice.callForMap("forum.thread.create", "Threads", "Which?");
    long thread = id(map(created, "thread"));
    long reply = id(alice.callForMap("forum.post.create", thread, "Workers"));
    alice.call("forum.post.edit", reply, "Worker threads");
    alice.call("forum.thread.list", 1);
    alice.call("forum.thread.get", thread, 1);
    alice.call("forum.post.delete", reply);
    alice.call("forum.post.delete", id(map(created, "post")));

    var seen = statements.seen();
    assertThat(seen)
        .extracting(s -> s.sql().toLowerCase().split(" ")[0])
        .contains("insert", "select", "update", "delete");
    assertThat(seen)
        .allSatisfy(
            s -> {
              assertThat(s.onEventLoop()).as(s.sql() + " on " + s.thread()).isFalse();
              assertThat(s.thread()).as(s.sql()).startsWith("executor-thread-");
            });
  }
}
