package io.quarkbar.forum.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkbar.forum.service.ForumEvent.PostCreated;
import io.quarkbar.forum.service.ForumEvent.ThreadCreated;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;

/**
 * The forum's own metric: {@code forum.posts.created}, posts written and committed, tagged {@code
 * kind=thread} (a thread's first post) or {@code kind=reply}; a rolled-back write is not counted.
 * With the WAMP client's per-procedure timers and the connection pool's gauges, it tells an
 * operator whether people are writing and whether the database keeps up. Registered at start, so
 * the series exist (at 0) before the first post.
 */
@Startup
@ApplicationScoped
public class ForumMetrics {

  @Inject MeterRegistry registry;

  private Counter threadPosts;
  private Counter replies;

  @PostConstruct
  void register() {
    threadPosts = postsCreated("thread");
    replies = postsCreated("reply");
  }

  private Counter postsCreated(String kind) {
    return Counter.builder("forum.posts.created")
        .description("Posts written and committed: a thread's first post, or a reply")
        .tag("kind", kind)
        .register(registry);
  }

  void count(@Observes(during = TransactionPhase.AFTER_SUCCESS) ForumEvent event) {
    if (event instanceof ThreadCreated) {
      threadPosts.increment();
    } else if (event instanceof PostCreated) {
      replies.increment();
    }
  }
}
