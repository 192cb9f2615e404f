package io.quarkbar.wamp.protocol.serialization;

import static io.quarkbar.wamp.protocol.WireValues.normalize;
import static io.quarkbar.wamp.protocol.serialization.WireBytes.bytes;
import static io.quarkbar.wamp.protocol.serialization.WireBytes.hex;
import static io.quarkbar.wamp.protocol.serialization.WireBytes.hexOf;
import static io.quarkbar.wamp.protocol.serialization.WireBytes.text;
import static io.quarkbar.wamp.protocol.serialization.WireBytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkbar.wamp.protocol.codec.ProtocolViolationException;
import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Published;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.message.WithPayload;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The router forwards a payload (Arguments and ArgumentsKw) as the bytes it arrived in when the
 * receiver speaks the same serializer, and converts it when not; either way the receiver gets the
 * values the sender sent, and a payload that is not valid is refused when it arrives.
 */
class PayloadPassthroughTest {

  /**
   * A CALL in each serializer whose payload is valid but not how our writer would put it (spaces,
   * {@code 1.50}, an indefinite-length CBOR array, over-long msgpack integers), so that a payload
   * that was re-encoded would show; with the values it holds.
   */
  static Stream<Arguments> unusualPayloads() {
    List<Object> args = List.of("café", 5L, true);
    Map<String, Object> kwargs = Map.of("k", List.of(1.5));
    return Stream.of(
        Arguments.of(
            Serializer.JSON,
            utf8("[48, 7, {}, \"com.p\", [ \"caf\\u00e9\" , 5 , true ], {\"k\" : [ 1.50 ]}]"),
            "[ \"caf\\u00e9\" , 5 , true ]",
            "{\"k\" : [ 1.50 ]}",
            args,
            kwargs),
        Arguments.of(
            Serializer.CBOR,
            // [48, 7, {}, "com.p", [_ "café", 5 as a one-byte uint, true], {"k": [1.5 as float64]}]
            bytes(
                "86"
                    + "1830"
                    + "07"
                    + "a0"
                    + "65"
                    + hexOf("com.p")
                    + PAYLOAD_CBOR_ARGS
                    + "a1"
                    + "61"
                    + hexOf("k")
                    + "81"
                    + "fb3ff8000000000000"),
            PAYLOAD_CBOR_ARGS,
            "a1" + "61" + hexOf("k") + "81" + "fb3ff8000000000000",
            args,
            kwargs),
        Arguments.of(
            Serializer.MSGPACK,
            // [48, 7, {}, "com.p", ["café" as str8, 5 as int64, true], {"k": [1.5]}]
            bytes(
                "96"
                    + "30"
                    + "07"
                    + "80"
                    + "a5"
                    + hexOf("com.p")
                    + PAYLOAD_MSGPACK_ARGS
                    + "81"
                    + "a1"
                    + hexOf("k")
                    + "91"
                    + "cb3ff8000000000000"),
            PAYLOAD_MSGPACK_ARGS,
            "81" + "a1" + hexOf("k") + "91" + "cb3ff8000000000000",
            args,
            kwargs));
  }

  private static final String PAYLOAD_CBOR_ARGS = "9f" + "65" + hexOf("café") + "1805" + "f5ff";
  private static final String PAYLOAD_MSGPACK_ARGS =
      "93" + "d905" + hexOf("café") + "d30000000000000005" + "c3";

  @ParameterizedTest(name = "{0}")
  @MethodSource("unusualPayloads")
  void aPayloadLeavesInTheBytesItArrivedIn(
      Serializer serializer, byte[] call, String argsText, String kwargsText) {
    byte[] invocation = serializer.encode(forward((Call) serializer.decode(call)));

    if (serializer.isBinary()) {
      assertThat(hex(invocation)).endsWith(argsText + kwargsText);
    } else {
      assertThat(text(invocation)).endsWith("," + argsText + "," + kwargsText + "]");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unusualPayloads")
  void aPayloadIsConvertedForAReceiverOfAnotherSerializer(
      Serializer serializer,
      byte[] call,
      String argsText,
      String kwargsText,
      List<Object> args,
      Map<String, Object> kwargs) {
    Invocation forwarded = forward((Call) serializer.decode(call));
    for (Serializer other : Serializer.values()) {
      byte[] bytes = other.encode(forwarded);
      Invocation received = (Invocation) other.decode(bytes);
      assertThat(normalize(received.arguments()))
          .as("%s to %s", serializer, other)
          .isEqualTo(normalize(args));
      assertThat(normalize(received.argumentsKw()))
          .as("%s to %s", serializer, other)
          .isEqualTo(normalize(kwargs));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unusualPayloads")
  void aForwardedPayloadReadsLikeAnyListAndDict(
      Serializer serializer,
      byte[] call,
      String argsText,
      String kwargsText,
      List<Object> args,
      Map<String, Object> kwargs) {
    Call decoded = (Call) serializer.decode(call);

    assertThat(decoded.arguments()).hasSize(3).isEqualTo(args);
    assertThat(decoded.arguments().get(1)).isEqualTo(5L);
    assertThatThrownBy(() -> decoded.arguments().get(3))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> decoded.arguments().add("more"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(decoded.argumentsKw()).isEqualTo(kwargs).containsKey("k").hasSize(1);
    assertThatThrownBy(() -> decoded.argumentsKw().put("k", "other"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  /**
   * The reader finds the payload by MessageCodec.payloadIndex, a second statement of the layouts
   * that MessageCodec.fromList reads: every message type with a payload must agree.
   */
  @ParameterizedTest
  @EnumSource(Serializer.class)
  void everyMessageTypeWithAPayloadKeepsItsBytes(Serializer serializer) {
    for (WampMessage message : SerializerTest.everyMessageType()) {
      if (!(message instanceof WithPayload sent)) {
        continue;
      }
      WithPayload received = (WithPayload) serializer.decode(serializer.encode(message));
      String type = message.getClass().getSimpleName();
      if (!sent.arguments().isEmpty()) {
        assertThat(received.arguments()).as(type).isInstanceOf(Encoded.class);
        assertThat(((Encoded) received.arguments()).bytesIn(serializer)).as(type).isNotNull();
      }
      if (!sent.argumentsKw().isEmpty()) {
        assertThat(received.argumentsKw()).as(type).isInstanceOf(Encoded.class);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void aPayloadDecodedFromTheMiddleOfABufferLeavesWithTheRightBytes(Serializer serializer) {
    Call call = new Call(7, Map.of(), "com.p", List.of("a", List.of(1L, 2L)), Map.of("b", "c"));
    byte[] message = serializer.encode(call);
    byte[] buffer = new byte[message.length + 6];
    Arrays.fill(buffer, (byte) 0xc1);
    System.arraycopy(message, 0, buffer, 3, message.length);

    Invocation forwarded = forward((Call) serializer.decode(buffer, 3, message.length));

    assertThat(serializer.encode(forwarded))
        .isEqualTo(
            serializer.encode(new Invocation(1, 2, Map.of(), call.arguments(), Map.of("b", "c"))));
  }

  /**
   * JSON payloads are skipped over, not decoded, on the way in: they must be checked all the same.
   */
  static Stream<Arguments> invalidJsonPayloads() {
    return Stream.of(
        Arguments.of(utf8("[48,1,{},\"p\",[\"a\",\"b\\x\"]]"), "invalid JSON"),
        Arguments.of(utf8("[48,1,{},\"p\",[\"tab\there\"]]"), "invalid JSON"),
        Arguments.of(utf8("[48,1,{},\"p\",[1,2}]"), "invalid JSON"),
        Arguments.of(utf8("[48,1,{},\"p\",[1,[2]"), "invalid JSON"),
        Arguments.of(utf8("[48,1,{},\"p\",[],{\"k\":tru}]"), "invalid JSON"),
        Arguments.of(utf8("[48,1,{},\"p\",[],{\"k\" 1}]"), "invalid JSON"),
        Arguments.of(utf8("[48,1,{},\"p\",[\"\\u0000***\"]]"), "base64"),
        Arguments.of(utf8("[48,1,{},\"p\",[],{\"bin\":[\"\\u0000A\"]}]"), "base64"),
        Arguments.of(
            utf8("[48,1,{},\"p\",[" + "[".repeat(250) + "]".repeat(250) + "]]"), "invalid JSON"),
        Arguments.of(invalidUtf8InArgs(), "invalid JSON"));
  }

  @ParameterizedTest
  @MethodSource("invalidJsonPayloads")
  void anInvalidJsonPayloadIsAViolationWhenItArrives(byte[] call, String problem) {
    assertThatThrownBy(() -> Serializer.JSON.decode(call))
        .as(text(call))
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining(problem);
  }

  @Test
  void binaryInAJsonPayloadIsForwardedAndConverted() {
    byte[] call = utf8("[48,1,{},\"p\",[\"\\u0000AQI=\"]]");

    Invocation forwarded = forward((Call) Serializer.JSON.decode(call));

    assertThat(text(Serializer.JSON.encode(forwarded))).endsWith(",[\"\\u0000AQI=\"]]");
    Invocation asMsgpack =
        (Invocation) Serializer.MSGPACK.decode(Serializer.MSGPACK.encode(forwarded));
    assertThat(asMsgpack.arguments()).containsExactly(new byte[] {1, 2});
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void writingGoesOnAfterAValueThatCannotBeWritten(Serializer serializer) {
    byte[] before = serializer.encode(new Published(1, 2));
    Result bad = new Result(3, Map.of(), List.of("fine", new Object()), Map.of());

    assertThatThrownBy(() -> serializer.encode(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot serialize a java.lang.Object");
    assertThat(serializer.encode(new Published(1, 2))).isEqualTo(before);
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void largeAndSmallMessagesInTurnComeOutWhole(Serializer serializer) {
    byte[] small = serializer.encode(new Published(1, 2));
    String text = "x".repeat(300_000);
    WampMessage large = new Result(3, Map.of(), List.of(text, text), Map.of("k", text));

    for (int i = 0; i < 2; i++) {
      assertThat(serializer.decode(serializer.encode(large))).isEqualTo(large);
      assertThat(serializer.encode(new Published(1, 2))).isEqualTo(small);
    }
  }

  // --- helpers ---

  /** What the dealer does with a CALL's payload. */
  private static Invocation forward(Call call) {
    return new Invocation(1, 2, Map.of(), call.arguments(), call.argumentsKw());
  }

  private static byte[] invalidUtf8InArgs() {
    byte[] prefix = utf8("[48,1,{},\"p\",[\"a");
    byte[] suffix = utf8("\"]]");
    byte[] call = Arrays.copyOf(prefix, prefix.length + 2 + suffix.length);
    // A two-byte sequence whose second byte is not a continuation byte.
    call[prefix.length] = (byte) 0xc3;
    call[prefix.length + 1] = (byte) 0x41;
    System.arraycopy(suffix, 0, call, prefix.length + 2, suffix.length);
    return call;
  }
}
