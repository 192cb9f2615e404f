package io.quarkbar.wamp.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkbar.wamp.protocol.codec.ProtocolViolationException;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * What {@link DecoderFuzzTest} found, each cut down to one message. A decoder may refuse a message
 * or accept it, but what it accepts the router must be able to send on to receivers of every
 * serializer; most of these accept values that a serializer cannot write, so the failure comes
 * later, on the sender's thread in the middle of routing.
 */
class DecoderFindingsTest {

  @Test
  void aLoneSurrogateEscapeFromJsonCanBeSentToCbor() {
    assertSentOnIfAccepted(Serializer.JSON, utf8("[16,1,{},\"com.example.topic\",[\"\\udd1e\"]]"));
  }

  @Test
  void aSurrogateEncodedInUtf8FromCborCanBeSentToCbor() {
    // PUBLISH to the topic ED B0 80, the UTF-8 form of the lone surrogate U+DC00.
    assertSentOnIfAccepted(Serializer.CBOR, hex("84" + "10" + "01" + "a0" + "63edb080"));
  }

  @Test
  void anIntegerBeyond64BitsFromJsonCanBeSentToMsgpack() {
    assertSentOnIfAccepted(
        Serializer.JSON, utf8("[16,1,{},\"com.example.topic\",[18446744073709551616]]"));
  }

  @Test
  void aSurrogateEncodedInUtf8InAJsonPayloadCanBeSentToMsgpack() {
    // ED A0 80 is the UTF-8 form of the lone surrogate U+D800.
    byte[] withSurrogate =
        concat(utf8("[16,1,{},\"com.example.topic\",[\""), hex("eda080"), utf8("\"]]"));

    assertSentOnIfAccepted(Serializer.JSON, withSurrogate);
  }

  @Test
  void aMsgpackBinaryLongerThanTheMessageIsRefused() {
    // A list of one bin 32 whose header promises 2^31 - 1 bytes; none follow.
    byte[] message = hex("91" + "c6" + "7fffffff");

    assertThatThrownBy(() -> Serializer.MSGPACK.decode(message))
        .isInstanceOf(ProtocolViolationException.class);
  }

  /** Either {@code from} refuses the bytes, or every serializer can write the message it made. */
  private static void assertSentOnIfAccepted(Serializer from, byte[] bytes) {
    WampMessage message;
    try {
      message = from.decode(bytes);
    } catch (ProtocolViolationException refused) {
      return;
    }
    for (Serializer to : Serializer.values()) {
      assertThatCode(() -> to.encode(message))
          .as("%s %s sent on as %s", from, message.getClass().getSimpleName(), to)
          .doesNotThrowAnyException();
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }
}
