package io.quarkbar.auth.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.auth.service.PresenceChange.Offline;
import io.quarkbar.auth.service.PresenceChange.Online;
import io.quarkbar.auth.service.PresenceTracker.OnlineUser;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The presence state: edges only, and a rebuild that neither loses nor double counts the events
 * that arrive while it runs.
 */
class PresenceTrackerTest {

  final MutableClock clock = new MutableClock();
  final List<PresenceChange> edges = new ArrayList<>();
  final PresenceTracker tracker = new PresenceTracker(edges::add, clock);
  final Instant t0 = clock.instant();

  @Test
  void aUserIsOnlineFromTheirFirstSessionToTheirLast() {
    tracker.joined(1, "ann");
    clock.advance(Duration.ofMinutes(1));
    tracker.joined(2, "ann");
    tracker.left(1);
    assertThat(edges).containsExactly(new Online("ann", t0));
    assertThat(tracker.online()).containsExactly(new OnlineUser("ann", t0));

    tracker.left(2);
    assertThat(edges).containsExactly(new Online("ann", t0), new Offline("ann"));
    assertThat(tracker.online()).isEmpty();
  }

  @Test
  void repeatedAndUnknownEventsChangeNothing() {
    tracker.joined(1, "ann");
    tracker.joined(1, "ann");
    tracker.left(99);
    tracker.left(1);
    tracker.left(1);
    assertThat(edges).containsExactly(new Online("ann", t0), new Offline("ann"));
  }

  @Test
  void theListIsByUsername() {
    tracker.joined(1, "zoe");
    tracker.joined(2, "amy");
    tracker.joined(3, "max");
    assertThat(tracker.online()).extracting(OnlineUser::user).containsExactly("amy", "max", "zoe");
  }

  @Test
  void aRebuildPublishesOnlyWhatChangedAndKeepsSince() {
    tracker.joined(1, "ann"); // still there
    tracker.joined(2, "bob"); // left while the service was away
    edges.clear();
    clock.advance(Duration.ofMinutes(5));

    PresenceTracker.Rebuild r = tracker.beginRebuild();
    tracker.finishRebuild(r, Map.of(1L, "ann", 3L, "cid"));

    assertThat(edges)
        .containsExactly(new Offline("bob"), new Online("cid", t0.plus(Duration.ofMinutes(5))));
    assertThat(tracker.online())
        .containsExactly(
            new OnlineUser("ann", t0), new OnlineUser("cid", t0.plus(Duration.ofMinutes(5))));
  }

  @Test
  void aSessionThatLeavesDuringTheRebuildIsGoneEvenIfListed() {
    tracker.joined(1, "ann");
    PresenceTracker.Rebuild r = tracker.beginRebuild();
    // The router listed session 1 and then it left; the get of it may even have succeeded.
    tracker.left(1);
    tracker.finishRebuild(r, Map.of(1L, "ann"));

    assertThat(tracker.online()).isEmpty();
    assertThat(edges).containsExactly(new Online("ann", t0), new Offline("ann"));
  }

  @Test
  void aSessionThatJoinsDuringTheRebuildCountsOnceWhetherListedOrNot() {
    PresenceTracker.Rebuild r = tracker.beginRebuild();
    tracker.joined(1, "ann"); // joined after the listing: not listed
    tracker.joined(2, "bob"); // joined before the listing: listed as well
    tracker.finishRebuild(r, Map.of(2L, "bob"));

    assertThat(tracker.online()).extracting(OnlineUser::user).containsExactly("ann", "bob");
    assertThat(edges).containsExactly(new Online("ann", t0), new Online("bob", t0));
    tracker.left(2);
    assertThat(edges).endsWith(new Offline("bob"));
  }

  @Test
  void aSupersededRebuildChangesNothing() {
    PresenceTracker.Rebuild old = tracker.beginRebuild();
    PresenceTracker.Rebuild current = tracker.beginRebuild();
    tracker.finishRebuild(old, Map.of(1L, "ann"));
    assertThat(tracker.online()).isEmpty();

    tracker.finishRebuild(current, Map.of(2L, "bob"));
    assertThat(tracker.online()).extracting(OnlineUser::user).containsExactly("bob");
  }

  @Test
  void anAbandonedRebuildLeavesTheStateToTheEvents() {
    tracker.joined(1, "ann");
    PresenceTracker.Rebuild r = tracker.beginRebuild();
    tracker.abandonRebuild(r);
    tracker.joined(2, "bob");
    tracker.finishRebuild(r, Map.of());

    assertThat(tracker.online()).extracting(OnlineUser::user).containsExactly("ann", "bob");
  }
}
