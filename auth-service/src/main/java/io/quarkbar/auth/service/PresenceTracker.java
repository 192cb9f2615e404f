package io.quarkbar.auth.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Who is online: the sessions of role {@code user} that the router reported joined and not yet
 * left, by user. A user is online while at least one of their sessions is; {@link PresenceChange}
 * events mark the edges only. A user's {@code since} is when they came online, and stays while any
 * of their sessions does.
 *
 * <p>Session events come one at a time from the router's meta events ({@link #joined}, {@link
 * #left}); while the service was not connected some were missed, so after each (re)join the state
 * is rebuilt from the router's list of sessions ({@link #beginRebuild}, {@link #finishRebuild}).
 * The list is fetched with calls that take a while, and events keep arriving meanwhile. So that
 * none is lost or counted twice:
 *
 * <ul>
 *   <li>{@link #beginRebuild} opens a journal <em>before</em> the list is asked for. Every event
 *       from then on is applied as usual and also written in the journal.
 *   <li>An event that arrived before the journal opened was sent by the router before it answered
 *       the list, so the list includes its effect.
 *   <li>{@link #finishRebuild} takes the listed sessions, adds those the journal saw join, and
 *       removes those it saw leave. Session IDs are never reused, so a session that left stays
 *       gone, whether the list was taken before or after its leaving; and a session is a key, so
 *       one that is both listed and journaled is counted once.
 *   <li>A rebuild superseded by a newer one (the connection was lost again meanwhile) changes
 *       nothing.
 * </ul>
 *
 * <p>Threads: events are handled on the WAMP connection's event loop, rebuilds on a worker; every
 * method holds this object's lock for a short, non-blocking moment, and the edges are fired while
 * it is held, so that they are published in the order they happened.
 */
@ApplicationScoped
public class PresenceTracker {

  private final Consumer<PresenceChange> changes;
  private final Clock clock;

  /** Sessions of role user, by session ID. */
  private final Map<Long, Member> sessions = new HashMap<>();

  /** Online users, by username. */
  private final Map<String, Presence> online = new HashMap<>();

  /** The journal of the rebuild under way, or null. */
  private Rebuild rebuild;

  /** One session: whose it is, and when the tracker first heard of it. */
  private record Member(String user, Instant joinedAt) {}

  /** An online user: since when, and with how many sessions. */
  private record Presence(Instant since, int sessions) {

    /** Two sets of sessions of one user together: online since the earlier. */
    static Presence merge(Presence a, Presence b) {
      return new Presence(a.since.isBefore(b.since) ? a.since : b.since, a.sessions + b.sessions);
    }
  }

  /** A user online now, and since when. */
  public record OnlineUser(String user, Instant since) {}

  @Inject
  PresenceTracker(Event<PresenceChange> changes, Clock clock) {
    this(changes::fire, clock);
  }

  PresenceTracker(Consumer<PresenceChange> changes, Clock clock) {
    this.changes = changes;
    this.clock = clock;
  }

  /** The router reports that session {@code session} of {@code user} joined. */
  public synchronized void joined(long session, String user) {
    Member member = new Member(user, now());
    if (rebuild != null) {
      rebuild.joined.put(session, member);
    }
    if (sessions.putIfAbsent(session, member) != null) {
      return;
    }
    Presence presence = online.get(user);
    if (presence == null) {
      online.put(user, new Presence(member.joinedAt(), 1));
      changes.accept(new PresenceChange.Online(user, member.joinedAt()));
    } else {
      online.put(user, new Presence(presence.since(), presence.sessions() + 1));
    }
  }

  /** The router reports that session {@code session} left; unknown sessions are ignored. */
  public synchronized void left(long session) {
    if (rebuild != null) {
      rebuild.left.add(session);
    }
    Member member = sessions.remove(session);
    if (member == null) {
      return;
    }
    Presence presence = online.get(member.user());
    if (presence.sessions() == 1) {
      online.remove(member.user());
      changes.accept(new PresenceChange.Offline(member.user()));
    } else {
      online.put(member.user(), new Presence(presence.since(), presence.sessions() - 1));
    }
  }

  /** The users online now, by username. */
  public synchronized List<OnlineUser> online() {
    return online.entrySet().stream()
        .map(e -> new OnlineUser(e.getKey(), e.getValue().since()))
        .sorted(Comparator.comparing(OnlineUser::user))
        .toList();
  }

  public synchronized int onlineCount() {
    return online.size();
  }

  /** Opens the journal of a rebuild; ask the router for its sessions after this. */
  public synchronized Rebuild beginRebuild() {
    rebuild = new Rebuild();
    return rebuild;
  }

  /** Forgets {@code r}, which failed; the state stays as the events left it. */
  public synchronized void abandonRebuild(Rebuild r) {
    if (rebuild == r) {
      rebuild = null;
    }
  }

  /**
   * Replaces the state with the router's view: {@code listed} (the sessions of role user the router
   * listed after {@code r} began, by session ID, with their authid), corrected by the journal; and
   * fires an edge for each user whose being online changed.
   */
  public synchronized void finishRebuild(Rebuild r, Map<Long, String> listed) {
    if (rebuild != r) {
      return;
    }
    rebuild = null;
    Instant now = now();
    Map<Long, Member> next = new HashMap<>();
    listed.forEach(
        (id, user) -> {
          Member known = sessions.get(id);
          next.put(id, known != null && known.user().equals(user) ? known : new Member(user, now));
        });
    r.joined.forEach(next::putIfAbsent);
    r.left.forEach(next::remove);

    Map<String, Presence> nextOnline = new HashMap<>();
    for (Member m : next.values()) {
      nextOnline.merge(m.user(), new Presence(m.joinedAt(), 1), Presence::merge);
    }
    // A user who stays online keeps their since.
    nextOnline.replaceAll(
        (user, p) ->
            online.containsKey(user) ? new Presence(online.get(user).since(), p.sessions()) : p);

    List<PresenceChange> edges = new ArrayList<>();
    online.keySet().stream()
        .filter(user -> !nextOnline.containsKey(user))
        .sorted()
        .forEach(user -> edges.add(new PresenceChange.Offline(user)));
    nextOnline.entrySet().stream()
        .filter(e -> !online.containsKey(e.getKey()))
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> edges.add(new PresenceChange.Online(e.getKey(), e.getValue().since())));

    sessions.clear();
    sessions.putAll(next);
    online.clear();
    online.putAll(nextOnline);
    edges.forEach(changes);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }

  /** The journal of one rebuild: what the events said while the router's list was fetched. */
  public static final class Rebuild {
    private final Map<Long, Member> joined = new HashMap<>();
    private final Set<Long> left = new HashSet<>();

    private Rebuild() {}
  }
}
