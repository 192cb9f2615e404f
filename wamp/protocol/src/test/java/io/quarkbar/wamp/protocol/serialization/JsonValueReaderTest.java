package io.quarkbar.wamp.protocol.serialization;

import static io.quarkbar.wamp.protocol.serialization.WireBytes.text;
import static io.quarkbar.wamp.protocol.serialization.WireBytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our JSON reader answers only where Jackson's parser would give the same values (and the same
 * payload bytes), and leaves the rest to it: for every input, either it gives up, or both read the
 * same list and Jackson does not refuse the input.
 */
class JsonValueReaderTest {

  private static final AgainstJackson CHECK =
      new AgainstJackson(
          Serializer.JSON,
          new JsonFactoryBuilder()
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxNestingDepth(ValueReader.MAX_NESTING)
                      .maxStringLength(Integer.MAX_VALUE)
                      .build())
              .build(),
          JsonValueReader::readMessage);

  private static List<Object> ours(byte[] bytes) {
    return CHECK.ours(bytes);
  }

  private static void assertAgreesWithJackson(byte[] bytes) {
    CHECK.assertAgrees(bytes);
  }

  static Stream<byte[]> everyMessageType() {
    return SerializerTest.everyMessageType().stream()
        .map(Serializer.JSON::encode)
        .flatMap(b -> Stream.of(b, utf8(text(b).replace("\\u0000", ""))));
  }

  @ParameterizedTest
  @MethodSource("everyMessageType")
  void readsWhatOurWriterWritesAsJacksonDoes(byte[] bytes) {
    String text = text(bytes);
    // Binary (\u0000) anywhere, and escapes outside the payload (the CHALLENGE's JSON text), are
    // left to Jackson.
    if (!text.contains("\\u0000") && !text.startsWith("[4,")) {
      assertThat(ours(bytes)).as("read by our reader: %s", text).isNotNull();
    }
    assertAgreesWithJackson(bytes);
  }

  /** Values it reads outside the payload (in an Options dict) and inside it. */
  @Test
  void valuesAreReadAsJacksonReadsThem() {
    String[] values = {
      "0", "-0", "7", "-7", "123456789012345678", "-123456789012345678",
      "true", "false", "null", "\"\"", "\"com.example\"", "\"Grüße ✓ 𝄞\"",
      "[]", "{}", "[1, [2, {}], {\"a\": [true]}]", "{\"a\": 1, \"a\": 2}",
    };
    for (String value : values) {
      for (String message :
          new String[] {
            "[32, 1, {\"k\": " + value + "}, \"t\"]",
            "[36,1,2,{},[" + value + "],{\"k\":" + value + "}]",
          }) {
        byte[] bytes = utf8(message);
        assertThat(ours(bytes)).as("reading %s", message).isNotNull();
        assertAgreesWithJackson(bytes);
      }
    }
    // Only inside the payload: floats, and escapes of every kind but \u0000.
    String[] payloadOnly = {
      "1.5",
      "-0.0",
      "1e3",
      "1E-3",
      "2.5e+10",
      "18446744073709551615",
      "-9223372036854775808",
      "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud834\\udd1e\"",
    };
    for (String value : payloadOnly) {
      byte[] bytes = utf8("[36,1,2,{},[" + value + "],{\"k\":" + value + "}]");
      assertThat(ours(bytes)).as("reading %s", value).isNotNull();
      assertAgreesWithJackson(bytes);
    }
  }

  /**
   * What not every serializer can carry (Values), in a payload it only checks: refused in the end,
   * after Jackson's path, which decides, has read it too.
   */
  @Test
  void payloadValuesThatNotEverySerializerCanCarryAreRefused() {
    String[] refused = {
      "18446744073709551616", "-9223372036854775809", "1e400", "\"\\ud834\"", "\"\\udd1e x\"",
    };
    for (String value : refused) {
      byte[] bytes = utf8("[36,1,2,{},[" + value + "]]");
      assertThat(ours(bytes)).as("reading %s", value).isNull();
      assertThatThrownBy(() -> Serializer.JSON.decode(bytes))
          .as("decoding %s", value)
          .isInstanceOf(io.quarkbar.wamp.protocol.codec.ProtocolViolationException.class);
    }
  }

  @Test
  void whatItLeavesToJackson() {
    String[] left = {
      "[32, 1, {\"k\": 1.5}, \"t\"]", // a float outside the payload
      "[32, 1, {\"k\": \"a\\nb\"}, \"t\"]", // an escape outside the payload
      "[32, 1, {\"k\": 1234567890123456789}, \"t\"]", // 19 digits
      "[36,1,2,{},[\"\\u0000AQI=\"]]", // binary
      "[36,1,2,{},[01]]", // a leading zero
      "[36,1,2,{},[1.]]", // a fraction without digits
      "[36,1,2,{},[\"a\tb\"]]", // a control character
      "[36,1,2,{},[\"\\x\"]]", // an unknown escape
      "[36,1,2,{},[1,]]", // a trailing comma
      "[36,1,2,{},[NaN]]",
      "[36,1,2,{},[tru]]",
      "[36,1,2,{}", // cut short
      "[35,1] 7", // data after the message
      "\uFEFF[35,1]", // a byte order mark, which Jackson's path strips
      "{\"a\":1}", // not a list
      "",
    };
    for (String message : left) {
      assertThat(ours(utf8(message))).as("reading %s", message).isNull();
    }
    // Not UTF-8: a lone continuation byte, an overlong form, a surrogate.
    for (byte[] bad :
        new byte[][] {
          {'[', '"', (byte) 0x80, '"', ']'},
          {'[', '"', (byte) 0xc0, (byte) 0xaf, '"', ']'},
          {'[', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', ']'},
        }) {
      assertThat(ours(bad)).isNull();
    }
  }

  @Test
  void nestingWithinTheLimitButDeeperThanItsOwnIsLeftToJackson() {
    DecodeLimits.set(DecodeLimits.MAX_NESTING, DecodeLimits.DEFAULT_ELEMENTS);
    try {
      assertThat(ours(utf8("[".repeat(150) + "]".repeat(150)))).isNull();
    } finally {
      DecodeLimits.set(DecodeLimits.DEFAULT_NESTING, DecodeLimits.DEFAULT_ELEMENTS);
    }
  }

  @Test
  void nestingAndValueCountBeyondTheLimitsAreRefusedAsJacksonRefusesThem() {
    byte[] deep = utf8("[".repeat(70) + "]".repeat(70));
    assertThatThrownBy(() -> ours(deep)).hasMessageContaining("nesting depth exceeds 64");
    CHECK.assertAgrees(deep);
    DecodeLimits.set(DecodeLimits.DEFAULT_NESTING, 5);
    try {
      byte[] many = utf8("[48, 1, {}, \"p\", [1, 2, 3, [4, 5]]]");
      assertThatThrownBy(() -> ours(many)).hasMessageContaining("more than 5 values");
      CHECK.assertAgrees(many);
      byte[] few = utf8("[48, 1, {}, \"p\", [1, 2, [3, 4]]]");
      CHECK.assertAgrees(few);
      assertThat(ours(few)).isNotNull();
    } finally {
      DecodeLimits.set(DecodeLimits.DEFAULT_NESTING, DecodeLimits.DEFAULT_ELEMENTS);
    }
  }

  /**
   * Random changes to every message type: wherever our reader answers, Jackson answers the same. A
   * reader that took too much (a malformed number, a bad escape, a wrong payload size) fails here.
   */
  @Test
  void mutatedMessagesAreReadAsJacksonReadsThemOrLeftToIt() {
    Random random = new Random(20261126);
    byte[] alphabet = utf8("[]{}\",:\\/ 0123456789-+.eEtrufalsn\tu\n");
    List<byte[]> seeds = everyMessageType().toList();
    int answered = 0;
    for (int i = 0; i < 30_000; i++) {
      byte[] bytes = seeds.get(random.nextInt(seeds.size())).clone();
      for (int changes = 1 + random.nextInt(3); changes > 0; changes--) {
        bytes[random.nextInt(bytes.length)] =
            random.nextInt(4) == 0
                ? (byte) random.nextInt(256)
                : alphabet[random.nextInt(alphabet.length)];
      }
      if (ours(bytes) != null) {
        answered++;
      }
      assertAgreesWithJackson(bytes);
    }
    // The test means something only if the reader answered for a good part of the inputs.
    assertThat(answered).isGreaterThan(3_000);
  }
}
