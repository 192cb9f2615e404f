package io.quarkbar.wamp.client.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import io.quarkbar.wamp.client.InvocationDetails;
import io.quarkbar.wamp.client.Wamp;
import io.quarkbar.wamp.client.WampException;
import io.quarkbar.wamp.client.WampProcedure;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The annotation API end to end, against the embedded router of the test profile: every parameter
 * and result shape, where each kind of method runs, validation, and errors both ways. The test
 * calls through the same connection its procedures are registered on.
 */
class ProceduresTest {

  @RegisterExtension
  static final QuarkusUnitTest app =
      new QuarkusUnitTest()
          .withApplicationRoot(jar -> jar.addClasses(Shop.class, Post.class, NewPost.class));

  static final Duration WAIT = Duration.ofSeconds(5);

  record Post(long id, String title, String body) {}

  record NewPost(String title, String body) {}

  static class Shop {

    @WampProcedure("test.add")
    int add(int a, int b) {
      return a + b;
    }

    @WampProcedure("test.greet")
    String greet(String name, String greeting) {
      return (greeting == null ? "hello" : greeting) + ", " + name;
    }

    @WampProcedure("test.create")
    Post create(NewPost post) {
      return new Post(7, post.title(), post.body());
    }

    @WampProcedure("test.list")
    List<Post> list() {
      return List.of(new Post(1, "a", "x"), new Post(2, "b", "y"));
    }

    @WampProcedure("test.find")
    Optional<Post> find(long id) {
      return id == 1 ? Optional.of(new Post(1, "a", "x")) : Optional.empty();
    }

    @WampProcedure("test.nothing")
    void nothing() {}

    @WampProcedure("test.thread.worker")
    String worker() {
      return Thread.currentThread().getName();
    }

    @WampProcedure("test.thread.loop")
    Uni<String> loop() {
      return Uni.createFrom().item(Thread.currentThread().getName());
    }

    @WampProcedure("test.thread.stage")
    CompletionStage<String> stage() {
      return CompletableFuture.completedFuture(Thread.currentThread().getName());
    }

    @RunOnVirtualThread
    @WampProcedure("test.thread.virtual")
    boolean virtual() {
      return Thread.currentThread().isVirtual();
    }

    @WampProcedure("test.login")
    String login(@NotBlank String username, @Size(min = 8) String password) {
      return "token-for-" + username;
    }

    @WampProcedure("test.refuse")
    String refuse() {
      throw new WampException("test.error.refused", List.of("no", 2), Map.of("why", "because"));
    }

    @WampProcedure("test.crash")
    String crash() {
      throw new IllegalStateException("secret internals");
    }

    @WampProcedure("test.who")
    long who(InvocationDetails details) {
      return details.caller();
    }

    @WampProcedure("test.count")
    Multi<Integer> count(int n) {
      return Multi.createFrom().range(1, n + 1);
    }

    @WampProcedure("test.echo.loop")
    Uni<String> echoOnTheLoop(String text) {
      return Uni.createFrom().item(text);
    }

    @WampProcedure("test.echo.worker")
    String echoOnAWorker(String text) {
      return text;
    }
  }

  @Inject Wamp wamp;

  private <T> T await(Uni<T> uni) {
    return uni.await().atMost(WAIT);
  }

  @Test
  void positionalArgumentsFillParametersInOrder() {
    assertThat(await(wamp.call("test.add", Integer.class, 2, 3))).isEqualTo(5);
  }

  @Test
  void keywordArgumentsFillNamedParametersOrARecord() {
    assertThat(
            await(
                wamp.call("test.greet")
                    .kwargs(Map.of("name", "ann", "greeting", "hi"))
                    .as(String.class)))
        .isEqualTo("hi, ann");
    assertThat(await(wamp.call("test.greet").args("bob").as(String.class))).isEqualTo("hello, bob");
    assertThat(
            await(
                wamp.call("test.create").kwargs(Map.of("title", "T", "body", "B")).as(Post.class)))
        .isEqualTo(new Post(7, "T", "B"));
    assertThat(await(wamp.call("test.create", Post.class, new NewPost("T2", "B2"))))
        .isEqualTo(new Post(7, "T2", "B2"));
  }

  @Test
  void resultsComeBackAsTheDeclaredTypes() {
    assertThat(await(wamp.call("test.list", new TypeReference<List<Post>>() {})))
        .containsExactly(new Post(1, "a", "x"), new Post(2, "b", "y"));
    assertThat(await(wamp.call("test.find", new TypeReference<Optional<Post>>() {}, 1)))
        .contains(new Post(1, "a", "x"));
    assertThat(await(wamp.call("test.find", new TypeReference<Optional<Post>>() {}, 2))).isEmpty();
    assertThat(await(wamp.call("test.nothing", Void.class))).isNull();
  }

  @Test
  void eachKindOfMethodRunsWhereItsKindSays() {
    assertThat(await(wamp.call("test.thread.worker", String.class))).doesNotContain("eventloop");
    assertThat(await(wamp.call("test.thread.loop", String.class))).contains("eventloop");
    assertThat(await(wamp.call("test.thread.stage", String.class))).contains("eventloop");
    assertThat(await(wamp.call("test.thread.virtual", Boolean.class))).isTrue();
  }

  /**
   * A message longer than a WebSocket frame goes out in fragments, whether it is written on the
   * event loop or handed to it by another thread (here: the CALL from the test's thread, the YIELDs
   * from the event loop and from a worker); UTF-8 characters may be cut between fragments. 270 KB:
   * more than Vert.x's own limit of 256 KiB, less than the router's 1 MiB the client takes.
   */
  @Test
  void messagesLongerThanAWebSocketFrameArriveWhole() {
    String big = "é".repeat(100_001) + "x".repeat(70_000);
    assertThat(await(wamp.call("test.echo.loop", String.class, big))).isEqualTo(big);
    assertThat(await(wamp.call("test.echo.worker", String.class, big))).isEqualTo(big);
  }

  @Test
  void beanValidationAnswersInvalidArgumentWithTheViolations() {
    assertThatThrownBy(() -> await(wamp.call("test.login", String.class, "", "short")))
        .isInstanceOfSatisfying(
            WampException.class,
            e -> {
              assertThat(e.uri()).isEqualTo("wamp.error.invalid_argument");
              assertThat(e.getMessage()).contains("username").contains("password");
              assertThat((List<?>) e.kwargs().get("violations")).hasSize(2);
            });
    assertThat(await(wamp.call("test.login", String.class, "ann", "long enough")))
        .isEqualTo("token-for-ann");
  }

  @Test
  void argumentsOfTheWrongTypeAreInvalidArgumentNamingTheParameter() {
    assertThatThrownBy(() -> await(wamp.call("test.add", Integer.class, "two", 3)))
        .isInstanceOfSatisfying(
            WampException.class,
            e -> {
              assertThat(e.uri()).isEqualTo("wamp.error.invalid_argument");
              assertThat(e.getMessage()).contains("argument a");
            });
    assertThatThrownBy(() -> await(wamp.call("test.add", Integer.class, 1, 2, 3)))
        .isInstanceOfSatisfying(
            WampException.class, e -> assertThat(e.getMessage()).contains("takes 2 positional"));
  }

  @Test
  void aWampExceptionReachesTheCallerAsItWasThrown() {
    assertThatThrownBy(() -> await(wamp.call("test.refuse", String.class)))
        .isInstanceOfSatisfying(
            WampException.class,
            e -> {
              assertThat(e.uri()).isEqualTo("test.error.refused");
              assertThat(e.args()).containsExactly("no", 2L);
              assertThat(e.kwargs()).containsEntry("why", "because");
            });
  }

  @Test
  void anyOtherExceptionIsAGenericErrorThatTellsNothingOfTheInternals() {
    assertThatThrownBy(() -> await(wamp.call("test.crash", String.class)))
        .isInstanceOfSatisfying(
            WampException.class,
            e -> {
              assertThat(e.uri()).isEqualTo("wamp.error.runtime_error");
              assertThat(e.getMessage()).doesNotContain("secret internals");
            });
  }

  @Test
  void invocationDetailsTellWhoCalls() {
    assertThat(await(wamp.call("test.who", Long.class))).isPositive();
  }

  @Test
  void aMultiSendsProgressiveResultsOrOneListToACallerThatDidNotAskForThem() {
    assertThat(
            wamp.call("test.count")
                .args(3)
                .progressive(Integer.class)
                .collect()
                .asList()
                .await()
                .atMost(WAIT))
        .containsExactly(1, 2, 3);
    assertThat(await(wamp.call("test.count", new TypeReference<List<Integer>>() {}, 3)))
        .containsExactly(1, 2, 3);
  }

  @Test
  void aCallToAProcedureNoOneServesIsNoSuchProcedure() {
    assertThatThrownBy(() -> await(wamp.call("test.nobody", String.class)))
        .isInstanceOfSatisfying(
            WampException.class,
            e -> assertThat(e.uri()).isEqualTo("wamp.error.no_such_procedure"));
  }
}
