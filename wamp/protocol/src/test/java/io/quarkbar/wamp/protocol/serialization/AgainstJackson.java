package io.quarkbar.wamp.protocol.serialization;

import static io.quarkbar.wamp.protocol.serialization.WireBytes.describe;
import static io.quarkbar.wamp.protocol.serialization.WireBytes.hex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.quarkbar.wamp.protocol.codec.ProtocolViolationException;
import java.util.List;

/**
 * Holds one of our readers ({@link JsonValueReader}, {@link CborValueReader}) against Jackson's
 * parser, the reference: on any input, ours either gives up ({@link LeftToJackson}) or reads what
 * Jackson and {@link ValueReader} read, payload byte ranges included, from input Jackson accepts.
 */
final class AgainstJackson {

  /** One of our readers. */
  interface Reader {
    List<Object> readMessage(byte[] bytes, int offset, int length);
  }

  private final Serializer serializer;
  private final JsonFactory jackson;
  private final Reader ours;

  AgainstJackson(Serializer serializer, JsonFactory jackson, Reader ours) {
    this.serializer = serializer;
    this.jackson = jackson;
    this.ours = ours;
  }

  /** What Jackson's parser and {@link ValueReader} read, or the exception they throw. */
  Object jackson(byte[] bytes) {
    try (JsonParser parser = jackson.createParser(bytes)) {
      return new ValueReader(parser, serializer, bytes, 0, bytes.length, 0).readMessage();
    } catch (Exception e) {
      return e;
    }
  }

  /** Our reader's list, or {@code null} where it leaves the input to Jackson. */
  List<Object> ours(byte[] bytes) {
    try {
      return ours.readMessage(bytes, 0, bytes.length);
    } catch (LeftToJackson e) {
      return null;
    }
  }

  /**
   * Fails if ours reads {@code bytes} and Jackson reads them otherwise or refuses them, or if ours
   * refuses them (a {@link DecodeLimits} limit) and Jackson does not refuse them the same way.
   */
  void assertAgrees(byte[] bytes) {
    List<Object> read;
    try {
      read = ours(bytes);
    } catch (ProtocolViolationException refused) {
      assertThat(describe(jackson(bytes)))
          .as("Jackson reading %s", hex(bytes))
          .isEqualTo(describe(refused));
      return;
    }
    if (read != null) {
      assertThat(describe(jackson(bytes)))
          .as("Jackson reading %s", hex(bytes))
          .isEqualTo(describe(read));
    }
  }
}
