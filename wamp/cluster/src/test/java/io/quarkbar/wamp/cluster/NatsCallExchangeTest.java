package io.quarkbar.wamp.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.router.Router;
import io.quarkbar.wamp.router.broker.EventExchange.NotShared;
import io.quarkbar.wamp.router.config.RouterConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What the call exchange does on its own, over a wire to nodes that never answer. */
class NatsCallExchangeTest {

  /** A connection that takes every message and never brings an answer. */
  static final class SilentWire implements CallWire {
    final AtomicInteger published = new AtomicInteger();

    @Override
    public void subscribe(String subject, Receiver receiver) {}

    @Override
    public void publish(String subject, String replyTo, byte[] body) {
      published.incrementAndGet();
    }

    @Override
    public boolean isConnected() {
      return true;
    }

    @Override
    public String state() {
      return "connected";
    }

    @Override
    public long maxPayload() {
      return 1 << 20;
    }

    @Override
    public void close() {}
  }

  @Test
  void questionsToSilentNodesAreBoundedAndTheOneTooManyIsRefusedAtOnce() throws Exception {
    SilentWire wire = new SilentWire();
    NatsCallExchange calls =
        new NatsCallExchange(
            new Subjects("c", "n1"), "n1", 1, new Router(RouterConfig.openRealm("realm1")), null);
    calls.attach(wire);

    for (int i = 0; i < NatsCallExchange.MAX_QUESTIONS; i++) {
      calls.subscribersOf("n2", "realm1", 7, Duration.ofMinutes(1));
    }
    CompletableFuture<List<Long>> refused =
        calls.subscribersOf("n2", "realm1", 7, Duration.ofMinutes(1));

    assertThat(refused).isCompletedExceptionally();
    assertThat(wire.published).hasValue(NatsCallExchange.MAX_QUESTIONS);
    try {
      refused.get();
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(NotShared.class);
      assertThat(((NotShared) e.getCause()).error())
          .isEqualTo("quarkbar.error.cluster_unavailable");
      assertThat(e.getCause().getMessage()).contains("ask again later");
    }
  }

  @Test
  void aQuestionThatTimesOutMakesRoomForAnother() throws Exception {
    SilentWire wire = new SilentWire();
    NatsCallExchange calls =
        new NatsCallExchange(
            new Subjects("c", "n1"), "n1", 1, new Router(RouterConfig.openRealm("realm1")), null);
    calls.attach(wire);
    CompletableFuture<List<Long>> first = null;
    for (int i = 0; i < NatsCallExchange.MAX_QUESTIONS; i++) {
      CompletableFuture<List<Long>> q =
          calls.subscribersOf("n2", "realm1", 7, Duration.ofMillis(i == 0 ? 50 : 60_000));
      first = first == null ? q : first;
    }
    CompletableFuture<List<Long>> timedOut = first;
    Cluster.await("the first question times out", timedOut::isDone);
    assertThat(timedOut).isCompletedExceptionally();

    assertThat(calls.subscribersOf("n2", "realm1", 7, Duration.ofMinutes(1))).isNotDone();
  }
}
