package io.quarkbar.wamp.protocol.codec;

import io.quarkbar.wamp.protocol.message.Abort;
import io.quarkbar.wamp.protocol.message.Authenticate;
import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Cancel;
import io.quarkbar.wamp.protocol.message.Challenge;
import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.EventReceived;
import io.quarkbar.wamp.protocol.message.Goodbye;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.Interrupt;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Publish;
import io.quarkbar.wamp.protocol.message.Published;
import io.quarkbar.wamp.protocol.message.Register;
import io.quarkbar.wamp.protocol.message.Registered;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.Subscribe;
import io.quarkbar.wamp.protocol.message.Subscribed;
import io.quarkbar.wamp.protocol.message.Unregister;
import io.quarkbar.wamp.protocol.message.Unregistered;
import io.quarkbar.wamp.protocol.message.Unsubscribe;
import io.quarkbar.wamp.protocol.message.Unsubscribed;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.message.WithPayload;
import io.quarkbar.wamp.protocol.message.Yield;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns the wire form of a message (the list that every serializer reads and writes) into a message
 * record and back. The two directions mirror each other message by message, so that the code can be
 * held against the specification's table of layouts.
 *
 * <p>Decoding checks what the specification fixes: the element count for the type, the type of
 * every element (an integer never stands in for a bool), IDs in [0, 2^53], and the types of the
 * well-known Options and Details keys ({@link OptionsValidator}). It does not check URIs: a bad URI
 * is answered with an ERROR by the router, not with a protocol violation.
 */
public final class MessageCodec {

  /** The largest WAMP ID, 2^53. */
  public static final long MAX_ID = 1L << 53;

  private MessageCodec() {}

  /**
   * Where a message of type {@code code} has its {@code Arguments|list} in the wire list, with
   * {@code ArgumentsKw|dict} after it; -1 for a type that carries no payload.
   */
  public static int payloadIndex(long code) {
    if (code == Call.CODE
        || code == Publish.CODE
        || code == Event.CODE
        || code == Invocation.CODE) {
      return 4;
    }
    if (code == Yield.CODE || code == Result.CODE || code == Abort.CODE) {
      return 3;
    }
    return code == Error.CODE ? 5 : -1;
  }

  /** Builds the message that the wire list {@code wire} stands for. */
  public static WampMessage fromList(List<?> wire) {
    if (wire.isEmpty()) {
      throw new ProtocolViolationException("a WAMP message is a non-empty list");
    }
    Fields f = new Fields(wire);
    int code = f.messageType();
    return switch (code) {
      case Hello.CODE -> {
        f.count("HELLO", 3, 3);
        yield new Hello(f.string(1, "Realm"), f.dict(2, "Details"));
      }
      case Welcome.CODE -> {
        f.count("WELCOME", 3, 3);
        yield new Welcome(f.id(1, "Session"), f.dict(2, "Details"));
      }
      case Abort.CODE -> {
        f.count("ABORT", 3, 5);
        yield new Abort(f.dict(1, "Details"), f.string(2, "Reason"), f.args(3), f.kwargs(4));
      }
      case Challenge.CODE -> {
        f.count("CHALLENGE", 3, 3);
        yield new Challenge(f.string(1, "AuthMethod"), f.dict(2, "Extra"));
      }
      case Authenticate.CODE -> {
        f.count("AUTHENTICATE", 3, 3);
        yield new Authenticate(f.string(1, "Signature"), f.dict(2, "Extra"));
      }
      case Goodbye.CODE -> {
        f.count("GOODBYE", 3, 3);
        yield new Goodbye(f.dict(1, "Details"), f.string(2, "Reason"));
      }
      case Error.CODE -> {
        f.count("ERROR", 5, 7);
        Map<String, Object> details = f.dict(3, "Details");
        yield new Error(
            (int) f.integer(1, "REQUEST.Type"),
            f.id(2, "REQUEST.Request"),
            details,
            f.string(4, "Error"),
            f.args(5, details),
            f.kwargs(6));
      }
      case Publish.CODE -> {
        f.count("PUBLISH", 4, 6);
        Map<String, Object> options = f.dict(2, "Options");
        yield new Publish(
            f.id(1, "Request"), options, f.string(3, "Topic"), f.args(4, options), f.kwargs(5));
      }
      case Published.CODE -> {
        f.count("PUBLISHED", 3, 3);
        yield new Published(f.id(1, "PUBLISH.Request"), f.id(2, "Publication"));
      }
      case Subscribe.CODE -> {
        f.count("SUBSCRIBE", 4, 4);
        yield new Subscribe(f.id(1, "Request"), f.dict(2, "Options"), f.string(3, "Topic"));
      }
      case Subscribed.CODE -> {
        f.count("SUBSCRIBED", 3, 3);
        yield new Subscribed(f.id(1, "SUBSCRIBE.Request"), f.id(2, "Subscription"));
      }
      case Unsubscribe.CODE -> {
        f.count("UNSUBSCRIBE", 3, 3);
        yield new Unsubscribe(f.id(1, "Request"), f.id(2, "SUBSCRIBED.Subscription"));
      }
      case Unsubscribed.CODE -> {
        f.count("UNSUBSCRIBED", 2, 3);
        yield new Unsubscribed(f.id(1, "UNSUBSCRIBE.Request"), f.optionalDict(2, "Details"));
      }
      case Event.CODE -> {
        f.count("EVENT", 4, 6);
        Map<String, Object> details = f.dict(3, "Details");
        yield new Event(
            f.id(1, "SUBSCRIBED.Subscription"),
            f.id(2, "PUBLISHED.Publication"),
            details,
            f.args(4, details),
            f.kwargs(5));
      }
      case EventReceived.CODE -> {
        f.count("EVENT_RECEIVED", 2, 2);
        yield new EventReceived(f.id(1, "EVENT.Publication"));
      }
      case Call.CODE -> {
        f.count("CALL", 4, 6);
        Map<String, Object> options = f.dict(2, "Options");
        yield new Call(
            f.id(1, "Request"), options, f.string(3, "Procedure"), f.args(4, options), f.kwargs(5));
      }
      case Cancel.CODE -> {
        f.count("CANCEL", 3, 3);
        yield new Cancel(f.id(1, "CALL.Request"), f.dict(2, "Options"));
      }
      case Result.CODE -> {
        f.count("RESULT", 3, 5);
        Map<String, Object> details = f.dict(2, "Details");
        yield new Result(f.id(1, "CALL.Request"), details, f.args(3, details), f.kwargs(4));
      }
      case Register.CODE -> {
        f.count("REGISTER", 4, 4);
        yield new Register(f.id(1, "Request"), f.dict(2, "Options"), f.string(3, "Procedure"));
      }
      case Registered.CODE -> {
        f.count("REGISTERED", 3, 3);
        yield new Registered(f.id(1, "REGISTER.Request"), f.id(2, "Registration"));
      }
      case Unregister.CODE -> {
        f.count("UNREGISTER", 3, 3);
        yield new Unregister(f.id(1, "Request"), f.id(2, "REGISTERED.Registration"));
      }
      case Unregistered.CODE -> {
        f.count("UNREGISTERED", 2, 3);
        yield new Unregistered(f.id(1, "UNREGISTER.Request"), f.optionalDict(2, "Details"));
      }
      case Invocation.CODE -> {
        f.count("INVOCATION", 4, 6);
        Map<String, Object> details = f.dict(3, "Details");
        yield new Invocation(
            f.id(1, "Request"),
            f.id(2, "REGISTERED.Registration"),
            details,
            f.args(4, details),
            f.kwargs(5));
      }
      case Interrupt.CODE -> {
        f.count("INTERRUPT", 3, 3);
        yield new Interrupt(f.id(1, "INVOCATION.Request"), f.dict(2, "Options"));
      }
      case Yield.CODE -> {
        f.count("YIELD", 3, 5);
        Map<String, Object> options = f.dict(2, "Options");
        yield new Yield(f.id(1, "INVOCATION.Request"), options, f.args(3, options), f.kwargs(4));
      }
      default -> throw new ProtocolViolationException("unknown message type " + code);
    };
  }

  /** The wire list of {@code message}; an empty payload is left out, as the specification asks. */
  public static List<Object> toList(WampMessage message) {
    List<Object> wire = new ArrayList<>(7);
    wire.add(message.code());
    switch (message) {
      case Hello m -> add(wire, m.realm(), m.details());
      case Welcome m -> add(wire, m.session(), m.details());
      case Abort m -> add(wire, m.details(), m.reason());
      case Challenge m -> add(wire, m.authMethod(), m.extra());
      case Authenticate m -> add(wire, m.signature(), m.extra());
      case Goodbye m -> add(wire, m.details(), m.reason());
      case Error m -> add(wire, m.requestType(), m.request(), m.details(), m.error());
      case Publish m -> add(wire, m.request(), m.options(), m.topic());
      case Published m -> add(wire, m.request(), m.publication());
      case Subscribe m -> add(wire, m.request(), m.options(), m.topic());
      case Subscribed m -> add(wire, m.request(), m.subscription());
      case Unsubscribe m -> add(wire, m.request(), m.subscription());
      case Unsubscribed m -> addWithOptionalDict(wire, m.request(), m.details());
      case Event m -> add(wire, m.subscription(), m.publication(), m.details());
      case EventReceived m -> wire.add(m.publication());
      case Call m -> add(wire, m.request(), m.options(), m.procedure());
      case Cancel m -> add(wire, m.request(), m.options());
      case Result m -> add(wire, m.request(), m.details());
      case Register m -> add(wire, m.request(), m.options(), m.procedure());
      case Registered m -> add(wire, m.request(), m.registration());
      case Unregister m -> add(wire, m.request(), m.registration());
      case Unregistered m -> addWithOptionalDict(wire, m.request(), m.details());
      case Invocation m -> add(wire, m.request(), m.registration(), m.details());
      case Interrupt m -> add(wire, m.request(), m.options());
      case Yield m -> add(wire, m.request(), m.options());
    }
    if (message instanceof WithPayload p) {
      addPayload(wire, p);
    }
    return wire;
  }

  private static void add(List<Object> wire, Object... elements) {
    for (Object e : elements) {
      wire.add(e);
    }
  }

  private static void addWithOptionalDict(List<Object> wire, long request, Map<String, Object> d) {
    wire.add(request);
    if (d != null && !d.isEmpty()) {
      wire.add(d);
    }
  }

  private static void addPayload(List<Object> wire, WithPayload p) {
    List<Object> args = p.arguments();
    Map<String, Object> kwargs = p.argumentsKw();
    if (kwargs.isEmpty() && args.size() == 1 && Payloads.isTransparent(dictOf(p))) {
      wire.add(args.getFirst());
      return;
    }
    if (!args.isEmpty() || !kwargs.isEmpty()) {
      wire.add(args);
    }
    if (!kwargs.isEmpty()) {
      wire.add(kwargs);
    }
  }

  private static Map<String, Object> dictOf(WithPayload p) {
    return switch (p) {
      case Abort m -> m.details();
      case Error m -> m.details();
      case Publish m -> m.options();
      case Event m -> m.details();
      case Call m -> m.options();
      case Result m -> m.details();
      case Invocation m -> m.details();
      case Yield m -> m.options();
    };
  }
}
