package io.quarkbar.wamp.client.core;

import java.util.List;
import java.util.Map;

/**
 * A WAMP error: the ERROR a router or callee answered (its URI, arguments and keyword arguments),
 * or the client's own reason a request could not be made or answered.
 */
public class WampError extends RuntimeException {

  /** The session ended (the connection dropped, or the router closed it) before an answer came. */
  public static final String SESSION_LOST = "quarkbar.error.session_lost";

  /** The client is not connected, and calls made while disconnected fail at once. */
  public static final String NOT_CONNECTED = "quarkbar.error.not_connected";

  private final String uri;
  private final transient List<Object> args;
  private final transient Map<String, Object> kwargs;

  public WampError(String uri, List<Object> args, Map<String, Object> kwargs) {
    super(describe(uri, args), null, false, false);
    this.uri = uri;
    this.args = args == null ? List.of() : args;
    this.kwargs = kwargs == null ? Map.of() : kwargs;
  }

  public WampError(String uri, String message) {
    this(uri, List.of(message), Map.of());
  }

  private static String describe(String uri, List<Object> args) {
    return args != null && !args.isEmpty() && args.getFirst() instanceof String s
        ? uri + ": " + s
        : uri;
  }

  /** The error URI, e.g. {@code wamp.error.no_such_procedure}. */
  public String uri() {
    return uri;
  }

  public List<Object> args() {
    return args;
  }

  public Map<String, Object> kwargs() {
    return kwargs;
  }
}
