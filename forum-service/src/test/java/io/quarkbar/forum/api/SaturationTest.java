package io.quarkbar.forum.api;

import static io.quarkbar.forum.support.Payloads.id;
import static io.quarkbar.forum.support.Payloads.map;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import io.quarkbar.forum.support.Browsers;
import io.quarkbar.forum.support.ForumData;
import io.quarkbar.testing.postgres.PostgresTestResource;
import io.quarkbar.testing.wamp.WampTestSession;
import io.quarkbar.wamp.client.core.WampError;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Slow database work fills the service up to its bound and no further: while every admitted call
 * waits in PostgreSQL, the next call is refused at once with {@code wamp.error.unavailable}, and
 * the readiness check still gets a connection. The service's own sizes (64 calls, 68 connections)
 * are scaled down here to 4 and 8, keeping their relation.
 *
 * <p>The calls are held the way a benchmark can hold them: a plain JDBC connection of the test
 * locks a thread's row, and replies to that thread wait for the lock.
 */
@QuarkusTest
@TestProfile(SaturationTest.SmallBound.class)
@WithTestResource(
    value = PostgresTestResource.class,
    initArgs = @ResourceArg(name = "database", value = "forum_test"))
class SaturationTest {

  static final int BOUND = 4;

  /** The production sizes scaled down: a pool of the bound plus four. */
  public static class SmallBound implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "quarkbar.wamp.max-concurrent-blocking", String.valueOf(BOUND),
          "quarkus.datasource.jdbc.max-size", String.valueOf(BOUND + 4));
    }
  }

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

  @Test
  void callsBeyondTheBoundAreRefusedAtOnceWhileAdmittedOnesWaitInPostgresql() throws Exception {
    long thread = id(map(alice.callForMap("forum.thread.create", "Busy", "Very"), "thread"));
    List<CompletableFuture<Object>> replies = new ArrayList<>();

    try (Connection holder = connect();
        Connection observer = connect()) {
      holder.setAutoCommit(false);
      lockThread(holder, thread);
      for (int i = 1; i <= BOUND; i++) {
        replies.add(alice.callAsync("forum.post.create", thread, "Reply " + i));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> callsWaitingForALock(observer) == BOUND);

      long start = System.nanoTime();
      WampError refused = alice.failure("forum.thread.list", 1);
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(refused.uri()).isEqualTo("wamp.error.unavailable");
      assertThat(took).isLessThan(Duration.ofSeconds(2));
      given().when().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
      assertThat(replies).noneMatch(CompletableFuture::isDone);
      holder.rollback();
    }

    for (CompletableFuture<Object> reply : replies) {
      assertThat(map(reply.get(20, TimeUnit.SECONDS))).containsEntry("threadId", thread);
    }
    assertThat(map(alice.callForMap("forum.thread.get", thread, 1), "thread"))
        .containsEntry("postCount", (long) BOUND + 1);
  }

  private static Connection connect() throws SQLException {
    Config config = ConfigProvider.getConfig();
    return DriverManager.getConnection(
        config.getValue("quarkus.datasource.jdbc.url", String.class),
        config.getOptionalValue("quarkus.datasource.username", String.class).orElse(null),
        config.getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
  }

  private static void lockThread(Connection c, long thread) throws SQLException {
    try (PreparedStatement lock =
        c.prepareStatement("select id from thread where id = ? for update")) {
      lock.setLong(1, thread);
      lock.executeQuery().close();
    }
  }

  /** Sessions waiting for a lock; asked outside a transaction, which would see one snapshot. */
  private static int callsWaitingForALock(Connection c) throws SQLException {
    try (PreparedStatement count =
            c.prepareStatement(
                "select count(*) from pg_stat_activity"
                    + " where datname = current_database() and wait_event_type = 'Lock'");
        ResultSet rs = count.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
