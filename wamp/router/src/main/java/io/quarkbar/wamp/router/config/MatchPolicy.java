package io.quarkbar.wamp.router.config;

/** How a pattern (subscription, registration, permission) matches a concrete URI. */
public enum MatchPolicy {
  /** The URI itself. */
  EXACT,
  /** Every URI that starts with the pattern ({@code ""} matches all). */
  PREFIX,
  /** Same number of components; an empty pattern component matches any one component. */
  WILDCARD;

  /** The policy for a WAMP {@code match} option value; {@code null} means exact. */
  public static MatchPolicy fromWamp(Object match) {
    if (match == null) {
      return EXACT;
    }
    return switch (match.toString()) {
      case "prefix" -> PREFIX;
      case "wildcard" -> WILDCARD;
      default -> EXACT;
    };
  }

  /** The WAMP {@code match} option value. */
  public String wampName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
