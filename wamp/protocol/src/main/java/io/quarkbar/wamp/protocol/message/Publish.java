package io.quarkbar.wamp.protocol.message;

import java.util.List;
import java.util.Map;

/** {@code [PUBLISH, Request|id, Options|dict, Topic|uri, Arguments|list, ArgumentsKw|dict]}. */
public record Publish(
    long request,
    Map<String, Object> options,
    String topic,
    List<Object> arguments,
    Map<String, Object> argumentsKw)
    implements WampMessage, WithPayload {
  public static final int CODE = 16;

  public Publish {
    arguments = arguments == null ? List.of() : arguments;
    argumentsKw = argumentsKw == null ? Map.of() : argumentsKw;
  }

  @Override
  public int code() {
    return CODE;
  }
}
