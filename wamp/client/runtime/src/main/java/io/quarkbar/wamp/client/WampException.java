package io.quarkbar.wamp.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A WAMP error, both ways: thrown by a procedure, it becomes the ERROR the caller gets, with its
 * URI, arguments and keyword arguments; a call that gets an ERROR fails with it. Subclass it for an
 * application's own errors, e.g. {@code new NotFound("forum.error.not_found", "no thread 7")}.
 */
public class WampException extends RuntimeException {

  private final String uri;
  private final transient List<Object> args;
  private final transient Map<String, Object> kwargs;

  public WampException(String uri, List<Object> args, Map<String, Object> kwargs) {
    super(text(uri, args), null, false, false);
    this.uri = uri;
    // Copies that may hold nulls, as WAMP payloads may.
    this.args = args == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(args));
    this.kwargs =
        kwargs == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
  }

  /** An error whose one argument is {@code message}, as Autobahn and Crossbar send them. */
  public WampException(String uri, String message) {
    this(uri, List.of(message), Map.of());
  }

  private static String text(String uri, List<Object> args) {
    return args != null && !args.isEmpty() && args.getFirst() instanceof String s
        ? uri + ": " + s
        : uri;
  }

  /** The error URI, e.g. {@code wamp.error.invalid_argument}. */
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
