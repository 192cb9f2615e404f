package io.quarkbar.wamp.protocol.message;

import java.util.List;
import java.util.Map;

/**
 * {@code [ERROR, REQUEST.Type|int, REQUEST.Request|id, Details|dict, Error|uri, Arguments|list,
 * ArgumentsKw|dict]}: a request failed.
 */
public record Error(
    int requestType,
    long request,
    Map<String, Object> details,
    String error,
    List<Object> arguments,
    Map<String, Object> argumentsKw)
    implements WampMessage, WithPayload {
  public static final int CODE = 8;

  public Error {
    arguments = arguments == null ? List.of() : arguments;
    argumentsKw = argumentsKw == null ? Map.of() : argumentsKw;
  }

  @Override
  public int code() {
    return CODE;
  }
}
