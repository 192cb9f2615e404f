package io.quarkbar.wamp.client.deployment;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkbar.wamp.client.Wamp;
import io.quarkbar.wamp.client.WampProcedure;
import io.quarkbar.wamp.client.WampSessionEvent;
import io.quarkbar.wamp.client.deployment.devservices.EmbeddedRouter;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.Closeable;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The router goes away and comes back: readiness goes DOWN, then UP again once the client has
 * reconnected and registered its procedure anew, which then serves each call once; observers hear
 * of the session becoming ready, being lost, and a new one becoming ready.
 */
class ReconnectTest {

  /**
   * The router of this test, shared between the class as JUnit loads it and as Quarkus loads it
   * again: through JDK types kept in the system properties, the only place both see.
   */
  @SuppressWarnings("unchecked")
  static final AtomicReference<Closeable> ROUTER =
      (AtomicReference<Closeable>)
          System.getProperties()
              .computeIfAbsent("quarkbar.test.router", k -> new AtomicReference<Closeable>());

  static final int PORT =
      (Integer)
          System.getProperties().computeIfAbsent("quarkbar.test.router.port", k -> freePort());

  static {
    if (ROUTER.get() == null) {
      ROUTER.set(start());
    }
  }

  @RegisterExtension
  static final QuarkusUnitTest app =
      new QuarkusUnitTest()
          .withApplicationRoot(jar -> jar.addClasses(Counter.class, SessionWatcher.class))
          .overrideRuntimeConfigKey("quarkbar.wamp.url", "ws://127.0.0.1:" + PORT + "/ws")
          .overrideRuntimeConfigKey("quarkbar.wamp.reconnect.max-delay", "500ms")
          .overrideRuntimeConfigKey("quarkbar.wamp.offline-calls", "wait");

  @Singleton
  static class Counter {
    final AtomicInteger calls = new AtomicInteger();

    @WampProcedure("test.count")
    int count() {
      return calls.incrementAndGet();
    }
  }

  /** Records the session events, the synchronous ones and the asynchronous ones apart. */
  @Singleton
  static class SessionWatcher {
    final List<WampSessionEvent> onLoop = new CopyOnWriteArrayList<>();
    final List<WampSessionEvent> onWorker = new CopyOnWriteArrayList<>();

    void sync(@Observes WampSessionEvent event) {
      onLoop.add(event);
    }

    void async(@ObservesAsync WampSessionEvent event) {
      onWorker.add(event);
    }
  }

  @Inject Wamp wamp;
  @Inject Counter counter;
  @Inject SessionWatcher watcher;

  static EmbeddedRouter start() {
    try {
      return EmbeddedRouter.start(List.of("realm1"), PORT);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterAll
  static void stopRouter() throws Exception {
    ROUTER.getAndSet(null).close();
    System.getProperties().remove("quarkbar.test.router");
    System.getProperties().remove("quarkbar.test.router.port");
  }

  @Test
  void afterTheRouterRestartsTheServiceIsReadyAgainWithItsProcedureRegisteredOnce() {
    assertThat(wamp.call("test.count", Integer.class).await().atMost(Duration.ofSeconds(5)))
        .isEqualTo(1);
    readiness(200);

    closeQuietly(ROUTER.get());
    readiness(503);
    ROUTER.set(start());
    readiness(200);

    assertThat(wamp.call("test.count", Integer.class).await().atMost(Duration.ofSeconds(5)))
        .isEqualTo(2);
    assertThat(counter.calls).hasValue(2);

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(watcher.onWorker).hasSize(3));
    assertThat(watcher.onLoop).containsExactlyElementsOf(watcher.onWorker);
    var first = (WampSessionEvent.Ready) watcher.onWorker.get(0);
    var lost = (WampSessionEvent.Lost) watcher.onWorker.get(1);
    var second = (WampSessionEvent.Ready) watcher.onWorker.get(2);
    assertThat(first.connection()).isEmpty();
    assertThat(first.realm()).isEqualTo("realm1");
    assertThat(first.authrole()).isEqualTo("anonymous");
    assertThat(lost.session()).isEqualTo(first.session());
    assertThat(second.session()).isNotZero().isNotEqualTo(first.session());
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void readiness(int status) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int last = -1;
    while (System.nanoTime() < deadline) {
      last = given().get("/q/health/ready").statusCode();
      if (last == status) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    throw new AssertionError("readiness " + last + ", expected " + status);
  }
}
