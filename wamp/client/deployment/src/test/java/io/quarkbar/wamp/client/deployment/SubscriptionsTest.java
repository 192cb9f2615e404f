package io.quarkbar.wamp.client.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.client.EventDetails;
import io.quarkbar.wamp.client.Wamp;
import io.quarkbar.wamp.client.WampSubscribe;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code @WampSubscribe}: arguments, details, patterns, and events kept in order. */
class SubscriptionsTest {

  @RegisterExtension
  static final QuarkusUnitTest app =
      new QuarkusUnitTest().withApplicationRoot(jar -> jar.addClasses(News.class, Item.class));

  record Item(String title, int rank) {}

  @Singleton
  static class News {
    final List<Object> seen = new CopyOnWriteArrayList<>();

    @WampSubscribe("test.news")
    void news(String text, EventDetails details) {
      seen.add(text + " on " + details.topic());
    }

    @WampSubscribe("test.items")
    void item(Item item) {
      seen.add(item);
    }

    @WampSubscribe(value = "test.sequence.", match = "prefix")
    void sequence(int n, EventDetails details) throws InterruptedException {
      // Slow on purpose: later events must wait, not overtake.
      Thread.sleep(n % 3 == 0 ? 30 : 1);
      seen.add(details.topic() + ":" + n);
    }
  }

  @Inject Wamp wamp;
  @Inject News news;

  private void awaitSeen(int count) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (news.seen.size() < count && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }

  @Test
  void eventsReachSubscribersWithTheirArgumentsAndDetails() {
    news.seen.clear();
    wamp.publish("test.news")
        .args("hello")
        .includeMe()
        .send(true)
        .await()
        .atMost(Duration.ofSeconds(5));
    wamp.publish("test.items")
        .kwargs(Map.of("title", "T", "rank", 2))
        .includeMe()
        .send(true)
        .await()
        .atMost(Duration.ofSeconds(5));

    awaitSeen(2);

    assertThat(news.seen).containsExactlyInAnyOrder("hello on test.news", new Item("T", 2));
  }

  @Test
  void eventsOfOneSubscriptionAreHandledOneAtATimeInOrder() {
    news.seen.clear();
    for (int i = 1; i <= 20; i++) {
      wamp.publish("test.sequence." + (i % 2 == 0 ? "even" : "odd"))
          .args(i)
          .includeMe()
          .send(false)
          .await()
          .atMost(Duration.ofSeconds(5));
    }

    awaitSeen(20);

    assertThat(news.seen)
        .extracting(s -> Integer.parseInt(s.toString().substring(s.toString().indexOf(':') + 1)))
        .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 20).boxed().toList());
  }
}
