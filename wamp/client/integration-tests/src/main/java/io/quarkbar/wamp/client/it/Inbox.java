package io.quarkbar.wamp.client.it;

import io.quarkbar.wamp.client.EventDetails;
import io.quarkbar.wamp.client.WampSubscribe;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The service's subscriptions: it keeps what arrives, so that a test can ask what the service saw.
 */
@Singleton
public class Inbox {

  /**
   * One event of {@code it.app.inbox}: its positional {@code text}, its keyword {@code n}, and who
   * published it as far as the router disclosed it.
   */
  public record Message(
      String text, Integer n, String topic, long publisher, String authid, String authrole) {}

  private final List<Message> messages = new CopyOnWriteArrayList<>();
  private final List<Post> posts = new CopyOnWriteArrayList<>();

  /** Positional and keyword arguments fill the parameters, as for a procedure. */
  @WampSubscribe("it.app.inbox")
  void message(String text, Integer n, EventDetails details) {
    messages.add(
        new Message(
            text,
            n,
            details.topic(),
            details.publisher(),
            details.publisherAuthid(),
            details.publisherAuthrole()));
  }

  /** Keyword arguments as a record. */
  @WampSubscribe("it.app.posts")
  void post(Post post) {
    posts.add(post);
  }

  public List<Message> messages() {
    return List.copyOf(messages);
  }

  public List<Post> posts() {
    return List.copyOf(posts);
  }

  /** The first message that matches, waiting up to {@code timeout} for it. */
  public Optional<Message> awaitMessage(Predicate<Message> matching, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<Message> found = messages.stream().filter(matching).findFirst();
      if (found.isPresent() || System.nanoTime() >= deadline) {
        return found;
      }
      Thread.sleep(10);
    }
  }

  /** The first post that matches, waiting up to {@code timeout} for it. */
  public Optional<Post> awaitPost(Predicate<Post> matching, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<Post> found = posts.stream().filter(matching).findFirst();
      if (found.isPresent() || System.nanoTime() >= deadline) {
        return found;
      }
      Thread.sleep(10);
    }
  }
}
