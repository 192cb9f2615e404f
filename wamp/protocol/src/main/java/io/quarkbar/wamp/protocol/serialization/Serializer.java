package io.quarkbar.wamp.protocol.serialization;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import io.quarkbar.wamp.protocol.codec.MessageCodec;
import io.quarkbar.wamp.protocol.codec.ProtocolViolationException;
import io.quarkbar.wamp.protocol.message.WampMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import org.msgpack.jackson.dataformat.MessagePackFactory;

/**
 * The three standard WAMP serializers, named by their WebSocket subprotocol. Each is a Jackson
 * streaming factory plus our own tree reader and writer ({@link ValueReader}, {@link ValueWriter}):
 * Jackson's data binding would lose what WAMP cares about (msgpack {@code bin} versus {@code str},
 * the JSON {@code "\0"+base64} convention for binary, unknown msgpack extension types) and costs
 * more per message. The factories are thread-safe and shared.
 */
public enum Serializer {
  JSON("wamp.2.json", false, jsonFactory()),
  MSGPACK("wamp.2.msgpack", true, new MessagePackFactory()),
  CBOR("wamp.2.cbor", true, cborFactory());

  private final String subprotocol;
  private final boolean binary;
  private final JsonFactory factory;

  Serializer(String subprotocol, boolean binary, JsonFactory factory) {
    this.subprotocol = subprotocol;
    this.binary = binary;
    this.factory = factory;
  }

  /** The WebSocket subprotocol, e.g. {@code wamp.2.json}. */
  public String subprotocol() {
    return subprotocol;
  }

  /** Whether messages go in binary WebSocket frames ({@code false}: text frames, JSON). */
  public boolean isBinary() {
    return binary;
  }

  /** The serializer for a WebSocket subprotocol name, if it is one of ours. */
  public static Optional<Serializer> forSubprotocol(String name) {
    for (Serializer s : values()) {
      if (s.subprotocol.equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /**
   * Decodes one message.
   *
   * @throws ProtocolViolationException when the bytes are not valid for this serializer or are not
   *     a valid WAMP message; its message says why.
   */
  public WampMessage decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }

  /** Decodes one message from {@code length} bytes of {@code bytes} at {@code offset}. */
  public WampMessage decode(byte[] bytes, int offset, int length) {
    return MessageCodec.fromList(decodeList(bytes, offset, length));
  }

  /** Decodes the wire list of one message without interpreting it. */
  public List<Object> decodeList(byte[] bytes, int offset, int length) {
    try (JsonParser parser = factory.createParser(bytes, offset, length)) {
      return new ValueReader(parser, this == JSON, bytes, offset, length).readMessage();
    } catch (IOException | RuntimeException e) {
      if (e instanceof ProtocolViolationException pve) {
        throw pve;
      }
      throw new ProtocolViolationException("invalid " + name() + ": " + firstLine(e), e);
    }
  }

  /** Encodes one message. */
  public byte[] encode(WampMessage message) {
    return encodeList(MessageCodec.toList(message));
  }

  /** Encodes a wire list as it is. */
  public byte[] encodeList(List<Object> wire) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator generator = factory.createGenerator(out)) {
      new ValueWriter(generator, this == JSON).write(wire);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private static JsonFactory jsonFactory() {
    return JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build())
        .build();
  }

  private static JsonFactory cborFactory() {
    return CBORFactory.builder()
        .enable(CBORGenerator.Feature.WRITE_MINIMAL_INTS)
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build())
        .build();
  }
}
