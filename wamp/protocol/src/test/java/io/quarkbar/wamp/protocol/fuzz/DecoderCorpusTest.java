package io.quarkbar.wamp.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkbar.wamp.protocol.codec.ProtocolViolationException;
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
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The seed corpus of {@link DecoderFuzzTest}: one valid message of every type in every serializer,
 * which gives the fuzzer each decoder's paths to start from, and a few malformed messages. Files
 * are named {@code <what>.<serializer>}; the {@code bad-} ones must be refused.
 *
 * <p>{@code ./mvnw -pl wamp/protocol test -Dtest=DecoderCorpusTest -Dquarkbar.fuzz.writeSeeds=true}
 * writes the corpus again, after a change to the messages or their encoding.
 */
class DecoderCorpusTest {

  private static final String INPUTS = "DecoderFuzzTestInputs/decode";

  private static final byte[] BLOB = {0x00, 0x01, 0x02, (byte) 0xff};

  @Test
  void theSeedsHoldEveryMessageTypeInEverySerializer() throws IOException {
    Map<Serializer, Set<Class<?>>> found = new EnumMap<>(Serializer.class);
    for (Path seed : seeds()) {
      String name = seed.getFileName().toString();
      if (!name.startsWith("bad-")) {
        Serializer serializer = serializerOf(name);
        WampMessage message = serializer.decode(Files.readAllBytes(seed));
        found.computeIfAbsent(serializer, s -> new HashSet<>()).add(message.getClass());
      }
    }

    Set<Class<?>> everyType =
        new HashSet<>(Arrays.asList(WampMessage.class.getPermittedSubclasses()));
    everyType.removeIf(Class::isInterface); // WithPayload
    for (Serializer serializer : Serializer.values()) {
      assertThat(found.get(serializer))
          .as("message types in %s seeds", serializer)
          .isEqualTo(everyType);
    }
  }

  @Test
  void theMalformedSeedsAreRefused() throws IOException {
    List<Path> bad =
        seeds().stream().filter(p -> p.getFileName().toString().startsWith("bad-")).toList();

    assertThat(bad).isNotEmpty();
    for (Path seed : bad) {
      byte[] bytes = Files.readAllBytes(seed);
      assertThatThrownBy(() -> serializerOf(seed.getFileName().toString()).decode(bytes))
          .as(seed.getFileName().toString())
          .isInstanceOf(ProtocolViolationException.class);
    }
  }

  @Test
  @EnabledIfSystemProperty(named = "quarkbar.fuzz.writeSeeds", matches = "true")
  void writeSeeds() throws IOException {
    Path dir = Path.of("src/test/resources", getClass().getPackageName().replace('.', '/'), INPUTS);
    Files.createDirectories(dir);
    for (Serializer serializer : Serializer.values()) {
      String suffix = "." + serializer.name().toLowerCase(Locale.ROOT);
      for (WampMessage message : everyMessageType()) {
        String name = message.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        Files.write(dir.resolve(name + suffix), serializer.encode(message));
      }
    }
    for (Map.Entry<String, byte[]> bad : malformed().entrySet()) {
      Files.write(dir.resolve(bad.getKey()), bad.getValue());
    }
  }

  /** One message of every type, with payloads that hold every kind of value. */
  static List<WampMessage> everyMessageType() {
    List<Object> args = Arrays.asList("text", 42L, -7L, 2.5, true, false, null, BLOB);
    Map<String, Object> kwargs =
        dict(
            "unicode",
            "Grüße ✓ \uD834\uDD1E \"quoted\" \\ \n\t",
            "nested",
            dict("list", List.of(1L, List.of(), Map.of()), "empty", ""),
            "big",
            1L << 53,
            "negative",
            Long.MIN_VALUE);
    Map<String, Object> roles =
        dict(
            "caller", dict("features", dict("progressive_call_results", true)),
            "callee", Map.of(),
            "publisher", Map.of(),
            "subscriber", Map.of());
    return List.of(
        new Hello("realm1", dict("roles", roles, "authmethods", List.of("anonymous"))),
        new Welcome(1L << 53, dict("roles", dict("broker", Map.of()), "authid", "anonymous-1")),
        new Abort(dict("message", "no"), "wamp.error.no_such_realm", List.of("why"), kwargs),
        new Challenge("wampcra", dict("challenge", "{\"nonce\":1}", "iterations", 1000L)),
        new Authenticate("gir1mSx+deCDUV7FgLvsQNTi6n3W/Z/WcZ/OT9RwdZY=", Map.of()),
        new Goodbye(Map.of(), "wamp.close.close_realm"),
        new Error(Invocation.CODE, 7, Map.of(), "com.myapp.error", args, kwargs),
        new Publish(
            8,
            dict(
                "acknowledge", true, "exclude", List.of(1L, 2L), "eligible_authrole", List.of("a")),
            "com.myapp.topic",
            args,
            kwargs),
        new Published(8, 4429313566L),
        new Subscribe(9, dict("match", "wildcard"), "com..topic"),
        new Subscribed(9, 5512315355L),
        new Unsubscribe(10, 5512315355L),
        new Unsubscribed(10, dict("subscription", 5512315355L, "reason", "wamp.revoked")),
        new Event(5512315355L, 4429313566L, dict("publisher", 3L, "topic", "com.a"), args, kwargs),
        new EventReceived(4429313566L),
        new Call(11, dict("timeout", 1000L, "receive_progress", true), "com.myapp.p", args, kwargs),
        new Cancel(11, dict("mode", "kill")),
        new Result(11, dict("progress", true), List.of(), dict("only", "kwargs")),
        new Register(12, dict("match", "prefix", "invoke", "single"), "com.myapp"),
        new Registered(12, 2103333224L),
        new Unregister(13, 2103333224L),
        new Unregistered(13, Map.of()),
        new Invocation(14, 2103333224L, dict("caller", 3L), args, kwargs),
        new Interrupt(14, dict("mode", "killnowait")),
        new Yield(14, dict("progress", false), List.of(dict("ppt", "no")), Map.of()));
  }

  /** Inputs that every decoder must refuse, each for a reason of its own. */
  private static Map<String, byte[]> malformed() {
    Map<String, byte[]> bad = new LinkedHashMap<>();
    bad.put("bad-truncated.json", utf8("[1,\"realm1\",{\"roles\":{\"caller\":"));
    bad.put("bad-trailing-data.json", utf8("[6,{},\"wamp.close.normal\"] []"));
    bad.put("bad-deep-nesting.json", utf8("[".repeat(1000)));
    bad.put("bad-id-beyond-2-53.json", utf8("[33,1,9007199254740993]"));
    bad.put("bad-invalid-base64.json", utf8("[16,1,{},\"t\",[\"\\u0000!!\"]]"));
    bad.put("bad-wrong-element-type.json", utf8("[32,1,[],\"com.example\"]"));
    bad.put("bad-unknown-type.json", utf8("[99,\"\\ud800\"]"));
    // A list header that promises more elements than follow.
    bad.put("bad-short-list.msgpack", hex("9f01a67265616c6d31"));
    // A string whose length runs past the end of the input.
    bad.put("bad-string-past-end.msgpack", hex("9301da7fff61"));
    bad.put("bad-map-key-is-nil.msgpack", hex("9301a6726f6c657331" + "81c0c3"));
    bad.put("bad-not-a-list.cbor", hex("a0"));
    // An indefinite-length list that never ends.
    bad.put("bad-unterminated-indefinite.cbor", hex("9f01667265616c6d31"));
    // A message type of 1.5.
    bad.put("bad-float-type.cbor", hex("83fb3ff8000000000000667265616c6d31a0"));
    return bad;
  }

  /**
   * The seeds, without what a fuzzing run wrote next to them ({@code crash-*}, {@code
   * slow-unit-*}).
   */
  private static List<Path> seeds() throws IOException {
    try (Stream<Path> files = Files.list(inputsDirectory())) {
      return files.filter(DecoderCorpusTest::isSeed).sorted().toList();
    }
  }

  private static boolean isSeed(Path file) {
    String name = file.getFileName().toString();
    return Stream.of(Serializer.values())
        .anyMatch(s -> name.endsWith("." + s.name().toLowerCase(Locale.ROOT)));
  }

  private static Path inputsDirectory() {
    try {
      return Path.of(DecoderCorpusTest.class.getResource(INPUTS).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Serializer serializerOf(String fileName) {
    String suffix = fileName.substring(fileName.lastIndexOf('.') + 1);
    return Serializer.valueOf(suffix.toUpperCase(Locale.ROOT));
  }

  /** A dict with its keys in the order given, so that the seeds come out the same every time. */
  private static Map<String, Object> dict(Object... keysAndValues) {
    Map<String, Object> d = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      d.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return d;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }
}
