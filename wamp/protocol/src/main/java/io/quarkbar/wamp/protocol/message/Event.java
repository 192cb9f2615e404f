package io.quarkbar.wamp.protocol.message;

import java.util.List;
import java.util.Map;

/**
 * {@code [EVENT, SUBSCRIBED.Subscription|id, PUBLISHED.Publication|id, Details|dict,
 * Arguments|list, ArgumentsKw|dict]}.
 */
public record Event(
    long subscription,
    long publication,
    Map<String, Object> details,
    List<Object> arguments,
    Map<String, Object> argumentsKw)
    implements WampMessage, WithPayload {
  public static final int CODE = 36;

  public Event {
    arguments = arguments == null ? List.of() : arguments;
    argumentsKw = argumentsKw == null ? Map.of() : argumentsKw;
  }

  @Override
  public int code() {
    return CODE;
  }
}
