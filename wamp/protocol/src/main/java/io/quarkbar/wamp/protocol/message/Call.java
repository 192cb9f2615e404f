package io.quarkbar.wamp.protocol.message;

import java.util.List;
import java.util.Map;

/** {@code [CALL, Request|id, Options|dict, Procedure|uri, Arguments|list, ArgumentsKw|dict]}. */
public record Call(
    long request,
    Map<String, Object> options,
    String procedure,
    List<Object> arguments,
    Map<String, Object> argumentsKw)
    implements WampMessage, WithPayload {
  public static final int CODE = 48;

  public Call {
    arguments = arguments == null ? List.of() : arguments;
    argumentsKw = argumentsKw == null ? Map.of() : argumentsKw;
  }

  @Override
  public int code() {
    return CODE;
  }
}
