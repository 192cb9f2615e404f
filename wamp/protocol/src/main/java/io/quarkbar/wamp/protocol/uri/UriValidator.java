package io.quarkbar.wamp.protocol.uri;

/**
 * URI checks of the specification (rfc/text/basic/building_blocks.md). Components are separated by
 * dots; a component is never empty except in wildcard patterns, and never holds {@code .}, {@code
 * #} or whitespace. The strict form also limits components to {@code [0-9a-z_]}.
 *
 * <p>The checks run on every publish and call, so they scan the characters once instead of running
 * the specification's regular expressions, which they match exactly (the tests hold them side by
 * side).
 */
public enum UriValidator {
  /** {@code ^([^\s\.#]+\.)*([^\s\.#]+)$}: what most routers accept. */
  LOOSE {
    @Override
    boolean isComponentChar(char c) {
      return c != '.' && c != '#' && c != ' ' && (c < '\t' || c > '\r');
    }
  },
  /** {@code ^([0-9a-z_]+\.)*([0-9a-z_]+)$}: recommended by the specification. */
  STRICT {
    @Override
    boolean isComponentChar(char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }
  };

  /** Whether {@code c} may stand in a URI component. */
  abstract boolean isComponentChar(char c);

  /** Whether {@code uri} is a valid concrete URI (for a realm, topic, procedure or error). */
  public boolean isValid(String uri) {
    return uri != null && scan(uri, false);
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
      case "prefix" ->
          uri.isEmpty()
              || scan(uri.endsWith(".") ? uri.substring(0, uri.length() - 1) : uri, false);
      case "wildcard" -> scan(uri, true);
      default -> isValid(uri);
    };
  }

  /** Whether {@code uri} lies under the prefix {@code wamp.} that only the router may use. */
  public static boolean isReserved(String uri) {
    return uri.startsWith(WampUris.RESERVED_PREFIX);
  }

  private boolean scan(String uri, boolean emptyComponents) {
    int n = uri.length();
    if (n == 0) {
      return emptyComponents;
    }
    int componentLength = 0;
    for (int i = 0; i < n; i++) {
      char c = uri.charAt(i);
      if (c == '.') {
        if (componentLength == 0 && !emptyComponents) {
          return false;
        }
        componentLength = 0;
      } else if (isComponentChar(c)) {
        componentLength++;
      } else {
        return false;
      }
    }
    return componentLength > 0 || emptyComponents;
  }
}
