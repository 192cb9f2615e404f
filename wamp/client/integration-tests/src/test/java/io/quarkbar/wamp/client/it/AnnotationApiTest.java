package io.quarkbar.wamp.client.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;

import com.fasterxml.jackson.core.type.TypeReference;
import io.quarkbar.wamp.client.Wamp;
import io.quarkbar.wamp.client.WampException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The annotation API end to end against the packaged router-service: the service's
 * {@code @WampProcedure} and {@code @WampSubscribe} methods ({@link ServiceProcedures}, {@link
 * Inbox}) are registered and subscribed by its default connection (cryptosign, json), and called
 * and published to by its other connections (ticket/cbor, wampcra/msgpack, salted wampcra/json),
 * each another session. A compact set: the full matrix of shapes is tested in
 * wamp/client/deployment.
 */
@QuarkusTest
@TestProfile(RouterServiceProfile.class)
@ExtendWith(LogsOnFailure.class)
class AnnotationApiTest {

  static final Duration WAIT = Duration.ofSeconds(5);

  @Inject Wamp wamp;
  @Inject Inbox inbox;

  private static <T> T await(Uni<T> uni) {
    return uni.await().atMost(WAIT);
  }

  @Test
  void everyConnectionIsReadyAndReadinessSaysSo() {
    assertThat(wamp.isReady()).isTrue();
    for (String name : List.of("ticket", "wampcra", "wampcra-salted")) {
      assertThat(wamp.connection(name).isReady()).as(name).isTrue();
    }
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body(
            containsString("\"<default>\""),
            containsString("\"ticket\""),
            containsString("\"wampcra\""),
            containsString("\"wampcra-salted\""));
  }

  @Test
  void positionalAndKeywordArgumentsAndRecordsRoundTrip() {
    // The service calls itself through the router, and other sessions call it, each serializer.
    assertThat(await(wamp.call("it.app.add", Integer.class, 2, 3))).isEqualTo(5);
    assertThat(await(wamp.connection("ticket").call("it.app.add", Integer.class, 20, 22)))
        .isEqualTo(42);
    assertThat(
            await(
                wamp.connection("wampcra")
                    .call("it.app.greet")
                    .kwargs(Map.of("name", "ann", "greeting", "hi"))
                    .as(String.class)))
        .isEqualTo("hi, ann");
    assertThat(await(wamp.connection("wampcra-salted").call("it.app.greet", String.class, "bob")))
        .isEqualTo("hello, bob");
    assertThat(
            await(
                wamp.connection("ticket")
                    .call("it.app.create")
                    .kwargs(Map.of("title", "T", "body", "B"))
                    .as(Post.class)))
        .isEqualTo(new Post(7, "T", "B"));
    assertThat(await(wamp.call("it.app.create", Post.class, new NewPost("T2", "B2"))))
        .isEqualTo(new Post(7, "T2", "B2"));
  }

  @Test
  void aValidationErrorIsInvalidArgumentWithTheViolations() {
    assertThatThrownBy(() -> await(wamp.connection("wampcra").call("it.app.login", String.class)))
        .isInstanceOfSatisfying(
            WampException.class, e -> assertThat(e.uri()).isEqualTo("wamp.error.invalid_argument"));
    assertThatThrownBy(
            () -> await(wamp.connection("wampcra").call("it.app.login", String.class, "", "short")))
        .isInstanceOfSatisfying(
            WampException.class,
            e -> {
              assertThat(e.uri()).isEqualTo("wamp.error.invalid_argument");
              assertThat(e.getMessage()).contains("username").contains("password");
              assertThat((List<?>) e.kwargs().get("violations")).hasSize(2);
            });
    assertThat(
            await(wamp.connection("wampcra").call("it.app.login", String.class, "ann", "long1234")))
        .isEqualTo("token-for-ann");
  }

  @Test
  void aWampExceptionReachesTheCallerWithItsUriArgumentsAndKeywordArguments() {
    assertThatThrownBy(() -> await(wamp.connection("ticket").call("it.app.refuse", String.class)))
        .isInstanceOfSatisfying(
            WampException.class,
            e -> {
              assertThat(e.uri()).isEqualTo("it.error.refused");
              assertThat(e.args()).containsExactly("no", 2L);
              assertThat(e.kwargs()).containsExactly(Map.entry("why", "because"));
            });
    assertThatThrownBy(() -> await(wamp.connection("ticket").call("it.app.crash", String.class)))
        .isInstanceOfSatisfying(
            WampException.class,
            e -> {
              assertThat(e.uri()).isEqualTo("wamp.error.runtime_error");
              assertThat(e.getMessage()).doesNotContain("secret internals");
            });
  }

  @Test
  void theRoutersErrorsAreWampExceptionsToo() {
    assertThatThrownBy(() -> await(wamp.call("it.app.nobody", String.class)))
        .isInstanceOfSatisfying(
            WampException.class,
            e -> assertThat(e.uri()).isEqualTo("wamp.error.no_such_procedure"));
    // Role service may do anything under it. but nothing under it.admin.
    assertThatThrownBy(() -> await(wamp.call("it.admin.reset", String.class)))
        .isInstanceOfSatisfying(
            WampException.class, e -> assertThat(e.uri()).isEqualTo("wamp.error.not_authorized"));
    assertThatThrownBy(() -> await(wamp.publish("it.admin.news").args("x").send(true)))
        .isInstanceOfSatisfying(
            WampException.class, e -> assertThat(e.uri()).isEqualTo("wamp.error.not_authorized"));
  }

  @Test
  void aMultiSendsProgressiveResultsOrOneList() {
    for (String name : List.of("", "ticket", "wampcra")) {
      Wamp w = name.isEmpty() ? wamp : wamp.connection(name);
      assertThat(
              w.call("it.app.count")
                  .args(3)
                  .progressive(Integer.class)
                  .collect()
                  .asList()
                  .await()
                  .atMost(WAIT))
          .as("progressive, through connection '%s'", name)
          .containsExactly(1, 2, 3);
      assertThat(await(w.call("it.app.count", new TypeReference<List<Integer>>() {}, 3)))
          .as("one list, through connection '%s'", name)
          .containsExactly(1, 2, 3);
    }
  }

  /**
   * A progressive call whose results cannot be read as the type asked for must fail, as {@code
   * as(type)} does, rather than never end: here the final result is a string and the caller asked
   * for integers. (Against jawampa, whose dealer drops {@code receive_progress}, every {@code
   * progressive} call of a {@code Multi} procedure ends like this: see JawampaTest.)
   */
  @Test
  void aProgressiveCallWhoseResultDoesNotConvertFailsInsteadOfHanging() {
    assertThatThrownBy(
            () ->
                wamp.call("it.app.greet")
                    .args("x")
                    .progressive(Integer.class)
                    .collect()
                    .asList()
                    .await()
                    .atMost(WAIT))
        .isInstanceOfSatisfying(
            WampException.class, e -> assertThat(e.uri()).isEqualTo("wamp.error.invalid_argument"));
  }

  @Test
  void eventsReachTheSubscriberWithTheirArgumentsAndThePublisher() throws Exception {
    await(
        wamp.connection("ticket")
            .publish("it.app.inbox")
            .args("hello from ticket")
            .kwargs(Map.of("n", 1))
            .send(true));
    Inbox.Message m =
        inbox.awaitMessage(x -> "hello from ticket".equals(x.text()), WAIT).orElseThrow();
    assertThat(m.n()).isEqualTo(1);
    assertThat(m.topic()).isEqualTo("it.app.inbox");
    // Role service's permission discloses the publisher.
    assertThat(m.publisher()).isPositive();
    assertThat(m.authid()).isEqualTo("ticket-service");
    assertThat(m.authrole()).isEqualTo("service");

    await(
        wamp.connection("wampcra")
            .publish("it.app.posts")
            .kwargs(Map.of("id", 3, "title", "kw", "body", "as a record"))
            .send(true));
    assertThat(inbox.awaitPost(p -> p.id() == 3, WAIT)).contains(new Post(3, "kw", "as a record"));

    // The publisher itself gets its event only when it asks for it.
    await(wamp.publish("it.app.inbox").args("not to me").send(true));
    await(wamp.publish("it.app.inbox").args("to me too").includeMe().send(true));
    assertThat(inbox.awaitMessage(x -> "to me too".equals(x.text()), WAIT)).isPresent();
    assertThat(inbox.messages()).noneMatch(x -> "not to me".equals(x.text()));
  }
}
