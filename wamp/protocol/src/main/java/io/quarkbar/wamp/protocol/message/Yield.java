package io.quarkbar.wamp.protocol.message;

import java.util.List;
import java.util.Map;

/** {@code [YIELD, INVOCATION.Request|id, Options|dict, Arguments|list, ArgumentsKw|dict]}. */
public record Yield(
    long request,
    Map<String, Object> options,
    List<Object> arguments,
    Map<String, Object> argumentsKw)
    implements WampMessage, WithPayload {
  public static final int CODE = 70;

  public Yield {
    arguments = arguments == null ? List.of() : arguments;
    argumentsKw = argumentsKw == null ? Map.of() : argumentsKw;
  }

  @Override
  public int code() {
    return CODE;
  }
}
