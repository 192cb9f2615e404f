package io.quarkbar.forum.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkbar.forum.service.ForumEvent;
import io.quarkbar.forum.service.ForumEvent.PostCreated;
import io.quarkbar.forum.service.ForumEvent.PostDeleted;
import io.quarkbar.forum.service.ForumEvent.PostEdited;
import io.quarkbar.forum.service.ForumEvent.ThreadCreated;
import io.quarkbar.forum.service.ForumEvent.ThreadDeleted;
import io.quarkbar.wamp.client.Wamp;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Publishes the forum's events, each once the transaction that made its change has committed:
 * {@code AFTER_SUCCESS} observers run on the committing thread right after the commit, and not at
 * all after a rollback. A subscriber that reads the change on hearing of it therefore finds it.
 *
 * <p>Publishing does not wait for the router. Events are notifications: one lost while the router
 * is unreachable is logged and counted ({@code forum.events.unpublished}), and the change itself
 * stands; clients read the current state with forum.thread.list and forum.thread.get.
 */
@ApplicationScoped
public class ForumEventPublisher {

  private static final Logger LOG = Logger.getLogger(ForumEventPublisher.class);

  @Inject Wamp wamp;
  @Inject MeterRegistry registry;

  void publish(@Observes(during = TransactionPhase.AFTER_SUCCESS) ForumEvent event) {
    switch (event) {
      case ThreadCreated c -> send(ForumUris.THREAD_ON_CREATE, ThreadWithPostDto.of(c));
      case ThreadDeleted d -> send(ForumUris.THREAD_ON_DELETE, new DeletedThreadDto(d.id()));
      case PostCreated c -> send(ForumUris.POST_ON_CREATE, PostDto.of(c.post()));
      case PostEdited e -> send(ForumUris.POST_ON_UPDATE, PostDto.of(e.post()));
      case PostDeleted d ->
          send(ForumUris.POST_ON_DELETE, new DeletedPostDto(d.id(), d.threadId()));
    }
  }

  private void send(String topic, Object payload) {
    wamp.publish(topic, payload)
        .subscribe()
        .with(
            sent -> {},
            failure -> {
              registry.counter("forum.events.unpublished", "topic", topic).increment();
              LOG.warnf("could not publish %s (%s): subscribers miss it", topic, failure);
            });
  }
}
