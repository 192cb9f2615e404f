package io.quarkbar.auth.service;

import io.quarkbar.auth.config.AuthConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Counts failed logins per username and per caller session over a sliding window, and refuses
 * attempts beyond the limits ({@code auth.login-limit.*}).
 *
 * <p>An attempt is counted as a failure from the moment it is allowed to go ahead, and taken back
 * if it succeeds: otherwise a client could send many attempts at once, all checked before the first
 * failure is recorded. A success also forgets the username's earlier failures.
 *
 * <p>The counts live in memory: they are lost when the service restarts, and each instance of the
 * service counts for itself. That suits one instance; several would need a shared store.
 */
@ApplicationScoped
public class LoginLimiter {

  private final int perUsername;
  private final int perSession;
  private final Duration window;
  private final Clock clock;
  private final ConcurrentMap<String, Failures> byUsername = new ConcurrentHashMap<>();
  private final ConcurrentMap<Long, Failures> bySession = new ConcurrentHashMap<>();
  private volatile Instant lastSweep;

  @Inject
  LoginLimiter(AuthConfig config, Clock clock) {
    this(
        config.loginLimit().perUsername(),
        config.loginLimit().perSession(),
        config.loginLimit().window(),
        clock);
  }

  LoginLimiter(int perUsername, int perSession, Duration window, Clock clock) {
    this.perUsername = perUsername;
    this.perSession = perSession;
    this.window = window;
    this.clock = clock;
    this.lastSweep = clock.instant();
  }

  /**
   * Lets a login attempt go ahead, counted as a failure until {@link Attempt#succeeded()}.
   *
   * @param session the caller's session ID, 0 when the router did not disclose it
   * @throws AuthException {@code TOO_MANY_ATTEMPTS} when the username or the session has reached
   *     its limit; the message says when to try again
   */
  public Attempt begin(String username, long session) {
    Instant now = clock.instant();
    sweepIfDue(now);
    Mark mark = new Mark(now);
    reserve(byUsername, username, perUsername, mark, "for this username");
    if (session != 0) {
      try {
        reserve(bySession, session, perSession, mark, "from this session");
      } catch (AuthException refused) {
        release(byUsername, username, mark);
        throw refused;
      }
    }
    return new Attempt(username, session, mark);
  }

  /** One attempt allowed to go ahead. */
  public final class Attempt {
    private final String username;
    private final long session;
    private final Mark mark;

    private Attempt(String username, long session, Mark mark) {
      this.username = username;
      this.session = session;
      this.mark = mark;
    }

    /** The password was right: the attempt is no failure, and the username starts afresh. */
    public void succeeded() {
      byUsername.remove(username);
      if (session != 0) {
        release(bySession, session, mark);
      }
    }
  }

  /** Adds {@code mark} to the failures of {@code key}, unless they have reached {@code limit}. */
  private <K> void reserve(
      ConcurrentMap<K, Failures> map, K key, int limit, Mark mark, String which) {
    Instant now = mark.at;
    Instant[] retryAt = new Instant[1];
    map.compute(
        key,
        (k, failures) -> {
          Failures f = failures == null ? new Failures() : failures;
          f.forgetBefore(now.minus(window));
          if (f.marks.size() >= limit) {
            retryAt[0] = f.marks.getFirst().at.plus(window);
          } else {
            f.marks.addLast(mark);
          }
          return f.marks.isEmpty() ? null : f;
        });
    if (retryAt[0] != null) {
      // Rounded up to the second: the time a user reads must not be a moment too early.
      Instant at = retryAt[0].truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
      throw new AuthException(
          AuthException.Reason.TOO_MANY_ATTEMPTS,
          "too many failed logins " + which + "; try again after " + at);
    }
  }

  private static <K> void release(ConcurrentMap<K, Failures> map, K key, Mark mark) {
    map.computeIfPresent(
        key,
        (k, f) -> {
          f.marks.remove(mark);
          return f.marks.isEmpty() ? null : f;
        });
  }

  /**
   * Once per window, drops what has aged out for keys nobody tried again (a username tried once, a
   * session that left), so that memory does not grow with every name ever tried.
   */
  private void sweepIfDue(Instant now) {
    if (now.isBefore(lastSweep.plus(window))) {
      return;
    }
    lastSweep = now;
    Instant horizon = now.minus(window);
    byUsername.keySet().forEach(k -> byUsername.computeIfPresent(k, (key, f) -> f.prune(horizon)));
    bySession.keySet().forEach(k -> bySession.computeIfPresent(k, (key, f) -> f.prune(horizon)));
  }

  /** The failures of one key, oldest first; touched only inside the map's compute functions. */
  private static final class Failures {
    final Deque<Mark> marks = new ArrayDeque<>();

    void forgetBefore(Instant horizon) {
      while (!marks.isEmpty() && !marks.getFirst().at.isAfter(horizon)) {
        marks.removeFirst();
      }
    }

    Failures prune(Instant horizon) {
      forgetBefore(horizon);
      return marks.isEmpty() ? null : this;
    }
  }

  /** One counted attempt; compared by identity, so that an attempt takes back only its own. */
  private static final class Mark {
    final Instant at;

    Mark(Instant at) {
      this.at = at;
    }
  }
}
