package io.quarkbar.wamp.router;

import static io.quarkbar.wamp.router.Configs.REALM;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Several client threads, each on its own connection, publish to many subscribers and call one
 * callee at the same time. Every event must arrive exactly once and in order per publisher, and
 * every call must get exactly one result: its own.
 */
class ConcurrencyTest {

  private static final int WORKERS = 6;
  private static final int SUBSCRIBERS = 10;
  private static final int PER_WORKER = 300;
  private static final String TOPIC = "com.example.load";
  private static final String PROC = "com.example.echo";

  @ParameterizedTest
  @EnumSource(Serializer.class)
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void publishesAndCallsFromManyThreads(Serializer serializer) throws Exception {
    Router router = Configs.openRouter();
    List<TestClient> subscribers = new ArrayList<>();
    for (int i = 0; i < SUBSCRIBERS; i++) {
      TestClient s = TestClient.joined(router, serializer, REALM);
      s.subscribe(TOPIC);
      subscribers.add(s);
    }
    TestClient callee = TestClient.joined(router, serializer, REALM);
    callee.register(PROC);
    List<TestClient> workers = new ArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      workers.add(TestClient.joined(router, serializer, REALM));
    }

    ExecutorService pool = Executors.newFixedThreadPool(WORKERS + 1);
    try {
      AtomicBoolean stop = new AtomicBoolean();
      // The callee echoes every invocation's args back, on its own thread.
      Future<Integer> served =
          pool.submit(
              () -> {
                int n = 0;
                while (!stop.get()) {
                  WampMessage m = callee.poll(Duration.ofMillis(20));
                  if (m instanceof Invocation inv) {
                    callee.send(new Yield(inv.request(), Map.of(), inv.arguments(), Map.of()));
                    n++;
                  } else if (m != null) {
                    throw new AssertionError("callee got " + m);
                  }
                }
                return n;
              });
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Map<Long, Long>>> callResults = new ArrayList<>();
      for (int w = 0; w < WORKERS; w++) {
        TestClient worker = workers.get(w);
        long index = w;
        callResults.add(
            pool.submit(
                () -> {
                  start.await();
                  Map<Long, Long> requestToSeq = new HashMap<>();
                  for (long seq = 0; seq < PER_WORKER; seq++) {
                    worker.publish(TOPIC, Map.of(), List.of(index, seq), Map.of());
                    long request = worker.call(PROC, Map.of(), List.of(index, seq), Map.of());
                    requestToSeq.put(request, seq);
                  }
                  return requestToSeq;
                }));
      }
      start.countDown();

      // Every call gets exactly one RESULT, carrying its own arguments.
      for (int w = 0; w < WORKERS; w++) {
        Map<Long, Long> requestToSeq = callResults.get(w).get(15, TimeUnit.SECONDS);
        TestClient worker = workers.get(w);
        for (int i = 0; i < PER_WORKER; i++) {
          Result result = worker.expect(Result.class);
          Long seq = requestToSeq.remove(result.request());
          assertThat(seq).as("result for an outstanding call of worker %d", w).isNotNull();
          assertThat(result.arguments()).isEqualTo(List.of((long) w, seq));
        }
        assertThat(requestToSeq).isEmpty();
        worker.expectNothing();
      }
      stop.set(true);
      assertThat(served.get(5, TimeUnit.SECONDS)).isEqualTo(WORKERS * PER_WORKER);

      // Every subscriber gets every event once, in order per publisher.
      for (TestClient subscriber : subscribers) {
        long[] next = new long[WORKERS];
        for (int i = 0; i < WORKERS * PER_WORKER; i++) {
          Event event = subscriber.expect(Event.class);
          int publisher = (int) (long) (Long) event.arguments().get(0);
          long seq = (Long) event.arguments().get(1);
          assertThat(seq).as("next event of publisher %d", publisher).isEqualTo(next[publisher]);
          next[publisher]++;
        }
        subscriber.expectNothing();
        assertThat(next).containsOnly(PER_WORKER);
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
  }
}
