package io.quarkbar.wamp.client.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkbar.wamp.client.Wamp;
import io.quarkbar.wamp.client.WampException;
import io.quarkbar.wamp.client.WampProcedure;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The execution model under load: a slow blocking procedure does not hold up other calls, the
 * number of blocking calls in flight is bounded, and cancelling or timing out a call reaches its
 * callee.
 */
class ExecutionTest {

  @RegisterExtension
  static final QuarkusUnitTest app =
      new QuarkusUnitTest()
          .withApplicationRoot(jar -> jar.addClasses(Slow.class))
          .overrideRuntimeConfigKey("quarkbar.wamp.max-concurrent-blocking", "2");

  @Singleton
  static class Slow {
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicBoolean canceled = new AtomicBoolean();

    @WampProcedure("test.slow")
    String slow() throws InterruptedException {
      release.await(10, TimeUnit.SECONDS);
      return "done";
    }

    @WampProcedure("test.quick")
    Uni<String> quick() {
      return Uni.createFrom().item("quick");
    }

    @WampProcedure("test.never")
    Uni<String> never() {
      return Uni.createFrom().<String>nothing().onCancellation().invoke(() -> canceled.set(true));
    }
  }

  @Inject Wamp wamp;
  @Inject Slow slow;

  @Test
  void slowBlockingCallsDoNotHoldUpOthersAndAreBounded() {
    List<Uni<String>> pending = new ArrayList<>();
    List<io.smallrye.mutiny.subscription.Cancellable> started = new ArrayList<>();
    List<String> slowResults = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int i = 0; i < 2; i++) {
      Uni<String> call = wamp.call("test.slow", String.class).memoize().indefinitely();
      started.add(call.subscribe().with(slowResults::add));
      pending.add(call);
    }
    sleep(300);

    // Both workers allowed are busy: a third blocking call is refused at once, not queued.
    assertThatThrownBy(
            () -> wamp.call("test.slow", String.class).await().atMost(Duration.ofSeconds(2)))
        .isInstanceOfSatisfying(
            WampException.class, e -> assertThat(e.uri()).isEqualTo("wamp.error.unavailable"));
    // An event-loop procedure answers meanwhile.
    assertThat(wamp.call("test.quick", String.class).await().atMost(Duration.ofSeconds(2)))
        .isEqualTo("quick");

    slow.release.countDown();
    for (Uni<String> p : pending) {
      assertThat(p.await().atMost(Duration.ofSeconds(5))).isEqualTo("done");
    }
  }

  @Test
  void aCallThatTimesOutAtTheDealerFailsAsTimeoutAndItsCalleeIsCanceled() {
    slow.canceled.set(false);
    assertThatThrownBy(
            () ->
                wamp.call("test.never")
                    .timeout(Duration.ofMillis(300))
                    .as(String.class)
                    .await()
                    .atMost(Duration.ofSeconds(5)))
        .isInstanceOfSatisfying(
            WampException.class, e -> assertThat(e.uri()).isEqualTo("wamp.error.timeout"));
    awaitTrue(slow.canceled);
  }

  @Test
  void cancellingTheUniCancelsTheCall() {
    slow.canceled.set(false);
    var subscription = wamp.call("test.never", String.class).subscribe().with(v -> {});
    sleep(200);

    subscription.cancel();

    awaitTrue(slow.canceled);
  }

  private static void awaitTrue(AtomicBoolean flag) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!flag.get() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(flag).isTrue();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
