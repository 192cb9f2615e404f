package io.quarkbar.wamp.router.match;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.router.config.MatchPolicy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class UriMatcherTest {

  private final UriMatcher<String> matcher = new UriMatcher<>();

  private List<String> matches(String uri) {
    List<String> found = new ArrayList<>();
    matcher.forEachMatch(uri, found::add);
    return found;
  }

  @Nested
  class Storing {

    @Test
    void emptyMatcherMatchesNothing() {
      assertThat(matcher.isEmpty()).isTrue();
      assertThat(matcher.best("com.example")).isNull();
      assertThat(matches("com.example")).isEmpty();
    }

    @Test
    void getFindsAPatternOnlyUnderItsOwnPolicy() {
      matcher.put("com.example", MatchPolicy.EXACT, "exact");
      matcher.put("com.example", MatchPolicy.PREFIX, "prefix");

      assertThat(matcher.get("com.example", MatchPolicy.EXACT)).isEqualTo("exact");
      assertThat(matcher.get("com.example", MatchPolicy.PREFIX)).isEqualTo("prefix");
      assertThat(matcher.get("com.example", MatchPolicy.WILDCARD)).isNull();
      assertThat(matcher.get("com.other", MatchPolicy.EXACT)).isNull();
    }

    @Test
    void putReplacesTheValueOfTheSamePattern() {
      for (MatchPolicy policy : MatchPolicy.values()) {
        matcher.put("com..x", policy, "old");
        matcher.put("com..x", policy, "new");
        assertThat(matcher.get("com..x", policy)).isEqualTo("new");
      }
      assertThat(matches("com.a.x")).containsExactly("new");
    }

    @Test
    void removeForgetsOnlyThatPatternAndPolicy() {
      matcher.put("com.example", MatchPolicy.EXACT, "exact");
      matcher.put("com.example", MatchPolicy.PREFIX, "prefix");
      matcher.put("com..x", MatchPolicy.WILDCARD, "wild");

      matcher.remove("com.example", MatchPolicy.PREFIX);
      matcher.remove("not.there", MatchPolicy.EXACT);
      matcher.remove("not.there", MatchPolicy.WILDCARD);

      assertThat(matcher.get("com.example", MatchPolicy.PREFIX)).isNull();
      assertThat(matches("com.example")).containsExactly("exact");
      matcher.remove("com.example", MatchPolicy.EXACT);
      matcher.remove("com..x", MatchPolicy.WILDCARD);
      assertThat(matcher.isEmpty()).isTrue();
    }
  }

  @Nested
  class Prefix {

    @Test
    void prefixIsAStringPrefix() {
      // pubsub_pattern_based_subscription.md: prefix com.myapp.topic.emergency matches
      // com.myapp.topic.emergency-low and com.myapp.topic.emergency.category.severe.
      matcher.put("com.myapp.topic.emergency", MatchPolicy.PREFIX, "p");

      assertThat(matcher.best("com.myapp.topic.emergency")).isEqualTo("p");
      assertThat(matcher.best("com.myapp.topic.emergency.11")).isEqualTo("p");
      assertThat(matcher.best("com.myapp.topic.emergency-low")).isEqualTo("p");
      assertThat(matcher.best("com.myapp.topic.emergency.category.severe")).isEqualTo("p");
      assertThat(matcher.best("com.myapp.topic.emergenc")).isNull();
      assertThat(matcher.best("com.myapp.topic")).isNull();
      assertThat(matcher.best("org.myapp.topic.emergency")).isNull();
    }

    @Test
    void prefixEndingInADotNeedsAFurtherComponent() {
      matcher.put("com.myapp.", MatchPolicy.PREFIX, "p");

      assertThat(matcher.best("com.myapp.x")).isEqualTo("p");
      assertThat(matcher.best("com.myapp")).isNull();
      assertThat(matcher.best("com.myappx")).isNull();
    }

    @Test
    void emptyPrefixMatchesEverything() {
      matcher.put("", MatchPolicy.PREFIX, "all");

      assertThat(matcher.best("a")).isEqualTo("all");
      assertThat(matches("x.y.z")).containsExactly("all");
    }

    @Test
    void longestPrefixWinsWhateverTheInsertionOrder() {
      matcher.put("com.a.b", MatchPolicy.PREFIX, "long");
      matcher.put("", MatchPolicy.PREFIX, "all");
      matcher.put("com", MatchPolicy.PREFIX, "short");
      matcher.put("com.a", MatchPolicy.PREFIX, "middle");

      assertThat(matcher.best("com.a.b.c")).isEqualTo("long");
      assertThat(matcher.best("com.a.x")).isEqualTo("middle");
      assertThat(matcher.best("com.x")).isEqualTo("short");
      assertThat(matcher.best("org.x")).isEqualTo("all");

      matcher.remove("com.a.b", MatchPolicy.PREFIX);
      assertThat(matcher.best("com.a.b.c")).isEqualTo("middle");
    }
  }

  @Nested
  class Wildcard {

    @Test
    void emptyComponentMatchesExactlyOneComponent() {
      matcher.put("com..status", MatchPolicy.WILDCARD, "w");

      assertThat(matcher.best("com.a.status")).isEqualTo("w");
      assertThat(matcher.best("com.bb.status")).isEqualTo("w");
      assertThat(matcher.best("com.status")).isNull();
      assertThat(matcher.best("com.a.b.status")).isNull();
      assertThat(matcher.best("com.a.status.x")).isNull();
      assertThat(matcher.best("org.a.status")).isNull();
      assertThat(matcher.best("com.a.statusx")).isNull();
    }

    @Test
    void leadingAndTrailingWildcards() {
      matcher.put(".a.", MatchPolicy.WILDCARD, "w");

      assertThat(matcher.best("x.a.y")).isEqualTo("w");
      assertThat(matcher.best("x.b.y")).isNull();
      assertThat(matcher.best("x.a")).isNull();
    }

    @Test
    void theLongestRunOfMatchedComponentsBeforeAWildcardWins() {
      // rpc_pattern_based_registration.md: a.b..d beats a..c.d for a.b.c.d.
      matcher.put("a..c.d", MatchPolicy.WILDCARD, "early");
      matcher.put("a.b..d", MatchPolicy.WILDCARD, "late");
      matcher.put("...d", MatchPolicy.WILDCARD, "loose");

      assertThat(matcher.best("a.b.c.d")).isEqualTo("late");
      assertThat(matcher.best("a.x.c.d")).isEqualTo("early");
      assertThat(matcher.best("x.y.z.d")).isEqualTo("loose");
    }

    @Test
    void rankingLooksAtTheNextWildcardWhenTheFirstTies() {
      matcher.put("a...d.e", MatchPolicy.WILDCARD, "worse");
      matcher.put("a..c..e", MatchPolicy.WILDCARD, "better");

      assertThat(matcher.best("a.b.c.d.e")).isEqualTo("better");
    }
  }

  @Nested
  class Precedence {

    @Test
    void exactBeatsPrefixBeatsWildcard() {
      matcher.put("com.a.b", MatchPolicy.EXACT, "exact");
      matcher.put("com.a", MatchPolicy.PREFIX, "prefix");
      matcher.put("com..b", MatchPolicy.WILDCARD, "wild");

      assertThat(matcher.best("com.a.b")).isEqualTo("exact");
      assertThat(matcher.best("com.a.c")).isEqualTo("prefix");
      assertThat(matcher.best("com.a2.b")).isEqualTo("prefix");
      assertThat(matcher.best("com.x.b")).isEqualTo("wild");
      assertThat(matcher.best("com.x.c")).isNull();
    }

    @Test
    void forEachMatchVisitsEveryMatchingPatternOnce() {
      matcher.put("com.a.b", MatchPolicy.EXACT, "exact");
      matcher.put("com.a.c", MatchPolicy.EXACT, "other exact");
      matcher.put("com.a", MatchPolicy.PREFIX, "prefix");
      matcher.put("", MatchPolicy.PREFIX, "all");
      matcher.put("org", MatchPolicy.PREFIX, "other prefix");
      matcher.put("com..b", MatchPolicy.WILDCARD, "wild");
      matcher.put("..", MatchPolicy.WILDCARD, "any three");
      matcher.put("com..", MatchPolicy.WILDCARD, "com and two");
      matcher.put("com...", MatchPolicy.WILDCARD, "four");

      assertThat(matches("com.a.b"))
          .containsExactlyInAnyOrder("exact", "prefix", "all", "wild", "any three", "com and two");
    }
  }
}
