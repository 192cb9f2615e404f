package io.quarkbar.wamp.router.fuzz;

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
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One fuzz input played against an {@link Arena}: attacker connections send what the {@link Script}
 * says, as raw frames or as messages built from its bytes. Built messages draw their URIs from
 * those the arena uses and their IDs from those the attackers have seen, so that the fuzzer reaches
 * the broker's and dealer's state instead of bouncing off unknown IDs.
 */
final class Attack {

  /** Open attacker connections at once; more would only slow each input down. */
  static final int MAX_OPEN = 4;

  static final int MAX_CONNECTIONS = 16;
  static final int MAX_STEPS = 512;
  static final int MAX_FRAME = 4096;
  static final long MAX_ID = 1L << 53;

  static final List<Serializer> SERIALIZERS = List.of(Serializer.values());

  static final List<String> URIS =
      List.of(
          Arena.PROCEDURE,
          Arena.TOPIC,
          "com.fuzz",
          "com.fuzz.mine",
          "com..topic",
          "com.fuzz.",
          "",
          "wamp.session.get",
          "wamp.close.normal",
          "wamp.error.canceled",
          "com.fuzz.echo.more",
          "com fuzz",
          "..",
          "com.#.topic",
          "Com.Fuzz.Topic",
          "com.fuzz.topic2",
          // Valid for the loose URI check, but text only some serializers carry as it is.
          "com.fuzz.\udc00",
          "com.\u0000.topic");

  static final List<String> OPTION_KEYS =
      List.of(
          "acknowledge",
          "exclude_me",
          "exclude",
          "eligible",
          "exclude_authid",
          "exclude_authrole",
          "eligible_authid",
          "eligible_authrole",
          "disclose_me",
          "match",
          "invoke",
          "disclose_caller",
          "receive_progress",
          "progress",
          "timeout",
          "ppt_scheme",
          "ppt_serializer",
          "ppt_cipher",
          "ppt_keyid",
          "mode",
          "x_custom");

  static final List<String> MATCH = List.of("exact", "prefix", "wildcard", "fuzzy");
  static final List<String> INVOKE = List.of("single", "roundrobin", "random", "first", "last");
  static final List<String> ROLE_NAMES = List.of("anonymous", "admin", "");
  static final List<String> PPT = List.of("wamp", "x_custom", "mqtt", "cbor", "native", "json");

  /**
   * Strings that a serializer may not carry as they are: a lone surrogate, which only some can
   * write; and text that starts with U+0000, which JSON reads as base64 binary.
   */
  static final List<String> TRICKY_TEXT =
      List.of("\udc00", "\ud800x", "\uD834\uDD1E", "\u0000", "\u0000AAAA", "\u0000?", "\uFEFF");

  /** Integers at and beyond what msgpack (64 bits) and IDs (2^53) hold. */
  static final List<BigInteger> BIG =
      List.of(
          BigInteger.ONE.shiftLeft(64),
          BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE),
          BigInteger.ONE.shiftLeft(63).negate().subtract(BigInteger.ONE),
          BigInteger.ONE.shiftLeft(100));

  private final Arena arena;
  private final Script script;
  private final List<Peer> open = new ArrayList<>();
  private final List<Peer> everyAttacker = new ArrayList<>();
  private Peer current;

  /** IDs seen so far: the well-behaved sessions', and whatever the router told attackers. */
  private final List<Long> ids;

  /** The types of message the router sent attackers: how far the input got. */
  final Set<Class<? extends WampMessage>> received = new HashSet<>();

  Attack(Arena arena, byte[] input) {
    this.arena = arena;
    this.script = new Script(input);
    this.ids = new ArrayList<>(arena.wellBehavedIds);
  }

  /** Plays the whole script, then disconnects every attacker. */
  void run() {
    connect(script.pick(SERIALIZERS));
    for (int step = 0; step < MAX_STEPS && script.hasMore(); step++) {
      step(script.op());
      arena.pump();
      listen();
    }
    for (Peer attacker : everyAttacker) {
      attacker.transport.disconnect();
    }
  }

  private void step(Script.Op op) {
    switch (op) {
      case FRAME -> current.transport.sendBytesToRouter(script.bytes(script.u16() % MAX_FRAME));
      case CONNECT -> connect(script.pick(SERIALIZERS));
      case SWITCH -> {
        if (!open.isEmpty()) {
          current = open.get(script.u8() % open.size());
        }
      }
      case DISCONNECT -> {
        current.transport.disconnect();
        open.remove(current);
      }
      case HELLO -> send(new Hello(realm(), helloDetails()));
      case SUBSCRIBE -> send(new Subscribe(id(), options(), uri()));
      case UNSUBSCRIBE -> send(new Unsubscribe(id(), id()));
      case PUBLISH -> send(new Publish(id(), options(), uri(), args(), kwargs()));
      case REGISTER -> send(new Register(id(), options(), uri()));
      case UNREGISTER -> send(new Unregister(id(), id()));
      case CALL -> send(new Call(id(), options(), uri(), args(), kwargs()));
      case YIELD -> send(new Yield(id(), options(), args(), kwargs()));
      case ERROR -> send(new Error(requestType(), id(), options(), uri(), args(), kwargs()));
      case GOODBYE -> send(new Goodbye(options(), uri()));
      case ABORT -> send(new Abort(options(), uri(), args(), kwargs()));
      case CANCEL -> send(new Cancel(id(), options()));
      case AUTHENTICATE -> send(new Authenticate(script.text(), options()));
      case STRAY -> send(stray());
    }
  }

  private void connect(Serializer serializer) {
    open.removeIf(Peer::isClosed);
    if (open.size() < MAX_OPEN && everyAttacker.size() < MAX_CONNECTIONS) {
      current =
          new Peer("attacker" + everyAttacker.size(), arena.router, serializer, Arena.ATTACKERS);
      open.add(current);
      everyAttacker.add(current);
    }
  }

  /**
   * Sends a well-formed message (the transport encodes it and hands the router the decoded bytes),
   * unless the router has closed the connection, or the attacker's serializer cannot write it: no
   * client can send those.
   */
  private void send(WampMessage message) {
    if (!current.isClosed() && canWrite(current.serializer, message)) {
      current.send(message);
    }
  }

  private static boolean canWrite(Serializer serializer, WampMessage message) {
    try {
      serializer.encode(message);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Takes what the router sent attackers, keeping the IDs in it for later messages. */
  private void listen() {
    for (Peer attacker : everyAttacker) {
      WampMessage m;
      while ((m = attacker.poll()) != null) {
        received.add(m.getClass());
        switch (m) {
          case Welcome w -> remember(w.session());
          case Subscribed s -> remember(s.subscription());
          case Registered r -> remember(r.registration());
          case Invocation i -> {
            remember(i.request());
            remember(i.registration());
          }
          case Event e -> remember(e.publication());
          case Published p -> remember(p.publication());
          default -> {}
        }
      }
    }
  }

  private void remember(long id) {
    ids.add(id);
  }

  // --- values drawn from the script ---

  long id() {
    return switch (script.u8() % 8) {
      case 0 -> script.u8();
      // Counted from the most recent, so that a seed can name "the registration just made".
      case 1 -> ids.get(ids.size() - 1 - script.u8() % ids.size());
      case 2 -> 0;
      case 3 -> MAX_ID;
      case 4 -> MAX_ID + 1;
      case 5 -> -1;
      case 6 -> script.bits(4);
      default -> script.bits(7);
    };
  }

  String uri() {
    int s = script.u8();
    return (s & 3) == 0 ? script.text() : URIS.get((s >>> 2) % URIS.size());
  }

  private String realm() {
    return switch (script.u8() % 4) {
      case 0, 1 -> Arena.REALM;
      case 2 -> "realm2";
      default -> script.text();
    };
  }

  private Map<String, Object> helloDetails() {
    Map<String, Object> details = options();
    switch (script.u8() % 4) {
      case 0 -> details.put("roles", Arena.ROLES);
      case 1 -> details.put("roles", Map.of());
      case 2 -> details.put("roles", value(1));
      default -> details.put("roles", Map.of("callee", Map.of()));
    }
    switch (script.u8() % 4) {
      case 0 -> {}
      case 1 -> details.put("authmethods", List.of("anonymous"));
      case 2 -> details.put("authmethods", List.of("ticket", "wampcra"));
      default -> details.put("authmethods", value(1));
    }
    return details;
  }

  private int requestType() {
    int s = script.u8();
    return s < 192 ? Invocation.CODE : s - 192;
  }

  Map<String, Object> options() {
    Map<String, Object> options = new LinkedHashMap<>();
    int n = script.u8() % 5;
    for (int i = 0; i < n; i++) {
      int s = script.u8();
      String key = (s & 7) == 7 ? script.text() : OPTION_KEYS.get((s >>> 3) % OPTION_KEYS.size());
      options.put(key, optionValue(key));
    }
    return options;
  }

  /** Mostly a value of the type the specification gives the key; sometimes anything at all. */
  private Object optionValue(String key) {
    if (script.u8() % 4 == 0) {
      return value(1);
    }
    return switch (key) {
      case "acknowledge",
          "exclude_me",
          "disclose_me",
          "disclose_caller",
          "receive_progress",
          "progress" ->
          script.flag();
      case "exclude", "eligible" -> {
        List<Object> list = new ArrayList<>();
        for (int i = script.u8() % 4; i > 0; i--) {
          list.add(id());
        }
        yield list;
      }
      case "exclude_authid", "eligible_authid" -> List.of("anonymous-" + id());
      case "exclude_authrole", "eligible_authrole" -> List.of(script.pick(ROLE_NAMES));
      case "match" -> script.pick(MATCH);
      case "invoke" -> script.pick(INVOKE);
      case "timeout" -> (long) script.u16();
      case "ppt_scheme", "ppt_serializer", "ppt_cipher", "ppt_keyid" -> script.pick(PPT);
      default -> value(1);
    };
  }

  List<Object> args() {
    int n = script.u8() % 4;
    List<Object> args = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      args.add(value(1));
    }
    return args;
  }

  Map<String, Object> kwargs() {
    Map<String, Object> kwargs = new LinkedHashMap<>();
    for (int i = script.u8() % 3; i > 0; i--) {
      kwargs.put(script.text(), value(1));
    }
    return kwargs;
  }

  /** Any value a serializer carries, nested at most three deep. */
  private Object value(int depth) {
    int kind = script.u8() % 12;
    // Deep nesting is the decoders' business, which raw frames reach; here it would only cost time.
    if (depth >= 3 && kind >= 10) {
      kind = 6;
    }
    return switch (kind) {
      case 0 -> null;
      case 1 -> true;
      case 2 -> false;
      case 3 -> (long) (byte) script.u8();
      case 4 -> (long) script.bits(8);
      case 5 -> Double.longBitsToDouble(script.bits(8));
      case 6 -> script.text();
      case 7 -> script.bytes(script.u8() % 32);
      case 8 -> script.pick(TRICKY_TEXT);
      case 9 -> script.pick(BIG);
      case 10 -> {
        List<Object> list = new ArrayList<>();
        for (int i = script.u8() % 4; i > 0; i--) {
          list.add(value(depth + 1));
        }
        yield list;
      }
      default -> {
        Map<String, Object> dict = new LinkedHashMap<>();
        for (int i = script.u8() % 4; i > 0; i--) {
          dict.put(script.text(), value(depth + 1));
        }
        yield dict;
      }
    };
  }

  /** A message that only a router may send; a client that sends one breaks the protocol. */
  private WampMessage stray() {
    return switch (script.u8() % 12) {
      case 0 -> new Welcome(id(), options());
      case 1 -> new Challenge(script.text(), options());
      case 2 -> new Published(id(), id());
      case 3 -> new Subscribed(id(), id());
      case 4 -> new Unsubscribed(id(), options());
      case 5 -> new Event(id(), id(), options(), args(), kwargs());
      case 6 -> new EventReceived(id());
      case 7 -> new Result(id(), options(), args(), kwargs());
      case 8 -> new Registered(id(), id());
      case 9 -> new Unregistered(id(), options());
      case 10 -> new Invocation(id(), id(), options(), args(), kwargs());
      default -> new Interrupt(id(), options());
    };
  }
}
