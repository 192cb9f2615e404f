package io.quarkbar.wamp.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkbar.wamp.client.Wamp;
import io.quarkbar.wamp.client.WampException;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the client must do against any WAMP router, checked against routers we did not write ({@link
 * ForeignRouterResource}): the service's default connection registers its procedures and subscribes
 * its topics; its connection {@code other}, another session, calls and publishes to them through
 * that router.
 */
abstract class ForeignRouterContract {

  static final Duration WAIT = Duration.ofSeconds(5);

  @Inject Wamp wamp;
  @Inject Inbox inbox;

  Wamp other() {
    return wamp.connection("other");
  }

  static <T> T await(Uni<T> uni) {
    return uni.await().atMost(WAIT);
  }

  /**
   * Each test starts with both connections ready, so that one that a router (or the client) broke
   * does not fail the next test too: the client reconnects on its own.
   */
  @BeforeEach
  void bothConnectionsReady() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!(wamp.isReady() && other().isReady()) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  @Test
  void theServiceJoinsRegistersAndSubscribes() {
    // READY: joined, every REGISTER and SUBSCRIBE answered with REGISTERED and SUBSCRIBED.
    assertThat(wamp.isReady()).isTrue();
    assertThat(other().isReady()).isTrue();
  }

  @Test
  void callsRoundTrip() {
    assertThat(await(other().call("it.app.add", Integer.class, 2, 3))).isEqualTo(5);
    assertThat(
            await(
                other()
                    .call("it.app.greet")
                    .kwargs(Map.of("name", "ann", "greeting", "hi"))
                    .as(String.class)))
        .isEqualTo("hi, ann");
    assertThat(
            await(
                other()
                    .call("it.app.create")
                    .kwargs(Map.of("title", "T", "body", "B"))
                    .as(Post.class)))
        .isEqualTo(new Post(7, "T", "B"));
  }

  @Test
  void anApplicationErrorReachesTheCaller() {
    assertThatThrownBy(() -> await(other().call("it.app.refuse", String.class)))
        .isInstanceOfSatisfying(WampException.class, this::expectRefused);
  }

  /** What {@code it.app.refuse}'s error looks like to a caller through this router. */
  void expectRefused(WampException e) {
    assertThat(e.uri()).isEqualTo("it.error.refused");
    assertThat(e.args()).containsExactly("no", 2L);
    assertThat(e.kwargs()).containsExactly(Map.entry("why", "because"));
  }

  @Test
  void aCallToNoProcedureFails() {
    assertThatThrownBy(() -> await(other().call("it.app.nobody", String.class)))
        .isInstanceOfSatisfying(
            WampException.class,
            e -> assertThat(e.uri()).isEqualTo("wamp.error.no_such_procedure"));
  }

  @Test
  void eventsRoundTrip() throws Exception {
    String text = "hello through " + getClass().getSimpleName();
    await(other().publish("it.app.inbox").args(text).kwargs(Map.of("n", 1)).send(true));
    Inbox.Message m =
        inbox
            .awaitMessage(x -> text.equals(x.text()), WAIT)
            .orElseThrow(() -> new AssertionError("no event: " + inbox.messages()));
    assertThat(m.n()).isEqualTo(1);
    assertThat(m.topic()).isEqualTo("it.app.inbox");
  }

  @Test
  void anEventWithPositionalArgumentsOnly() throws Exception {
    String text = "args only through " + getClass().getSimpleName();
    await(other().publish("it.app.inbox").args(text).send(true));
    assertThat(inbox.awaitMessage(x -> text.equals(x.text()), WAIT))
        .as("events: %s", inbox.messages())
        .isPresent();
  }

  @Test
  void anEventWithKeywordArgumentsOnly() throws Exception {
    long id = 101;
    await(
        other()
            .publish("it.app.posts")
            .kwargs(Map.of("id", id, "title", "kw", "body", "only"))
            .send(true));
    assertThat(inbox.awaitPost(p -> p.id() == id, WAIT)).contains(new Post(id, "kw", "only"));
  }

  @Test
  void progressiveResults() {
    assertThat(
            other()
                .call("it.app.count")
                .args(3)
                .progressive(Integer.class)
                .collect()
                .asList()
                .await()
                .atMost(WAIT))
        .containsExactly(1, 2, 3);
  }
}
