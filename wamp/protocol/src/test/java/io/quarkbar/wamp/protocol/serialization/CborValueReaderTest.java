package io.quarkbar.wamp.protocol.serialization;

import static io.quarkbar.wamp.protocol.serialization.WireBytes.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.quarkbar.wamp.protocol.codec.ProtocolViolationException;
import io.quarkbar.wamp.protocol.message.WampMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our CBOR reader answers only where Jackson's parser would give the same values, and leaves the
 * rest to it: for every input, either it gives up, or both read the same list (and Jackson does not
 * refuse the input).
 */
class CborValueReaderTest {

  private static final AgainstJackson CHECK =
      new AgainstJackson(Serializer.CBOR, new CBORFactory(), CborValueReader::readMessage);

  private static List<Object> ours(byte[] bytes) {
    return CHECK.ours(bytes);
  }

  private static void assertAgreesWithJackson(byte[] bytes) {
    CHECK.assertAgrees(bytes);
  }

  static Stream<byte[]> everyMessageType() {
    return SerializerTest.everyMessageType().stream().map(Serializer.CBOR::encode);
  }

  @ParameterizedTest
  @MethodSource("everyMessageType")
  void readsWhatOurWriterWritesAsJacksonDoes(byte[] bytes) {
    assertThat(ours(bytes)).as("read by our reader").isNotNull();
    assertAgreesWithJackson(bytes);
  }

  /** [1, x] for each x: the plain values it reads, and unusual ones it leaves to Jackson. */
  @Test
  void valuesAreReadAsJacksonReadsThem() {
    String[] values = {
      "00",
      "17",
      "1818",
      "190100",
      "1a00010000",
      "1b0000000100000000", // unsigned, each width
      "1b7fffffffffffffff",
      "1bffffffffffffffff", // the largest long, and beyond it
      "20",
      "3b7fffffffffffffff", // negative, down to -2^63
      "1801",
      "190001", // non-minimal
      "f4",
      "f5",
      "f6",
      "f7", // false, true, null, undefined
      "f93c00",
      "f90001",
      "fa3fc00000",
      "fb3ff8000000000000", // floats
      "40",
      "43010203",
      "60",
      "6161",
      "63e282ac",
      "64f09d849e", // byte and text strings
      "80",
      "8201a0",
      "a0",
      "a16161f7",
      "a2616101616102", // lists and dicts
    };
    for (String value : values) {
      byte[] bytes = bytes("8201" + value);
      assertThat(ours(bytes)).as("reading %s", value).isNotNull();
      assertAgreesWithJackson(bytes);
    }
  }

  @Test
  void valuesThatNotEverySerializerCanCarryAreRefusedAsJacksonRefusesThem() {
    String[] refused = {
      "3bffffffffffffffff", // -2^64: below what msgpack holds
      "3b8000000000000000", // -2^63 - 1
      "f97c00", // float16 infinity: JSON has none
      "fb7ff8000000000000", // NaN
      "6100", // a text string starting with U+0000: binary to a JSON receiver
    };
    for (String value : refused) {
      byte[] bytes = bytes("8201" + value);
      assertThatThrownBy(() -> ours(bytes))
          .as("reading %s", value)
          .isInstanceOf(ProtocolViolationException.class);
      assertAgreesWithJackson(bytes);
    }
  }

  @Test
  void whatItLeavesToJackson() {
    String[] left = {
      "8201c11a514b67b0", // a tag
      "82019f01ff", // an indefinite-length list
      "82017f6161ff", // an indefinite-length text string
      "8201f0", // a simple value other than false, true, null, undefined
      "8201a10161", // an integer dict key
      "8201627a80", // text that is not UTF-8
      "8201eda080", // a UTF-8 encoded surrogate
      "82011c", // a reserved additional-information value
      "8201", // cut short
      "82010101", // a byte after the message
      "a0", // not a list
      "",
    };
    for (String hex : left) {
      assertThat(ours(bytes(hex))).as("reading %s", hex).isNull();
    }
  }

  @Test
  void nestingBeyondTheLimitIsRefusedAsJacksonRefusesIt() {
    byte[] bytes = new byte[300];
    java.util.Arrays.fill(bytes, (byte) 0x81);
    bytes[bytes.length - 1] = 0x01;
    assertThatThrownBy(() -> ours(bytes)).hasMessageContaining("nesting depth exceeds");
    assertAgreesWithJackson(bytes);
  }

  /**
   * Random changes to every message type, and random bytes: wherever our reader answers, Jackson
   * answers the same. A reader that took too much (a wrong length, a value it should have left
   * alone) fails here.
   */
  @Test
  void mutatedMessagesAreReadAsJacksonReadsThemOrLeftToIt() {
    Random random = new Random(20261126);
    List<byte[]> seeds = new ArrayList<>();
    for (WampMessage message : SerializerTest.everyMessageType()) {
      seeds.add(Serializer.CBOR.encode(message));
    }
    int answered = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = seeds.get(random.nextInt(seeds.size())).clone();
      for (int changes = 1 + random.nextInt(3); changes > 0; changes--) {
        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
      }
      try {
        if (ours(bytes) != null) {
          answered++;
        }
      } catch (ProtocolViolationException refused) {
        answered++;
      }
      assertAgreesWithJackson(bytes);
    }
    // The test means something only if the reader answered for a good part of the inputs.
    assertThat(answered).isGreaterThan(2_000);
  }
}
