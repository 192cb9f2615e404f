package io.quarkbar.wamp.protocol.serialization;

import static io.quarkbar.wamp.protocol.WireValues.normalize;
import static io.quarkbar.wamp.protocol.serialization.WireBytes.bytes;
import static io.quarkbar.wamp.protocol.serialization.WireBytes.hex;
import static io.quarkbar.wamp.protocol.serialization.WireBytes.hexOf;
import static io.quarkbar.wamp.protocol.serialization.WireBytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkbar.wamp.protocol.codec.MessageCodec;
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
import io.quarkbar.wamp.protocol.message.WithPayload;
import io.quarkbar.wamp.protocol.message.Yield;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class SerializerTest {

  private static final long MAX_ID = 1L << 53;
  private static final byte[] BLOB = {0x00, 0x01, 0x02, (byte) 0xff};

  // --- round trips ---

  /** One message of every type, with payloads that exercise every value kind. */
  static List<WampMessage> everyMessageType() {
    List<Object> args = Arrays.asList("text", 42L, -7L, 2.5, true, false, null, BLOB);
    Map<String, Object> kwargs = new LinkedHashMap<>();
    kwargs.put("unicode", "Grüße ✓ \uD834\uDD1E \"quoted\" \\ \n\t");
    kwargs.put("nested", Map.of("list", List.of(1L, List.of(), Map.of()), "empty", ""));
    kwargs.put("big", MAX_ID);
    kwargs.put("negative", Long.MIN_VALUE);
    kwargs.put("nothing", null);
    return List.of(
        new Hello(
            "com.example.realm",
            Map.of(
                "roles", Map.of("subscriber", Map.of(), "publisher", Map.of()),
                "authmethods", List.of("anonymous", "ticket"),
                "authid", "alice")),
        new Welcome(
            MAX_ID,
            Map.of(
                "roles",
                Map.of("broker", Map.of("features", Map.of("publisher_exclusion", true))))),
        new Abort(Map.of("message", "no"), "wamp.error.no_such_realm", List.of("why"), kwargs),
        new Challenge("wampcra", Map.of("challenge", "{\"nonce\":1}", "iterations", 1000L)),
        new Authenticate("gir1mSx+deCDUV7FgLvsQNTi6n3W/Z/WcZ/OT9RwdZY=", Map.of()),
        new Goodbye(Map.of(), "wamp.close.close_realm"),
        new Error(48, 7, Map.of(), "com.myapp.error", args, kwargs),
        new Publish(
            8,
            Map.of("acknowledge", true, "exclude", List.of(1L, 2L)),
            "com.myapp.topic",
            args,
            kwargs),
        new Published(8, 4429313566L),
        new Subscribe(9, Map.of("match", "prefix"), "com.myapp"),
        new Subscribed(9, 5512315355L),
        new Unsubscribe(10, 5512315355L),
        new Unsubscribed(10, Map.of()),
        new Unsubscribed(0, Map.of("subscription", 5512315355L, "reason", "wamp.revoked")),
        new Event(5512315355L, 4429313566L, Map.of("publisher", 3L), args, kwargs),
        new EventReceived(4429313566L),
        new Call(
            11, Map.of("timeout", 1000L, "receive_progress", true), "com.myapp.p", args, kwargs),
        new Cancel(11, Map.of("mode", "kill")),
        new Result(11, Map.of("progress", true), List.of(), Map.of("only", "kwargs")),
        new Register(12, Map.of("invoke", "roundrobin"), "com.myapp.p"),
        new Registered(12, 2103333224L),
        new Unregister(13, 2103333224L),
        new Unregistered(13, Map.of()),
        new Invocation(14, 2103333224L, Map.of("caller", 3L), args, kwargs),
        new Interrupt(14, Map.of("mode", "killnowait")),
        new Yield(14, Map.of(), args, Map.of()));
  }

  static Stream<Arguments> everyMessageOnEverySerializer() {
    return Stream.of(Serializer.values())
        .flatMap(
            s ->
                everyMessageType().stream()
                    .map(m -> Arguments.of(s, m.getClass().getSimpleName(), m)));
  }

  @Test
  void theSamplesCoverEveryMessageType() {
    assertThat(everyMessageType().stream().map(m -> m.getClass()).distinct())
        .hasSize(WampMessage.class.getPermittedSubclasses().length - 1); // minus WithPayload
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("everyMessageOnEverySerializer")
  void everyMessageSurvivesARoundTrip(Serializer serializer, String type, WampMessage message) {
    WampMessage decoded = serializer.decode(serializer.encode(message));

    assertThat(decoded).isInstanceOf(message.getClass());
    assertThat(decoded).usingRecursiveComparison().isEqualTo(message);
  }

  // --- binary ---

  @Test
  void binaryIsJsonBase64AfterANulCharacter() {
    Event event = new Event(1, 2, Map.of(), List.of(BLOB, "text"), Map.of());

    byte[] json = Serializer.JSON.encode(event);

    assertThat(new String(json, StandardCharsets.UTF_8))
        .isEqualTo("[36,1,2,{},[\"\\u0000AAEC/w==\",\"text\"]]");
    assertThat(((Event) Serializer.JSON.decode(json)).arguments()).containsExactly(BLOB, "text");
  }

  @Test
  void binaryIsMsgpackBinAndTextIsMsgpackStr() {
    Event event = new Event(1, 2, Map.of(), List.of(BLOB, "text"), Map.of());

    byte[] msgpack = Serializer.MSGPACK.encode(event);

    assertThat(hex(msgpack)).isEqualTo("9524010280" + "92" + "c404000102ff" + "a474657874");
    assertThat(((Event) Serializer.MSGPACK.decode(msgpack)).arguments())
        .containsExactly(BLOB, "text");
  }

  @Test
  void binaryIsACborByteStringAndTextACborTextString() {
    Event event = new Event(1, 2, Map.of(), List.of(BLOB, "text"), Map.of());

    byte[] cbor = Serializer.CBOR.encode(event);

    assertThat(hex(cbor)).isEqualTo("85182401" + "02a0" + "82" + "44000102ff" + "6474657874");
    assertThat(((Event) Serializer.CBOR.decode(cbor)).arguments()).containsExactly(BLOB, "text");
  }

  @Test
  void theNulBase64ConventionIsForJsonOnlySoBinarySerializersMayNotStartAStringWithNul() {
    // msgpack str "\u0000AQI=" in [36, 1, 2, {}, [str]]: a string, which a JSON receiver would
    // read as binary (bytes 01 02), so it is refused on arrival.
    byte[] msgpack = bytes("952401028091a5" + "00" + hexOf("AQI="));
    assertViolation(Serializer.MSGPACK, msgpack, "may not start with U+0000");

    byte[] json = utf8("[36,1,2,{},[\"\\u0000AQI=\",\"\\u0000\"]]");
    assertThat(((Event) Serializer.JSON.decode(json)).arguments())
        .containsExactly(new byte[] {1, 2}, new byte[0]);
  }

  @Test
  void jsonBinaryWithInvalidBase64IsAViolation() {
    assertThatThrownBy(() -> Serializer.JSON.decode(utf8("[36,1,2,{},[\"\\u0000***\"]]")))
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining("base64");
  }

  // --- msgpack extension types and floats (what wampy sends) ---

  @Test
  void msgpackExtensionTypeInADictIsLeftOut() {
    // [32, 2, {"match": <ext 0: d4 00 00>}, "com.example.topic"], as wampy writes `undefined`.
    byte[] bytes =
        bytes(
            "942002" + "81" + "a5" + hexOf("match") + "d40000" + "b1" + hexOf("com.example.topic"));

    WampMessage message = Serializer.MSGPACK.decode(bytes);

    assertThat(message).isEqualTo(new Subscribe(2, Map.of(), "com.example.topic"));
  }

  @Test
  void msgpackExtensionTypeInAListIsNull() {
    // [36, 1, 2, {}, ["a", <ext 0>]]
    byte[] bytes = bytes("9524010280" + "92" + "a161" + "d40000");

    Event event = (Event) Serializer.MSGPACK.decode(bytes);

    assertThat(event.arguments()).containsExactly("a", null);
  }

  @Test
  void msgpackDictKeysThatAreNumbersBooleansOrBinaryAreTheirText() {
    // [36, 1, 2, {}, [], {7: "a", true: "b", bin "k": "c", 1.5: "d", -1: "e"}]
    byte[] bytes =
        bytes(
            "9624010280"
                + "90"
                + "85"
                + "07a161"
                + "c3a162"
                + "c4016ba163"
                + "cb3ff8000000000000a164"
                + "ffa165");

    Event event = (Event) Serializer.MSGPACK.decode(bytes);

    assertThat(event.argumentsKw())
        .containsExactly(
            Map.entry("7", "a"),
            Map.entry("true", "b"),
            Map.entry("k", "c"),
            Map.entry("1.5", "d"),
            Map.entry("-1", "e"));
  }

  @Test
  void msgpackNilOrListAsADictKeyIsAViolation() {
    assertViolation(Serializer.MSGPACK, bytes("9624010280" + "90" + "81" + "c0" + "01"), "keys");
    assertViolation(Serializer.MSGPACK, bytes("9624010280" + "90" + "81" + "90" + "01"), "keys");
  }

  @Test
  void msgpackUint64BeyondALongIsABigInteger() {
    // [36, 1, 2, {}, [2^64 - 1, 5 as uint64, -2 as int64]]
    byte[] bytes =
        bytes(
            "9524010280"
                + "93"
                + "cfffffffffffffffff"
                + "cf0000000000000005"
                + "d3fffffffffffffffe");

    Event event = (Event) Serializer.MSGPACK.decode(bytes);

    assertThat(event.arguments())
        .containsExactly(new java.math.BigInteger("18446744073709551615"), 5L, -2L);
  }

  @Test
  void msgpackStringWithInvalidUtf8IsRefusedNotAltered() {
    // [36, 1, 2, {}, [str c3 28]]: a lead byte followed by one that cannot continue it.
    byte[] bytes = bytes("9524010280" + "91" + "a2c328");

    assertViolation(Serializer.MSGPACK, bytes, "invalid MSGPACK");
  }

  @Test
  void msgpackStringHoldingTheReplacementCharacterItselfIsKept() {
    // [36, 1, 2, {}, [str "a\uFFFD" and a dict key "\uFFFD"]]: well-formed UTF-8 (ef bf bd), which
    // the reader checks byte by byte only because a malformed string would decode to the same.
    byte[] bytes = bytes("9624010280" + "91" + "a461efbfbd" + "81" + "a3efbfbd" + "01");

    Event event = (Event) Serializer.MSGPACK.decode(bytes);

    assertThat(event.arguments()).containsExactly("a\uFFFD");
    assertThat(event.argumentsKw()).containsEntry("\uFFFD", 1L);
  }

  @Test
  void msgpackTopLevelFloatOrBinaryIsNamedInTheViolation() {
    assertViolation(Serializer.MSGPACK, bytes("cb3ff8000000000000"), "got a float");
    assertViolation(Serializer.MSGPACK, bytes("c40100"), "got binary");
  }

  @Test
  void integralFloat64IdDecodesAsLong() {
    // [33, 1.0, 2^40 as float64], as wampy writes integers of 2^32 and more.
    byte[] bytes = bytes("9321" + "cb3ff0000000000000" + "cb4270000000000000");

    WampMessage message = Serializer.MSGPACK.decode(bytes);

    assertThat(message).isEqualTo(new Subscribed(1, 1L << 40));
    assertThat(Serializer.JSON.decode(utf8("[33,1.0,1099511627776.0]")))
        .isEqualTo(new Subscribed(1, 1L << 40));
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void nonIntegralFloatIdIsAViolation(Serializer serializer) {
    byte[] bytes = serializer.encodeList(List.of(33, 1, 1.5));

    assertThatThrownBy(() -> serializer.decode(bytes))
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining("Subscription must be an ID")
        .hasMessageContaining("a float");
  }

  // --- malformed input ---

  @Test
  void invalidJsonIsAViolation() {
    assertViolation(Serializer.JSON, utf8("[1, \"com.example.realm\""), "invalid JSON");
    assertViolation(Serializer.JSON, utf8("[1,,2]"), "invalid JSON");
    assertViolation(Serializer.JSON, utf8("not json"), "invalid JSON");
  }

  @Test
  void invalidMsgpackIsAViolation() {
    assertViolation(Serializer.MSGPACK, bytes("c1"), "invalid MSGPACK"); // never-used byte
    assertViolation(Serializer.MSGPACK, bytes("9301"), "invalid MSGPACK"); // list cut short
    assertViolation(Serializer.MSGPACK, bytes("9301b1636f6d"), "invalid MSGPACK"); // string cut
  }

  @Test
  void invalidCborIsAViolation() {
    assertViolation(Serializer.CBOR, bytes("ff"), "invalid CBOR"); // break outside a container
    assertViolation(Serializer.CBOR, bytes("8301"), "invalid CBOR"); // list cut short
    assertViolation(Serializer.CBOR, bytes("830171636f6d"), "invalid CBOR"); // string cut
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void emptyInputIsAViolation(Serializer serializer) {
    assertThatThrownBy(() -> serializer.decode(new byte[0]))
        .isInstanceOf(ProtocolViolationException.class);
  }

  @Test
  void aTopLevelValueOtherThanAListIsAViolation() {
    assertViolation(Serializer.JSON, utf8("{\"a\":1}"), "must be a list, got a dict");
    assertViolation(Serializer.JSON, utf8("42"), "must be a list, got an integer");
    assertViolation(Serializer.JSON, utf8("\"hello\""), "must be a list, got a string");
    assertViolation(Serializer.MSGPACK, bytes("01"), "must be a list, got an integer");
    assertViolation(Serializer.MSGPACK, bytes("80"), "must be a list, got a dict");
    assertViolation(Serializer.CBOR, bytes("a0"), "must be a list, got a dict");
    assertViolation(Serializer.CBOR, bytes("6161"), "must be a list, got a string");
  }

  @Test
  void trailingDataAfterTheMessageIsAViolation() {
    assertViolation(Serializer.JSON, utf8("[35,1][35,2]"), "unexpected data after the message");
    assertViolation(Serializer.JSON, utf8("[35,1] 7"), "unexpected data after the message");
    assertViolation(Serializer.MSGPACK, bytes("922301" + "00"), "unexpected data after");
    assertViolation(Serializer.MSGPACK, bytes("922301" + "922302"), "unexpected data after");
    assertViolation(Serializer.CBOR, bytes("821823" + "01" + "00"), "unexpected data after");
  }

  @Test
  void cborUndefinedOrNullOptionValuesMeanNotSet() {
    // wampy's CBOR encoder writes unset options as "undefined" (f7): SUBSCRIBE [32, 2,
    // {"match": undefined}, "t"]; the router must read it as if match were absent.
    byte[] undefinedMatch = bytes("84" + "1820" + "02" + "a1" + "656d61746368" + "f7" + "6174");
    assertThat(Serializer.CBOR.decode(undefinedMatch)).isEqualTo(new Subscribe(2, Map.of(), "t"));
    assertThat(Serializer.JSON.decode(utf8("[64,3,{\"invoke\":null},\"p\"]")))
        .isEqualTo(new Register(3, Map.of(), "p"));
  }

  @Test
  void anIncompleteValueAfterTheMessageIsAViolation() {
    assertViolation(Serializer.JSON, utf8("[35,1] tru"), "invalid JSON");
    assertViolation(
        Serializer.MSGPACK, bytes("922301" + "cb3ff0"), "unexpected data after the message");
    assertViolation(Serializer.CBOR, bytes("821823" + "01" + "19"), "invalid CBOR");
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void deepNestingIsAViolationNotAStackOverflow(Serializer serializer) {
    // [48, 1, {}, "p", [[[...]]]], 100,000 lists deep: 100 kB, well under the size limit.
    int depth = 100_000;
    byte[] call =
        switch (serializer) {
          case JSON -> utf8("[48,1,{},\"p\",[" + "[".repeat(depth) + "]".repeat(depth) + "]]");
          case MSGPACK -> bytes("95" + "30" + "01" + "80" + "a170" + "91".repeat(depth) + "90");
          case CBOR -> bytes("85" + "1830" + "01" + "a0" + "6170" + "81".repeat(depth) + "80");
        };

    assertThatThrownBy(() -> serializer.decode(call))
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining("nesting depth");
    assertThat(serializer.decode(serializer.encode(new Subscribed(1, 2))))
        .isEqualTo(new Subscribed(1, 2));
  }

  /** JSON is read by a parser that takes one message after another on each thread. */
  @Test
  void aBadJsonMessageDoesNotSpoilTheNextOne() {
    List<String> bad =
        List.of("[35,1", "[35,1] tru", "[35,1] [36", "42", "[35,\"", "[35,1]]", "", " ");
    for (String b : bad) {
      assertThatThrownBy(() -> Serializer.JSON.decode(utf8(b)))
          .as(b)
          .isInstanceOf(ProtocolViolationException.class);
      assertThat(Serializer.JSON.decode(utf8(" [33, 1, 2] ")))
          .as("after " + b)
          .isEqualTo(new Subscribed(1, 2));
    }
  }

  @Test
  void aJsonMessageMayStartWithAByteOrderMark() {
    byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
    byte[] message = utf8("[33,1,2]");
    byte[] withBom = Arrays.copyOf(bom, bom.length + message.length);
    System.arraycopy(message, 0, withBom, bom.length, message.length);

    for (int i = 0; i < 2; i++) {
      assertThat(Serializer.JSON.decode(withBom)).isEqualTo(new Subscribed(1, 2));
    }
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void decodesOnlyTheGivenRangeOfTheBuffer(Serializer serializer) {
    byte[] message = serializer.encode(new Published(1, 2));
    byte[] buffer = new byte[message.length + 6];
    Arrays.fill(buffer, (byte) 0xc1);
    System.arraycopy(message, 0, buffer, 3, message.length);

    assertThat(serializer.decode(buffer, 3, message.length)).isEqualTo(new Published(1, 2));
  }

  // --- wire lists that are not valid messages (every serializer) ---

  static Stream<Arguments> invalidWireLists() {
    return Stream.of(
        Arguments.of(List.of(), "non-empty list"),
        Arguments.of(List.of(99, 1), "unknown message type 99"),
        Arguments.of(List.of(-1, 1), "unknown message type -1"),
        Arguments.of(List.of(true, 1), "message type must be an integer, got a bool"),
        Arguments.of(List.of("HELLO", "realm", Map.of()), "message type must be an integer"),
        Arguments.of(List.of(32, 1, Map.of()), "SUBSCRIBE must have 4 elements, got 3"),
        Arguments.of(
            List.of(32, 1, Map.of(), "com.t", List.of()), "SUBSCRIBE must have 4 elements, got 5"),
        Arguments.of(
            List.of(36, 1, 2, Map.of(), List.of(), Map.of(), "x"),
            "EVENT must have 4 to 6 elements, got 7"),
        Arguments.of(List.of(1, "realm"), "HELLO must have 3 elements, got 2"),
        Arguments.of(List.of(33, true, 5), "SUBSCRIBE.Request must be an ID, got a bool"),
        Arguments.of(List.of(33, 1, false), "Subscription must be an ID, got a bool"),
        Arguments.of(
            List.of(8, true, 1, Map.of(), "com.e"), "REQUEST.Type must be an integer, got a bool"),
        Arguments.of(List.of(33, "1", 5), "SUBSCRIBE.Request must be an ID, got a string"),
        Arguments.of(List.of(32, 1, "x", "com.t"), "Options must be a dict, got a string"),
        Arguments.of(List.of(1, "realm", "roles"), "Details must be a dict, got a string"),
        Arguments.of(List.of(1, "realm", List.of()), "Details must be a dict, got a list"),
        Arguments.of(List.of(1, 7, Map.of()), "Realm must be a string, got an integer"),
        Arguments.of(List.of(36, 1, 2, Map.of(), "x"), "Arguments must be a list, got a string"),
        Arguments.of(
            List.of(36, 1, 2, Map.of(), List.of(), List.of()),
            "ArgumentsKw must be a dict, got a list"),
        Arguments.of(List.of(48, 1, Map.of("timeout", true), "p"), "Options.timeout"),
        Arguments.of(List.of(48, 1, Map.of("timeout", -1), "p"), "Options.timeout"),
        Arguments.of(List.of(32, 1, Map.of("match", "regex"), "t"), "Options.match"),
        Arguments.of(List.of(33, 1, MAX_ID + 1), "Subscription must be an ID in [0, 2^53]"),
        Arguments.of(List.of(33, 1, -1), "Subscription must be an ID in [0, 2^53]"),
        Arguments.of(List.of(2, Long.MAX_VALUE, Map.of()), "Session must be an ID in [0, 2^53]"));
  }

  static Stream<Arguments> invalidWireListsOnEverySerializer() {
    return Stream.of(Serializer.values())
        .flatMap(s -> invalidWireLists().map(a -> Arguments.of(s, a.get()[0], a.get()[1])));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("invalidWireListsOnEverySerializer")
  void invalidWireListIsAViolationNamingTheProblem(
      Serializer serializer, List<Object> wire, String problem) {
    assertViolation(serializer, serializer.encodeList(wire), problem);
  }

  @Test
  void messageCodecChecksWireListsDirectly() {
    assertThatThrownBy(() -> MessageCodec.fromList(List.of(17, 1)))
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessage("PUBLISHED must have 3 elements, got 2");
    assertThat(MessageCodec.fromList(List.of(17, 1, 2))).isEqualTo(new Published(1, 2));
    assertThat(MessageCodec.toList(new Published(1, 2))).containsExactly(17, 1L, 2L);
  }

  // --- payload: empty parts are left out, null is never written ---

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void eventWithoutPayloadHasFourElements(Serializer serializer) {
    byte[] bytes = serializer.encode(new Event(1, 2, Map.of(), List.of(), Map.of()));

    assertThat(serializer.decodeList(bytes, 0, bytes.length)).hasSize(4);
  }

  @Test
  void exactEncodingsOfPayloadShapes() {
    assertThat(json(new Event(1, 2, Map.of(), List.of(), Map.of()))).isEqualTo("[36,1,2,{}]");
    assertThat(json(new Event(1, 2, Map.of(), null, null))).isEqualTo("[36,1,2,{}]");
    assertThat(json(new Event(1, 2, Map.of(), List.of("a"), Map.of())))
        .isEqualTo("[36,1,2,{},[\"a\"]]");
    assertThat(json(new Event(1, 2, Map.of(), List.of("a"), null)))
        .isEqualTo("[36,1,2,{},[\"a\"]]");
    assertThat(json(new Event(1, 2, Map.of(), List.of(), Map.of("k", 1L))))
        .isEqualTo("[36,1,2,{},[],{\"k\":1}]");
    assertThat(json(new Event(1, 2, Map.of(), null, Map.of("k", 1L))))
        .isEqualTo("[36,1,2,{},[],{\"k\":1}]");
    assertThat(json(new Unsubscribed(3, Map.of()))).isEqualTo("[35,3]");
    assertThat(json(new Unregistered(3, null))).isEqualTo("[67,3]");
  }

  /** Each payload-carrying type, built from (arguments, argumentsKw), with its element count. */
  static Stream<Arguments> payloadTypes() {
    return Stream.of(
        payloadType(3, (a, k) -> new Abort(Map.of(), "wamp.close.x", a, k)),
        payloadType(5, (a, k) -> new Error(48, 1, Map.of(), "com.e", a, k)),
        payloadType(4, (a, k) -> new Publish(1, Map.of(), "com.t", a, k)),
        payloadType(4, (a, k) -> new Event(1, 2, Map.of(), a, k)),
        payloadType(4, (a, k) -> new Call(1, Map.of(), "com.p", a, k)),
        payloadType(3, (a, k) -> new Result(1, Map.of(), a, k)),
        payloadType(4, (a, k) -> new Invocation(1, 2, Map.of(), a, k)),
        payloadType(3, (a, k) -> new Yield(1, Map.of(), a, k)));
  }

  private static Arguments payloadType(
      int base, BiFunction<List<Object>, Map<String, Object>, WithPayload> make) {
    return Arguments.of(make.apply(null, null).getClass().getSimpleName(), base, make);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("payloadTypes")
  void nullIsNeverWrittenForArgumentsOrKeywordArguments(
      String type, int base, BiFunction<List<Object>, Map<String, Object>, WithPayload> make) {
    List<Object> none = MessageCodec.toList(make.apply(null, null));
    List<Object> argsOnly = MessageCodec.toList(make.apply(List.of("a"), null));
    List<Object> kwargsOnly = MessageCodec.toList(make.apply(null, Map.of("k", "v")));
    List<Object> emptyBoth = MessageCodec.toList(make.apply(List.of(), Map.of()));

    assertThat(none).hasSize(base).doesNotContainNull();
    assertThat(emptyBoth).hasSize(base).doesNotContainNull();
    assertThat(argsOnly).hasSize(base + 1).doesNotContainNull().last().isEqualTo(List.of("a"));
    assertThat(kwargsOnly).hasSize(base + 2).doesNotContainNull();
    assertThat(kwargsOnly.get(base)).isEqualTo(List.of());
    assertThat(kwargsOnly.get(base + 1)).isEqualTo(Map.of("k", "v"));
    for (Serializer s : Serializer.values()) {
      WithPayload decoded = (WithPayload) s.decode(s.encode(make.apply(null, Map.of("k", "v"))));
      assertThat(decoded.arguments()).isEmpty();
      assertThat(decoded.argumentsKw()).isEqualTo(Map.of("k", "v"));
    }
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void absentPayloadDecodesAsEmptyNotNull(Serializer serializer) {
    Event event = (Event) serializer.decode(serializer.encodeList(List.of(36, 1, 2, Map.of())));

    assertThat(event.arguments()).isNotNull().isEmpty();
    assertThat(event.argumentsKw()).isNotNull().isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void transparentPayloadIsWrittenUnwrapped(Serializer serializer) {
    Publish publish =
        new Publish(1, Map.of("ppt_scheme", "x_custom"), "com.t", List.of(BLOB), Map.of());

    byte[] bytes = serializer.encode(publish);
    List<Object> wire = serializer.decodeList(bytes, 0, bytes.length);

    assertThat(wire).hasSize(5);
    assertThat(wire.get(4)).isEqualTo(BLOB);
    assertThat(serializer.decode(bytes)).usingRecursiveComparison().isEqualTo(publish);
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void transparentPayloadThatIsAListIsForwardedWhole(Serializer serializer) {
    // With ppt_serializer "native" the opaque payload may be any value, a list of one too.
    Map<String, Object> options = Map.of("ppt_scheme", "mqtt", "ppt_serializer", "native");
    byte[] bytes =
        serializer.encodeList(List.of(Publish.CODE, 1, options, "com.t", List.of("only")));

    Publish decoded = (Publish) serializer.decode(bytes);
    byte[] forwarded =
        serializer.encode(new Event(2, 3, options, decoded.arguments(), decoded.argumentsKw()));

    List<Object> wire = serializer.decodeList(forwarded, 0, forwarded.length);
    assertThat(wire).hasSize(5);
    assertThat(wire.get(4)).isEqualTo(List.of("only"));
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void transparentPayloadFollowedByAnEmptyKwargsKeepsItsBrackets(Serializer serializer) {
    // Autobahn|JS sends [CALL, 1, {ppt...}, proc, [payload], {}]: the payload is [payload], whole.
    Map<String, Object> options = Map.of("ppt_scheme", "x_custom", "ppt_serializer", "native");
    byte[] bytes =
        serializer.encodeList(List.of(Publish.CODE, 1, options, "com.t", List.of(BLOB), Map.of()));

    Publish decoded = (Publish) serializer.decode(bytes);
    byte[] forwarded =
        serializer.encode(new Event(2, 3, options, decoded.arguments(), decoded.argumentsKw()));

    List<Object> wire = serializer.decodeList(forwarded, 0, forwarded.length);
    assertThat(wire).hasSize(5);
    assertThat(wire.get(4)).isInstanceOf(List.class);
    assertThat((byte[]) ((List<?>) wire.get(4)).getFirst()).containsExactly(BLOB);
  }

  // --- IDs ---

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void idsUpToTwoToThe53SurviveExactly(Serializer serializer) {
    for (long id :
        new long[] {0, 1, (1L << 31) - 1, 1L << 31, (1L << 32) - 1, 1L << 32, MAX_ID - 1, MAX_ID}) {
      Published published = new Published(id, MAX_ID - id);
      assertThat(serializer.decode(serializer.encode(published))).isEqualTo(published);
    }
  }

  @Test
  void largestIdIsWrittenAsAnIntegerInJson() {
    assertThat(json(new Published(MAX_ID, MAX_ID)))
        .isEqualTo("[17,9007199254740992,9007199254740992]");
    assertThat(hex(Serializer.MSGPACK.encode(new Published(MAX_ID, 1))))
        .isEqualTo("9311cf002000000000000001");
    assertThat(hex(Serializer.CBOR.encode(new Published(MAX_ID, 1))))
        .isEqualTo("83111b002000000000000001");
  }

  // --- subprotocols ---

  @Test
  void serializersAreFoundByTheirSubprotocol() {
    assertThat(Serializer.forSubprotocol("wamp.2.json")).contains(Serializer.JSON);
    assertThat(Serializer.forSubprotocol("wamp.2.msgpack")).contains(Serializer.MSGPACK);
    assertThat(Serializer.forSubprotocol("wamp.2.cbor")).contains(Serializer.CBOR);
    assertThat(Serializer.forSubprotocol("wamp.2.ubjson")).isEqualTo(Optional.empty());
    assertThat(Serializer.JSON.isBinary()).isFalse();
    assertThat(Serializer.MSGPACK.isBinary()).isTrue();
    assertThat(Serializer.CBOR.isBinary()).isTrue();
  }

  // --- helpers ---

  private static void assertViolation(Serializer serializer, byte[] bytes, String problem) {
    assertThatThrownBy(() -> serializer.decode(bytes))
        .as("%s decoding %s", serializer, hex(bytes))
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining(problem);
  }

  private static String json(WampMessage message) {
    byte[] bytes = Serializer.JSON.encode(message);
    // The same wire list on the binary serializers, so the JSON text speaks for all three.
    for (Serializer s : List.of(Serializer.MSGPACK, Serializer.CBOR)) {
      byte[] other = s.encode(message);
      assertThat(normalize(s.decodeList(other, 0, other.length)))
          .isEqualTo(normalize(Serializer.JSON.decodeList(bytes, 0, bytes.length)));
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
