package io.quarkbar.wamp.protocol.message;

import java.util.List;
import java.util.Map;

/**
 * A message that ends with the application payload {@code Arguments|list, ArgumentsKw|dict}. The
 * router passes the payload on without looking into it.
 */
public sealed interface WithPayload extends WampMessage
    permits Abort, Error, Publish, Event, Call, Result, Invocation, Yield {

  /** Positional arguments; empty, never {@code null}, when the sender left them out. */
  List<Object> arguments();

  /** Keyword arguments; empty, never {@code null}, when the sender left them out. */
  Map<String, Object> argumentsKw();
}
