package io.quarkbar.wamp.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.testing.nats.NatsServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
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
  @AfterEach
  void close() throws Exception {
    super.close();
    selectorLoop.close();
  }

  @Test
  void whatArrivesIsHandledOnTheEventLoop() {
    // The handshake's PONG is read before the loop takes over: every message after it on the loop.
    NatsServer nats = nats();
    assertThat(threadsHandling(nats, wire(nats.url()))).containsOnly(selectorLoop.thread());
  }

  @Test
  void aWireNoEventLoopTakesReadsOnItsOwnThread() {
    NatsServer nats = nats();
    NatsWire refused =
        wire(
            nats.url(),
            Optional.empty(),
            Optional.empty(),
            Duration.ofSeconds(5),
            (ch, ready) -> false);
    List<Thread> threads = threadsHandling(nats, refused);
    assertThat(threads).doesNotContain(selectorLoop.thread());
    assertThat(threads.getFirst().getName()).isEqualTo("test-wire-calls");
  }

  @Test
  void aLoopThatLetsTheConnectionGoMakesItConnectAgain() {
    NatsServer nats = nats();
    List<Integer> got = new CopyOnWriteArrayList<>();
    // Pings would find a connection nobody reads only after a minute: the loop's word is needed.
    NatsWire receiver =
        wire(nats.url(), Optional.empty(), Optional.empty(), Duration.ofSeconds(60), loops());
    receiver.subscribe(
        "t.error",
        (s, status, data) -> {
          if (data[0] == 0) {
            // Escapes the wire's handling: the loop drops the channel, as Netty's does.
            throw new AssertionError("a receiver that fails badly");
          }
          got.add((int) data[0]);
        });
    NatsWire sender = senderTo(nats, receiver);
    sender.publish("t.error", null, new byte[] {0});
    Cluster.await(
        "messages arrive on a new connection",
        () -> {
          sender.publish("t.error", null, new byte[] {1});
          return !got.isEmpty();
        });
    assertThat(receiver.isConnected()).isTrue();
  }

  /** The threads {@code receiver} handled messages on, once one reached it from {@code nats}. */
  private List<Thread> threadsHandling(NatsServer nats, NatsWire receiver) {
    List<Thread> handledOn = new CopyOnWriteArrayList<>();
    receiver.subscribe("t.thread", (s, status, data) -> handledOn.add(Thread.currentThread()));
    NatsWire sender = senderTo(nats, receiver);
    Cluster.await(
        "a message received",
        () -> {
          sender.publish("t.thread", null, new byte[] {1});
          return !handledOn.isEmpty();
        });
    return handledOn;
  }
}
