package io.quarkbar.wamp.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkbar.wamp.router.config.MatchPolicy;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How URIs become NATS subjects: one token per component, nothing a wildcard, nothing merged. */
class SubjectsTest {

  private final Subjects subjects = new Subjects("c1", "n1");

  @Test
  void strictUrisPassUnchanged() {
    assertThat(subjects.event("realm1", "com.example.on_news"))
        .isEqualTo("qb.c1.e.realm1.com.example.on_news");
  }

  @Test
  void charactersSpecialToNatsAreEscapedAndTheEscapeCharacterToo() {
    assertThat(subjects.event("realm.one", "a.*.>.=2A.é"))
        .isEqualTo("qb.c1.e.realm=2Eone.a.=2A.=3E.=3D2A.=C3=A9");
  }

  @Test
  void patternsBecomeSubjectsThatCoverEveryTopicTheyMatch() {
    assertThat(subjects.interest("r", "a.b.c", MatchPolicy.EXACT)).isEqualTo("qb.c1.e.r.a.b.c");
    assertThat(subjects.interest("r", "a..c", MatchPolicy.WILDCARD)).isEqualTo("qb.c1.e.r.a.*.c");
    // A byte prefix: a.b.cx covers a.b.cxyz, so only its complete components count.
    assertThat(subjects.interest("r", "a.b.cx", MatchPolicy.PREFIX)).isEqualTo("qb.c1.e.r.a.b.>");
    assertThat(subjects.interest("r", "a", MatchPolicy.PREFIX)).isEqualTo("qb.c1.e.r.>");
    assertThat(subjects.interest("r", "", MatchPolicy.PREFIX)).isEqualTo("qb.c1.e.r.>");
  }

  @Test
  void differentComponentsNeverShareATokenAndNoTokenIsAWildcard() {
    Random random = new Random(42);
    String alphabet = "aZ09_-*>=.$é€ ";
    Set<String> components = new HashSet<>();
    Set<String> tokens = new HashSet<>();
    for (int i = 0; i < 20_000; i++) {
      StringBuilder c = new StringBuilder();
      for (int n = 1 + random.nextInt(5); n > 0; n--) {
        c.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String component = c.toString();
      StringBuilder token = new StringBuilder();
      Subjects.escape(component, token);
      assertThat(token.toString()).matches("[A-Za-z0-9_=-]+");
      if (components.add(component)) {
        assertThat(tokens.add(token.toString())).as("token of %s", component).isTrue();
      }
    }
  }

  @Test
  void aUriTooLongForASubjectIsRefusedWithTheReason() {
    String longTopic = String.join(".", java.util.Collections.nCopies(200, "€€"));
    assertThatThrownBy(() -> subjects.event("r", longTopic))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too long for the cluster");
  }

  @Test
  void namesMustBePlainTokens() {
    for (String bad : List.of("", "a.b", "a*", "a b", "é")) {
      assertThatThrownBy(() -> new Subjects(bad, "n1"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cluster name");
    }
  }
}
