package io.quarkbar.wamp.protocol.uri;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class UriValidatorTest {

  // --- concrete URIs ---

  @ParameterizedTest
  @ValueSource(
      strings = {"com.myapp.topic1", "com", "a.b.c.d.e", "com.my_app.x9", "wamp.session.get"})
  void validOnBothLooseAndStrict(String uri) {
    assertThat(UriValidator.LOOSE.isValid(uri)).isTrue();
    assertThat(UriValidator.STRICT.isValid(uri)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"com.MyApp.Topic", "com.my-app.topic", "com.myapp.grüße", "com.a:b"})
  void validOnlyWhenLoose(String uri) {
    assertThat(UriValidator.LOOSE.isValid(uri)).isTrue();
    assertThat(UriValidator.STRICT.isValid(uri)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        ".",
        "com..topic",
        ".com.topic",
        "com.topic.",
        "com.my topic",
        "com.my\ttopic",
        "com.topic\n",
        "com.#.topic",
        "com#topic"
      })
  void invalidOnBoth(String uri) {
    assertThat(UriValidator.LOOSE.isValid(uri)).isFalse();
    assertThat(UriValidator.STRICT.isValid(uri)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(UriValidator.class)
  void nullIsNeverValid(UriValidator validator) {
    assertThat(validator.isValid(null)).isFalse();
    assertThat(validator.isValidPattern(null, "exact")).isFalse();
    assertThat(validator.isValidPattern(null, "prefix")).isFalse();
    assertThat(validator.isValidPattern(null, "wildcard")).isFalse();
  }

  // --- patterns ---

  @ParameterizedTest
  @EnumSource(UriValidator.class)
  void exactPatternIsAConcreteUri(UriValidator validator) {
    assertThat(validator.isValidPattern("com.myapp.topic", "exact")).isTrue();
    assertThat(validator.isValidPattern("com..topic", "exact")).isFalse();
    assertThat(validator.isValidPattern("com.myapp.", "exact")).isFalse();
    assertThat(validator.isValidPattern("", "exact")).isFalse();
  }

  @ParameterizedTest
  @EnumSource(UriValidator.class)
  void prefixMayBeEmptyOrEndWithADot(UriValidator validator) {
    assertThat(validator.isValidPattern("com.myapp", "prefix")).isTrue();
    assertThat(validator.isValidPattern("com.myapp.", "prefix")).isTrue();
    assertThat(validator.isValidPattern("com", "prefix")).isTrue();
    assertThat(validator.isValidPattern("", "prefix")).isTrue();

    assertThat(validator.isValidPattern("com..myapp", "prefix")).isFalse();
    assertThat(validator.isValidPattern(".com", "prefix")).isFalse();
    assertThat(validator.isValidPattern("com.myapp..", "prefix")).isFalse();
    assertThat(validator.isValidPattern(".", "prefix")).isFalse();
    assertThat(validator.isValidPattern("com.my app", "prefix")).isFalse();
    assertThat(validator.isValidPattern("com.#", "prefix")).isFalse();
  }

  @ParameterizedTest
  @EnumSource(UriValidator.class)
  void wildcardMayHaveEmptyComponents(UriValidator validator) {
    assertThat(validator.isValidPattern("com.myapp.topic", "wildcard")).isTrue();
    assertThat(validator.isValidPattern("com..topic", "wildcard")).isTrue();
    assertThat(validator.isValidPattern(".myapp.topic", "wildcard")).isTrue();
    assertThat(validator.isValidPattern("com.myapp.", "wildcard")).isTrue();
    assertThat(validator.isValidPattern("com...", "wildcard")).isTrue();

    assertThat(validator.isValidPattern("com.my app..x", "wildcard")).isFalse();
    assertThat(validator.isValidPattern("com.#..x", "wildcard")).isFalse();
    assertThat(validator.isValidPattern("com.*.topic", "wildcard"))
        .isEqualTo(validator == UriValidator.LOOSE); // no glob: * is just a character
  }

  @Test
  void strictPatternsKeepTheStrictAlphabet() {
    assertThat(UriValidator.STRICT.isValidPattern("com.MyApp", "prefix")).isFalse();
    assertThat(UriValidator.STRICT.isValidPattern("com..My-Topic", "wildcard")).isFalse();
    assertThat(UriValidator.LOOSE.isValidPattern("com.MyApp", "prefix")).isTrue();
    assertThat(UriValidator.LOOSE.isValidPattern("com..My-Topic", "wildcard")).isTrue();
  }

  // --- reserved prefix ---

  @Test
  void theWampPrefixIsReserved() {
    assertThat(UriValidator.isReserved("wamp.session.get")).isTrue();
    assertThat(UriValidator.isReserved("wamp.error.not_authorized")).isTrue();
    assertThat(UriValidator.isReserved("wamp.")).isTrue();

    assertThat(UriValidator.isReserved("wamp")).isFalse();
    assertThat(UriValidator.isReserved("wampy.topic")).isFalse();
    assertThat(UriValidator.isReserved("com.wamp.topic")).isFalse();
    assertThat(UriValidator.isReserved("WAMP.session.get")).isFalse();
    assertThat(UriValidator.isReserved("")).isFalse();
  }

  /** The character scan must agree with the specification's regular expressions on any input. */
  @Test
  void agreesWithTheSpecificationsRegularExpressions() {
    Pattern loose = Pattern.compile("^([^\\s\\.#]+\\.)*([^\\s\\.#]+)$");
    Pattern strict = Pattern.compile("^([0-9a-z_]+\\.)*([0-9a-z_]+)$");
    Pattern looseWildcard = Pattern.compile("^(([^\\s\\.#]+\\.)|\\.)*([^\\s\\.#]+)?$");
    Pattern strictWildcard = Pattern.compile("^(([0-9a-z_]+\\.)|\\.)*([0-9a-z_]+)?$");
    char[] alphabet = {'a', 'z', '0', '_', '.', '.', '#', ' ', '\t', '\n', 'A', '-', '\u00e9'};
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder uri = new StringBuilder();
      for (int n = random.nextInt(7); n > 0; n--) {
        uri.append(alphabet[random.nextInt(alphabet.length)]);
      }
      String u = uri.toString();
      assertThat(UriValidator.LOOSE.isValid(u))
          .as("loose %s", u)
          .isEqualTo(loose.matcher(u).matches());
      assertThat(UriValidator.STRICT.isValid(u))
          .as("strict %s", u)
          .isEqualTo(strict.matcher(u).matches());
      assertThat(UriValidator.LOOSE.isValidPattern(u, "wildcard"))
          .as("loose wildcard %s", u)
          .isEqualTo(looseWildcard.matcher(u).matches());
      assertThat(UriValidator.STRICT.isValidPattern(u, "wildcard"))
          .as("strict wildcard %s", u)
          .isEqualTo(strictWildcard.matcher(u).matches());
    }
  }
}
