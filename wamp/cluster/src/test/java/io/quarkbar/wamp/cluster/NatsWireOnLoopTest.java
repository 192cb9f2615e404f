package io.quarkbar.wamp.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.testing.nats.NatsServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The wire's tests again, with the connection read by an event loop once made ({@link LoopWatch})
 * rather than by the wire's own thread, as in a router.
 */
class NatsWireOnLoopTest extends NatsWireTest {

  private final SelectorLoop selectorLoop = new SelectorLoop();

  @Override
  LoopWatch loops() {
    return selectorLoop;
  }

  @Override
  void close() throws Exception {
    super.close();
    selectorLoop.close();
  }

  @Test
  void whatArrivesIsHandledOnTheEventLoop() {
    NatsServer nats = nats();
    List<Thread> handledOn = new CopyOnWriteArrayList<>();
    NatsWire receiver = wire(nats.url());
    receiver.subscribe("t.loop", (s, status, data) -> handledOn.add(Thread.currentThread()));
    receiver.start();
    NatsWire sender = wire(nats.url());
    sender.start();
    Cluster.await("both connected", () -> receiver.isConnected() && sender.isConnected());
    // The handshake's PONG is read before the loop takes over: every message after it on the loop.
    Cluster.await(
        "a message received",
        () -> {
          sender.publish("t.loop", null, new byte[] {1});
          return !handledOn.isEmpty();
        });
    assertThat(handledOn).containsOnly(selectorLoop.thread());
  }

  @Test
  void aWireNoEventLoopTakesReadsOnItsOwnThread() {
    NatsServer nats = nats();
    List<Thread> handledOn = new CopyOnWriteArrayList<>();
    NatsWire receiver =
        new NatsWire(
            nats.url(),
            "test-wire",
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Duration.ofSeconds(2),
            Duration.ofSeconds(5),
            AfterTurn.NONE,
            (ch, ready) -> false);
    open.add(receiver);
    receiver.subscribe("t.own", (s, status, data) -> handledOn.add(Thread.currentThread()));
    receiver.start();
    NatsWire sender = wire(nats.url());
    sender.start();
    Cluster.await("both connected", () -> receiver.isConnected() && sender.isConnected());
    Cluster.await(
        "a message received",
        () -> {
          sender.publish("t.own", null, new byte[] {1});
          return !handledOn.isEmpty();
        });
    assertThat(handledOn).doesNotContain(selectorLoop.thread());
    assertThat(handledOn.getFirst().getName()).isEqualTo("test-wire-calls");
  }
}
