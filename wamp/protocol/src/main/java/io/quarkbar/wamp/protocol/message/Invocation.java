package io.quarkbar.wamp.protocol.message;

import java.util.List;
import java.util.Map;

/**
 * {@code [INVOCATION, Request|id, REGISTERED.Registration|id, Details|dict, CALL.Arguments|list,
 * CALL.ArgumentsKw|dict]}.
 */
public record Invocation(
    long request,
    long registration,
    Map<String, Object> details,
    List<Object> arguments,
    Map<String, Object> argumentsKw)
    implements WampMessage, WithPayload {
  public static final int CODE = 68;

  public Invocation {
    arguments = arguments == null ? List.of() : arguments;
    argumentsKw = argumentsKw == null ? Map.of() : argumentsKw;
  }

  @Override
  public int code() {
    return CODE;
  }
}
