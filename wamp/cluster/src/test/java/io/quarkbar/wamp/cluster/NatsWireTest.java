package io.quarkbar.wamp.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkbar.testing.nats.NatsServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection calls between nodes travel on ({@link NatsWire}), against a private nats-server:
 * what one thread publishes arrives whole and in order, large or small; a request nobody takes
 * comes back as "no responders"; a server restart is reconnected with the subscriptions restored;
 * credentials; the server's max_payload.
 */
class NatsWireTest {

  final List<AutoCloseable> open = new ArrayList<>();

  /** A one-thread event loop for the wires' end-of-turn writes. */
  private final ExecutorService loop = Executors.newSingleThreadExecutor();

  private Thread loopThread;

  private final AfterTurn afterTurn =
      task -> {
        if (Thread.currentThread() != loopThread) {
          return false;
        }
        loop.execute(task);
        return true;
      };

  /** Where the wires are read once connected: here their own thread. */
  LoopWatch loops() {
    return LoopWatch.NONE;
  }

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    loop.shutdownNow();
  }

  @Test
  void anEventLoopsPublicationsGoOutAtTheEndOfItsTurn() throws Exception {
    loopThread = loop.submit(Thread::currentThread).get();
    NatsServer nats = nats();
    List<String> got = new CopyOnWriteArrayList<>();
    NatsWire receiver = wire(nats.url());
    receiver.subscribe("t.turn", (s, status, data) -> got.add(new String(data)));
    NatsWire sender = senderTo(nats, receiver);

    // One turn of the loop publishes 100 messages, then takes its time before it ends.
    loop.submit(
            () -> {
              for (int i = 0; i < 100; i++) {
                sender.publish("t.turn", null, ("in the turn " + i).getBytes());
              }
              sleep(300);
              assertThat(got).as("received before the turn ended").isEmpty();
            })
        .get();
    Cluster.await("the turn's messages", () -> got.size() == 100);
    // A thread that is no event loop writes at once.
    sender.publish("t.turn", null, "from elsewhere".getBytes());
    Cluster.await("the other thread's message", () -> got.size() == 101);

    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      expected.add("in the turn " + i);
    }
    expected.add("from elsewhere");
    assertThat(got).containsExactlyElementsOf(expected);
  }

  NatsServer nats(String... options) {
    NatsServer server = NatsServer.start(Path.of("target", "nats"), List.of(options));
    open.add(server);
    return server;
  }

  private NatsWire wire(String url, Optional<String> user, Optional<String> password) {
    return wire(url, user, password, Duration.ofSeconds(5), loops());
  }

  /** A wire that takes the connection for broken when a PING waits {@code staleAfter}. */
  NatsWire wire(
      String url,
      Optional<String> user,
      Optional<String> password,
      Duration staleAfter,
      LoopWatch loops) {
    NatsWire wire =
        new NatsWire(
            url,
            "test-wire",
            user,
            password,
            Optional.empty(),
            Duration.ofSeconds(2),
            staleAfter,
            afterTurn,
            loops);
    open.add(wire);
    return wire;
  }

  /**
   * Starts {@code receiver} and a wire that sends to it, once both are connected to {@code nats}.
   */
  NatsWire senderTo(NatsServer nats, NatsWire receiver) {
    receiver.start();
    NatsWire sender = wire(nats.url());
    sender.start();
    Cluster.await("both connected", () -> receiver.isConnected() && sender.isConnected());
    return sender;
  }

  NatsWire wire(String url) {
    return wire(url, Optional.empty(), Optional.empty());
  }

  private record Received(String subject, int status, byte[] data) {}

  @Test
  void messagesArriveWholeAndInOrderWhateverTheirSize() {
    NatsServer nats = nats();
    List<Received> got = new CopyOnWriteArrayList<>();
    NatsWire receiver = wire(nats.url());
    receiver.subscribe("t.in.>", (s, status, data) -> got.add(new Received(s, status, data)));
    NatsWire sender = senderTo(nats, receiver);
    // A subscription is in place once the server answered the handshake's PING.
    assertThat(sender.maxPayload()).as("the server's max_payload").isEqualTo(1024 * 1024);

    byte[] large = new byte[700_000];
    Arrays.fill(large, (byte) 'x');
    int count = 5_000;
    for (int i = 0; i < count; i++) {
      byte[] body = i % 1000 == 500 ? large : ("message " + i).getBytes(StandardCharsets.UTF_8);
      sender.publish("t.in." + (i % 3), null, body);
    }
    sender.publish("t.other", null, new byte[] {1});
    Cluster.await("every message received", () -> got.size() >= count);

    assertThat(got).hasSize(count);
    for (int i = 0; i < count; i++) {
      Received r = got.get(i);
      assertThat(r.subject()).isEqualTo("t.in." + (i % 3));
      assertThat(r.status()).isZero();
      if (i % 1000 == 500) {
        assertThat(r.data()).as("message %d", i).isEqualTo(large);
      } else {
        assertThat(new String(r.data(), StandardCharsets.UTF_8)).isEqualTo("message " + i);
      }
    }
  }

  @Test
  void aRequestNobodyTakesComesBackAsNoResponders() {
    NatsServer nats = nats();
    List<Received> replies = new CopyOnWriteArrayList<>();
    NatsWire wire = wire(nats.url());
    wire.subscribe("t.replies.>", (s, status, data) -> replies.add(new Received(s, status, data)));
    wire.start();
    Cluster.await("connected", wire::isConnected);

    wire.publish("t.nobody", "t.replies.42", new byte[] {1, 2, 3});

    Cluster.await("an answer", () -> !replies.isEmpty());
    assertThat(replies.get(0).subject()).isEqualTo("t.replies.42");
    assertThat(replies.get(0).status()).isEqualTo(CallWire.NO_RESPONDERS);
  }

  @Test
  void aRestartedServerIsReconnectedWithItsSubscriptions() {
    NatsServer nats = nats();
    List<String> got = new CopyOnWriteArrayList<>();
    NatsWire receiver = wire(nats.url());
    receiver.subscribe("t.x", (s, status, data) -> got.add(new String(data)));
    NatsWire sender = senderTo(nats, receiver);

    nats.stop();
    Cluster.await("the loss noticed", () -> !sender.isConnected());
    assertThatThrownBy(() -> sender.publish("t.x", null, "lost".getBytes()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("reconnecting");

    nats.startAgain();
    Cluster.await("both connected again", () -> receiver.isConnected() && sender.isConnected());
    sender.publish("t.x", null, "after".getBytes());
    Cluster.await("the message after the restart", () -> got.contains("after"));
    assertThat(got).containsExactly("after");
  }

  /**
   * NATS stops reading: publishers are never held up; past the bound of what may wait, they are
   * refused with a clear error; what was taken arrives whole and in order once NATS reads again.
   */
  @Test
  void aServerThatStopsReadingHoldsUpNobodyAndWhatWasTakenArrivesInOrder() {
    NatsServer nats = nats();
    List<Long> got = new CopyOnWriteArrayList<>();
    NatsWire receiver = wire(nats.url());
    receiver.subscribe("t.bp", (s, status, data) -> got.add(sequence(data)));
    NatsWire sender = senderTo(nats, receiver);

    nats.freeze();
    long accepted = 0;
    IllegalStateException refused = null;
    // A publisher that waited for the frozen server would never get past this loop.
    try {
      while (accepted < 100_000) {
        byte[] body = new byte[16 * 1024];
        java.nio.ByteBuffer.wrap(body).putLong(accepted);
        sender.publish("t.bp", null, body);
        accepted++;
      }
    } catch (IllegalStateException e) {
      refused = e;
    } finally {
      nats.thaw();
    }

    assertThat(refused).as("refused past the bound").isNotNull();
    assertThat(refused.getMessage()).contains("fast enough");
    assertThat(accepted * 16 * 1024).isGreaterThan(NatsWire.MAX_PENDING / 2);
    long taken = accepted;
    Cluster.await("every accepted message received", () -> got.size() >= taken);
    for (int i = 0; i < taken; i++) {
      assertThat(got.get(i)).isEqualTo(i);
    }
  }

  private static long sequence(byte[] data) {
    return java.nio.ByteBuffer.wrap(data).getLong();
  }

  @Test
  void aServerThatStopsAnsweringIsLeftForANewConnection() {
    NatsServer nats = nats();
    NatsWire wire =
        wire(nats.url(), Optional.empty(), Optional.empty(), Duration.ofMillis(500), loops());
    wire.start();
    Cluster.await("connected", wire::isConnected);

    nats.freeze();
    // Each heartbeat pings; no PONG for longer than 500 ms and the connection is dropped.
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (wire.isConnected() && System.nanoTime() < deadline) {
      wire.ping();
      sleep(100);
    }
    assertThat(wire.isConnected()).as("connected to a frozen server").isFalse();
    nats.thaw();
    Cluster.await("connected again", wire::isConnected);
  }

  @Test
  void credentialsFromSettingsOrTheUrl() {
    NatsServer nats = nats("--user", "node", "--pass", "s3+cret");
    NatsWire right = wire(nats.url(), Optional.of("node"), Optional.of("s3+cret"));
    right.start();
    // A + in a URL's user info is a +, as the NATS client library reads it.
    NatsWire inUrl = wire(nats.url().replace("nats://", "nats://node:s3+cret@"));
    inUrl.start();
    NatsWire wrong = wire(nats.url(), Optional.of("node"), Optional.of("wrong"));
    wrong.start();

    Cluster.await("connected", () -> right.isConnected() && inUrl.isConnected());
    sleep(500);
    assertThat(wrong.isConnected()).as("connected with a wrong password").isFalse();
    assertThatThrownBy(() -> wrong.publish("t", null, new byte[1]))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void onlyPlainNatsUrlsAreSpoken() {
    assertThat(NatsWire.speaks("nats://a:4222, nats://b:4222")).isTrue();
    assertThat(NatsWire.speaks("localhost:4222")).isTrue();
    assertThat(NatsWire.speaks("nats://a:4222,tls://b:4222")).isFalse();
    assertThatThrownBy(() -> wire("nats://"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nats://");
  }

  @Test
  void controlLinesSplitAtRunsOfSpacesAndTabs() {
    // The protocol allows either, and more than one, between the fields of MSG.
    assertThat(NatsWire.tokens("MSG qb.x.inbox  1\treply.42 17"))
        .containsExactly("MSG", "qb.x.inbox", "1", "reply.42", "17");
    assertThat(NatsWire.tokens(" HMSG a 2 12 30 ")).containsExactly("HMSG", "a", "2", "12", "30");
    assertThat(NatsWire.tokens("")).isEmpty();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
