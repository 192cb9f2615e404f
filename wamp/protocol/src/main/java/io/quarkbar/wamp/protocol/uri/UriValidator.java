package io.quarkbar.wamp.protocol.uri;

import java.util.regex.Pattern;

/**
 * URI checks of the specification (rfc/text/basic/building_blocks.md). Components are separated by
 * dots; a component is never empty except in wildcard patterns, and never holds {@code .}, {@code
 * #} or whitespace. The strict form also limits components to {@code [0-9a-z_]}.
 */
public enum UriValidator {
  /** {@code ^([^\s\.#]+\.)*([^\s\.#]+)$}: what most routers accept. */
  LOOSE(
      Pattern.compile("^([^\\s.#]+\\.)*([^\\s.#]+)$"),
      Pattern.compile("^(([^\\s.#]+\\.)|\\.)*([^\\s.#]+)?$")),
  /** {@code ^([0-9a-z_]+\.)*([0-9a-z_]+)$}: recommended by the specification. */
  STRICT(
      Pattern.compile("^([0-9a-z_]+\\.)*([0-9a-z_]+)$"),
      Pattern.compile("^(([0-9a-z_]+\\.)|\\.)*([0-9a-z_]+)?$"));

  private final Pattern exact;
  private final Pattern wildcard;

  UriValidator(Pattern exact, Pattern wildcard) {
    this.exact = exact;
    this.wildcard = wildcard;
  }

  /** Whether {@code uri} is a valid concrete URI (for a realm, topic, procedure or error). */
  public boolean isValid(String uri) {
    return uri != null && exact.matcher(uri).matches();
  }

  /**
   * Whether {@code uri} is valid as a subscription or registration pattern under {@code match}
   * ({@code exact}, {@code prefix} or {@code wildcard}). A prefix may be empty (it matches every
   * URI) and may end with a dot; a wildcard pattern may have empty components.
   */
  public boolean isValidPattern(String uri, String match) {
    if (uri == null) {
      return false;
    }
    return switch (match) {
      case "prefix" -> uri.isEmpty() || isValid(uri.endsWith(".") ? uri + "x" : uri);
      case "wildcard" -> wildcard.matcher(uri).matches();
      default -> isValid(uri);
    };
  }

  /** Whether {@code uri} lies under the prefix {@code wamp.} that only the router may use. */
  public static boolean isReserved(String uri) {
    return uri.startsWith(WampUris.RESERVED_PREFIX);
  }
}
