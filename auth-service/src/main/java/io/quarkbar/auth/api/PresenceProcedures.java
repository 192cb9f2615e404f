package io.quarkbar.auth.api;

import com.fasterxml.jackson.core.type.TypeReference;
import io.quarkbar.auth.service.PresenceTracker;
import io.quarkbar.wamp.client.Wamp;
import io.quarkbar.wamp.client.WampException;
import io.quarkbar.wamp.client.WampProcedure;
import io.quarkbar.wamp.client.WampSessionEvent;
import io.quarkbar.wamp.client.WampSubscribe;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * {@code forum.presence.list}, and what feeds it: the router's session meta events, and a rebuild
 * from the router's session list after every (re)join of this service.
 *
 * <p>Threads: the two meta event handlers are {@code @NonBlocking}, so both run on the connection's
 * event loop in the order the events arrived; a session's leaving can never be handled before its
 * joining, as it could if each subscription had its own worker queue. The rebuild waits for calls,
 * so it runs on a worker ({@code @ObservesAsync}); {@link PresenceTracker} explains how the two
 * meet.
 */
@ApplicationScoped
public class PresenceProcedures {

  private static final Logger LOG = Logger.getLogger(PresenceProcedures.class);

  /** The role of a logged-in browser; only its sessions make a user online. */
  static final String USER_ROLE = "user";

  /** How many {@code wamp.session.get} calls a rebuild keeps in flight. */
  private static final int REBUILD_CONCURRENCY = 16;

  private static final Duration REBUILD_TIMEOUT = Duration.ofSeconds(30);

  private final PresenceTracker tracker;
  private final Wamp wamp;

  PresenceProcedures(PresenceTracker tracker, Wamp wamp) {
    this.tracker = tracker;
    this.wamp = wamp;
  }

  @NonBlocking
  @WampProcedure("forum.presence.list")
  public List<Presence> list() {
    return tracker.online().stream().map(u -> new Presence(u.user(), u.since())).toList();
  }

  /** {@code wamp.session.on_join(details)}: the session's details, as {@code wamp.session.get}. */
  @NonBlocking
  @WampSubscribe("wamp.session.on_join")
  public void sessionJoined(Map<String, Object> details) {
    if (USER_ROLE.equals(details.get("authrole"))
        && details.get("session") instanceof Number session
        && details.get("authid") instanceof String user) {
      tracker.joined(session.longValue(), user);
    }
  }

  /** {@code wamp.session.on_leave(session, authid, authrole)}. */
  @NonBlocking
  @WampSubscribe("wamp.session.on_leave")
  public void sessionLeft(long session, String authid, String authrole) {
    if (USER_ROLE.equals(authrole)) {
      tracker.left(session);
    }
  }

  /**
   * After every join of this service's session (the first, and each after a reconnect): events
   * published while it was away are lost, so who is online is read again from the router.
   */
  void rebuild(@ObservesAsync WampSessionEvent.Ready ready) {
    if (!ready.connection().isEmpty()) {
      return;
    }
    PresenceTracker.Rebuild rebuild = tracker.beginRebuild();
    try {
      List<Long> ids =
          wamp.call("wamp.session.list", new TypeReference<List<Long>>() {}, List.of(USER_ROLE))
              .await()
              .atMost(REBUILD_TIMEOUT);
      // A session gone since the listing gives no item (userOf answers null, which Mutiny skips).
      Map<Long, String> users =
          Multi.createFrom()
              .iterable(ids)
              .onItem()
              .transformToUni(this::userOf)
              .merge(REBUILD_CONCURRENCY)
              .collect()
              .asMap(Map.Entry::getKey, Map.Entry::getValue)
              .await()
              .atMost(REBUILD_TIMEOUT);
      tracker.finishRebuild(rebuild, users);
      LOG.infof("presence rebuilt: %d user(s) online", tracker.onlineCount());
    } catch (RuntimeException e) {
      tracker.abandonRebuild(rebuild);
      LOG.warnf("presence not rebuilt (the next join of the service will try again): %s", e);
    }
  }

  /** Session {@code id} and its authid, or null when it left since it was listed. */
  private Uni<Map.Entry<Long, String>> userOf(long id) {
    return wamp.call("wamp.session.get", new TypeReference<Map<String, Object>>() {}, id)
        .map(
            d ->
                USER_ROLE.equals(d.get("authrole")) && d.get("authid") instanceof String user
                    ? Map.entry(id, user)
                    : null)
        .onFailure(e -> e instanceof WampException w && WampUris.NO_SUCH_SESSION.equals(w.uri()))
        .recoverWithNull();
  }
}
