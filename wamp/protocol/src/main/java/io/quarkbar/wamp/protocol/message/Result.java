package io.quarkbar.wamp.protocol.message;

import java.util.List;
import java.util.Map;

/**
 * {@code [RESULT, CALL.Request|id, Details|dict, YIELD.Arguments|list, YIELD.ArgumentsKw|dict]}.
 */
public record Result(
    long request,
    Map<String, Object> details,
    List<Object> arguments,
    Map<String, Object> argumentsKw)
    implements WampMessage, WithPayload {
  public static final int CODE = 50;

  public Result {
    arguments = arguments == null ? List.of() : arguments;
    argumentsKw = argumentsKw == null ? Map.of() : argumentsKw;
  }

  @Override
  public int code() {
    return CODE;
  }
}
