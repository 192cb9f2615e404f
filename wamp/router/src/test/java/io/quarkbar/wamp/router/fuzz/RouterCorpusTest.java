package io.quarkbar.wamp.router.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.protocol.message.Abort;
import io.quarkbar.wamp.protocol.message.Authenticate;
import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Cancel;
import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.Goodbye;
import io.quarkbar.wamp.protocol.message.Hello;
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
import io.quarkbar.wamp.router.fuzz.Script.Op;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The seed corpus of {@link RouterFuzzTest}: for every serializer, an attacker session that sends
 * every message a client sends, once as raw frames and once built by the fuzz script; two attackers
 * that call each other and leave in the middle; messages only a router sends; variations of HELLO;
 * and malformed frames. Files are named {@code <what>.<serializer of the first connection>}.
 *
 * <p>{@code ./mvnw -pl wamp/router test -Dtest=RouterCorpusTest -Dquarkbar.fuzz.writeSeeds=true}
 * writes the corpus again, after a change to the script format or the messages.
 */
class RouterCorpusTest {

  private static final String INPUTS = "RouterFuzzTestInputs/attackers";

  /** The attacker's session seeds take it through the broker and the dealer, and out again. */
  @ParameterizedTest
  @EnumSource(Serializer.class)
  void theSessionSeedsReachTheBrokerAndTheDealer(Serializer serializer) throws IOException {
    for (String seed : List.of("raw-session", "built-session")) {
      Arena arena = new Arena();
      Attack attack = new Attack(arena, committed(seed, serializer));

      attack.run();

      assertThat(attack.received)
          .as(seed + " in " + serializer)
          .contains(
              Welcome.class,
              Subscribed.class,
              Published.class,
              Event.class,
              Registered.class,
              Invocation.class,
              Result.class,
              Error.class,
              Unsubscribed.class,
              Unregistered.class,
              Goodbye.class);
      arena.checkUnaffected();
    }
  }

  @Test
  void aCalleeThatLeavesFailsTheCallsInFlight() throws IOException {
    Arena arena = new Arena();
    Attack attack = new Attack(arena, committed("two-attackers", Serializer.JSON));

    attack.run();

    assertThat(attack.received).contains(Invocation.class, Error.class, Event.class);
    arena.checkUnaffected();
  }

  @Test
  @EnabledIfSystemProperty(named = "quarkbar.fuzz.writeSeeds", matches = "true")
  void writeSeeds() throws IOException {
    Path dir = Path.of("src/test/resources", getClass().getPackageName().replace('.', '/'), INPUTS);
    Files.createDirectories(dir);
    for (Serializer s : Serializer.values()) {
      Serializer other = Serializer.values()[(s.ordinal() + 1) % 3];
      String suffix = "." + s.name().toLowerCase(Locale.ROOT);
      Files.write(dir.resolve("raw-session" + suffix), rawSession(s));
      Files.write(dir.resolve("built-session" + suffix), builtSession(s));
      Files.write(dir.resolve("two-attackers" + suffix), twoAttackers(s, other));
      Files.write(dir.resolve("router-messages" + suffix), routerMessages(s));
      Files.write(dir.resolve("hello-variants" + suffix), helloVariants(s));
      Files.write(dir.resolve("bad-frames" + suffix), badFrames(s));
    }
  }

  // --- the seeds ---

  /** Every message a client sends, as the frames a client library would write. */
  static byte[] rawSession(Serializer s) {
    Seed seed = new Seed(s);
    seed.frame(s, new Hello(Arena.REALM, Map.of("roles", Arena.ROLES)));
    seed.frame(s, new Subscribe(1, Map.of(), Arena.TOPIC));
    seed.frame(
        s,
        new Publish(
            2,
            dict("acknowledge", true, "exclude_me", false),
            Arena.TOPIC,
            List.of("hello", 1L),
            dict("k", "v")));
    seed.frame(s, new Register(3, Map.of(), "com.fuzz.mine"));
    // The attacker calls itself: INVOCATION 1 comes back to it, and its YIELD becomes the RESULT.
    seed.frame(s, new Call(4, Map.of(), "com.fuzz.mine", List.of(1L), Map.of()));
    seed.frame(s, new Yield(1, Map.of(), List.of("back"), Map.of()));
    seed.frame(
        s,
        new Call(
            5, dict("receive_progress", true), Arena.PROCEDURE, List.of("via callee"), Map.of()));
    seed.frame(s, new Call(6, Map.of(), "com.fuzz.mine", List.of(), Map.of()));
    seed.frame(s, new Error(Invocation.CODE, 2, Map.of(), "com.fuzz.error", List.of("no"), dict()));
    seed.frame(s, new Cancel(6, Map.of()));
    seed.frame(s, new Register(7, dict("match", "prefix"), "com.fuzz.mine.more"));
    seed.frame(s, new Unsubscribe(8, 1));
    seed.frame(s, new Unregister(9, 2));
    seed.frame(s, new Goodbye(Map.of(), "wamp.close.close_realm"));
    // Without a challenge, AUTHENTICATE breaks the protocol; ABORT is a client's way out.
    for (WampMessage last :
        List.of(
            new Authenticate("secret", Map.of()),
            new Abort(dict("message", "bye"), "wamp.close.normal", List.of(), Map.of()))) {
      seed.connect(s);
      seed.frame(s, new Hello(Arena.REALM, Map.of("roles", Arena.ROLES)));
      seed.frame(s, last);
    }
    return seed.bytes();
  }

  /**
   * The same session built by the script, with the IDs the router handed out: what the fuzzer
   * mutates into messages with other options, URIs and IDs.
   */
  static byte[] builtSession(Serializer s) {
    Seed seed = new Seed(s);
    seed.hello();
    seed.op(Op.SUBSCRIBE).id(1).options("match", "exact").uri(Arena.TOPIC);
    seed.op(Op.PUBLISH).id(2).options("acknowledge", true, "exclude_me", false);
    seed.uri(Arena.TOPIC).args("hello").noKwargs();
    seed.op(Op.REGISTER).id(3).options("disclose_caller", true).uri("com.fuzz.mine");
    seed.op(Op.CALL).id(4).options("receive_progress", true).uri("com.fuzz.mine");
    seed.args("ping").noKwargs();
    // The INVOCATION's request ID is the second latest ID seen (its registration is the latest).
    seed.op(Op.YIELD).latestId(1).options("progress", true).args("partial").noKwargs();
    seed.op(Op.YIELD).latestId(1).options().args("final").noKwargs();
    seed.op(Op.CALL).id(5).options().uri(Arena.PROCEDURE).args("via callee").noKwargs();
    seed.op(Op.CALL).id(6).options().uri("com.fuzz.mine").noArgs().noKwargs();
    seed.op(Op.ERROR).u8(0).latestId(1).options().uri("wamp.error.canceled");
    seed.noArgs().noKwargs();
    seed.op(Op.CANCEL).id(6).options("mode", "kill");
    // Seen since SUBSCRIBED: the publication (as EVENT and PUBLISHED), the registration, and two
    // invocations with their registration.
    seed.op(Op.UNSUBSCRIBE).id(7).latestId(7);
    seed.op(Op.UNREGISTER).id(8).latestId(0);
    seed.op(Op.GOODBYE).options().uri("wamp.close.normal");
    return seed.bytes();
  }

  /** A callee that leaves while a call to it is in flight, and publications filtered by ID. */
  static byte[] twoAttackers(Serializer s, Serializer other) {
    Seed seed = new Seed(s);
    seed.hello();
    seed.op(Op.REGISTER).id(1).options().uri("com.fuzz.mine");
    seed.op(Op.SUBSCRIBE).id(2).options("match", "wildcard").uri("com..topic");
    seed.connect(other);
    seed.hello();
    seed.op(Op.CALL).id(1).options().uri("com.fuzz.mine").args("hang on").noKwargs();
    seed.op(Op.PUBLISH).id(2).options("exclude", List.of(0), "exclude_me", false);
    seed.uri(Arena.TOPIC).args("to all").noKwargs();
    seed.op(Op.SWITCH).u8(0);
    seed.op(Op.DISCONNECT);
    seed.op(Op.SWITCH).u8(0);
    seed.op(Op.PUBLISH).id(3).options("eligible", List.of(0)).uri(Arena.TOPIC);
    seed.args("to no one").noKwargs();
    return seed.bytes();
  }

  /** Messages that only a router sends, from a client that joined and from one that did not. */
  static byte[] routerMessages(Serializer s) {
    Seed seed = new Seed(s);
    seed.frame(s, new Welcome(1, Map.of()));
    // How many bytes each of them takes from the script (Attack#stray), all zero here.
    int[] sizes = {3, 2, 4, 4, 3, 7, 2, 5, 4, 3, 7, 3};
    for (int type = 0; type < sizes.length; type++) {
      seed.connect(s);
      seed.hello();
      seed.op(Op.STRAY).u8(type);
      for (int i = 0; i < sizes[type]; i++) {
        seed.u8(0);
      }
    }
    return seed.bytes();
  }

  /** HELLOs the router turns down, and one it takes after them on a fresh connection. */
  static byte[] helloVariants(Serializer s) {
    Seed seed = new Seed(s);
    seed.frame(s, new Hello("realm2", Map.of("roles", Arena.ROLES)));
    seed.connect(s);
    seed.frame(s, new Hello(Arena.REALM, Map.of("roles", Map.of())));
    seed.connect(s);
    seed.frame(s, new Hello("not a uri", Map.of("roles", Arena.ROLES)));
    seed.connect(s);
    seed.frame(
        s, new Hello(Arena.REALM, dict("roles", Arena.ROLES, "authmethods", List.of("ticket"))));
    seed.connect(s);
    seed.hello();
    seed.hello();
    return seed.bytes();
  }

  /** Frames that are not WAMP messages, each on a connection of its own. */
  static byte[] badFrames(Serializer s) {
    Seed seed = new Seed(s);
    byte[] hello = s.encode(new Hello(Arena.REALM, Map.of("roles", Arena.ROLES)));
    seed.frame(Arrays.copyOf(hello, hello.length / 2));
    seed.connect(s);
    seed.frame(s, new Hello(Arena.REALM, Map.of("roles", Arena.ROLES)));
    seed.frame("[".repeat(300).getBytes(StandardCharsets.UTF_8));
    seed.connect(s);
    seed.frame(s, new Hello(Arena.REALM, Map.of("roles", Arena.ROLES)));
    seed.frame(new byte[] {(byte) 0x93, 0x10, (byte) 0xff, 0x00});
    seed.connect(s);
    seed.frame(new byte[0]);
    return seed.bytes();
  }

  // --- writing scripts ---

  /** A script in the format {@link Attack} reads, written step by step. */
  private static final class Seed {

    private final Script.Writer w = new Script.Writer();

    Seed(Serializer first) {
      w.pick(Attack.SERIALIZERS, first);
    }

    Seed op(Op op) {
      w.op(op);
      return this;
    }

    Seed u8(int b) {
      w.u8(b);
      return this;
    }

    void frame(byte[] bytes) {
      w.op(Op.FRAME).u16(bytes.length).bytes(bytes);
    }

    void frame(Serializer s, WampMessage message) {
      frame(s.encode(message));
    }

    void connect(Serializer s) {
      w.op(Op.CONNECT).pick(Attack.SERIALIZERS, s);
    }

    /** HELLO to the arena's realm with every role and no other details. */
    void hello() {
      w.op(Op.HELLO).u8(0).u8(0).u8(0).u8(0);
    }

    Seed id(int small) {
      w.u8(0).u8(small);
      return this;
    }

    /** The {@code back}-th latest ID the attackers have seen, 0 being the latest. */
    Seed latestId(int back) {
      w.u8(1).u8(back);
      return this;
    }

    Seed uri(String known) {
      w.u8(Attack.URIS.indexOf(known) << 2 | 1);
      return this;
    }

    /**
     * Options with their values written as the type the key takes: booleans, {@code match} and
     * {@code mode} by name, and lists of small IDs.
     */
    Seed options(Object... keysAndValues) {
      w.u8(keysAndValues.length / 2);
      for (int i = 0; i < keysAndValues.length; i += 2) {
        String key = (String) keysAndValues[i];
        w.u8(Attack.OPTION_KEYS.indexOf(key) << 3).u8(1);
        switch (keysAndValues[i + 1]) {
          case Boolean b -> w.flag(b);
          case String v when key.equals("match") -> w.pick(Attack.MATCH, v);
          case List<?> ids -> {
            w.u8(ids.size());
            ids.forEach(id -> id((Integer) id));
          }
          // "mode" is not a key the script types: any value, here text.
          case String v -> w.u8(6).text(v);
          default -> throw new IllegalArgumentException(key);
        }
      }
      return this;
    }

    Seed args(String... texts) {
      w.u8(texts.length);
      for (String t : texts) {
        w.u8(6).text(t);
      }
      return this;
    }

    Seed noArgs() {
      w.u8(0);
      return this;
    }

    Seed noKwargs() {
      w.u8(0);
      return this;
    }

    byte[] bytes() {
      return w.toByteArray();
    }
  }

  private static byte[] committed(String seed, Serializer serializer) throws IOException {
    String name = seed + "." + serializer.name().toLowerCase(Locale.ROOT);
    try {
      return Files.readAllBytes(
          Path.of(RouterCorpusTest.class.getResource(INPUTS + "/" + name).toURI()));
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> dict(Object... keysAndValues) {
    Map<String, Object> d = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      d.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return d;
  }
}
