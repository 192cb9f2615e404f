package io.quarkbar.wamp.router;

import java.util.List;
import java.util.Map;

/**
 * A call the router itself made was answered with ERROR {@code error}, or got no answer in time
 * ({@link io.quarkbar.wamp.protocol.uri.WampUris#TIMEOUT}).
 */
public final class CallFailure extends RuntimeException {

  private final String error;
  private final transient List<Object> arguments;
  private final transient Map<String, Object> argumentsKw;

  public CallFailure(String error, List<Object> arguments, Map<String, Object> argumentsKw) {
    super(error + (!arguments.isEmpty() ? " " + arguments.getFirst() : ""), null, false, false);
    this.error = error;
    this.arguments = arguments;
    this.argumentsKw = argumentsKw;
  }

  /** The ERROR's URI. */
  public String error() {
    return error;
  }

  public List<Object> arguments() {
    return arguments;
  }

  public Map<String, Object> argumentsKw() {
    return argumentsKw;
  }

  /** The ERROR's first argument when it is a string (the human-readable message), or null. */
  public String text() {
    return !arguments.isEmpty() && arguments.getFirst() instanceof String s ? s : null;
  }
}
