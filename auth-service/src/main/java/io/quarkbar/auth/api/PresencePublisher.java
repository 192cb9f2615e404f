package io.quarkbar.auth.api;

import io.quarkbar.auth.service.PresenceChange;
import io.quarkbar.wamp.client.Wamp;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Publishes the edges of presence: {@code forum.presence.on_join} with a {@link Presence}, {@code
 * forum.presence.on_leave} with a {@link Departure}.
 *
 * <p>Runs synchronously in the thread that changed the presence, with its lock held (see {@link
 * io.quarkbar.auth.service.PresenceTracker}); a publication only hands the message to the
 * connection, it waits for nothing, so events go out in the order the changes happened. While the
 * service is disconnected they fail and are dropped: the rebuild after its next join publishes the
 * difference.
 */
@ApplicationScoped
public class PresencePublisher {

  private static final Logger LOG = Logger.getLogger(PresencePublisher.class);

  private final Wamp wamp;

  PresencePublisher(Wamp wamp) {
    this.wamp = wamp;
  }

  void changed(@Observes PresenceChange change) {
    switch (change) {
      case PresenceChange.Online online ->
          publish("forum.presence.on_join", new Presence(online.user(), online.since()));
      case PresenceChange.Offline offline ->
          publish("forum.presence.on_leave", new Departure(offline.user()));
    }
  }

  private void publish(String topic, Object event) {
    wamp.publish(topic, event)
        .subscribe()
        .with(
            sent -> {}, e -> LOG.debugf("%s not published (%s): %s", topic, event, e.getMessage()));
  }
}
