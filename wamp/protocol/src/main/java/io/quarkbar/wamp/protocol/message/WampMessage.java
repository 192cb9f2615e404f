package io.quarkbar.wamp.protocol.message;

/**
 * A WAMP v2 message. Every message type is a record below; the codec and the router dispatch on
 * them with a pattern-matching {@code switch}, so the compiler tells when a type is left out.
 *
 * <p>Dicts ({@code Details}, {@code Options}) are never {@code null} but may be empty. The payload
 * ({@code Arguments}, {@code ArgumentsKw}) is never {@code null}: an absent payload is an empty
 * list or map, and encoders leave out what is empty, as the specification asks.
 */
public sealed interface WampMessage
    permits WithPayload,
        Hello,
        Welcome,
        Abort,
        Challenge,
        Authenticate,
        Goodbye,
        Error,
        Publish,
        Published,
        Subscribe,
        Subscribed,
        Unsubscribe,
        Unsubscribed,
        Event,
        EventReceived,
        Call,
        Cancel,
        Result,
        Register,
        Registered,
        Unregister,
        Unregistered,
        Invocation,
        Interrupt,
        Yield {

  /** The message type code, the first element on the wire. */
  int code();
}
