package io.quarkbar.wamp.protocol.message;

import java.util.List;
import java.util.Map;

/**
 * {@code [ABORT, Details|dict, Reason|uri, Arguments|list, ArgumentsKw|dict]}: a session ends
 * before or instead of opening.
 */
public record Abort(
    Map<String, Object> details,
    String reason,
    List<Object> arguments,
    Map<String, Object> argumentsKw)
    implements WampMessage, WithPayload {
  public static final int CODE = 3;

  public Abort {
    arguments = arguments == null ? List.of() : arguments;
    argumentsKw = argumentsKw == null ? Map.of() : argumentsKw;
  }

  @Override
  public int code() {
    return CODE;
  }
}
