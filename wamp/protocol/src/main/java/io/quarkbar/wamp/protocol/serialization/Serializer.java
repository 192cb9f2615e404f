package io.quarkbar.wamp.protocol.serialization;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import io.quarkbar.wamp.protocol.codec.MessageCodec;
import io.quarkbar.wamp.protocol.codec.ProtocolViolationException;
import io.quarkbar.wamp.protocol.message.WampMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import org.msgpack.jackson.dataformat.MessagePackFactory;

/**
 * The three standard WAMP serializers, named by their WebSocket subprotocol. Each is a Jackson
 * streaming parser plus our own tree reader ({@link ValueReader}), and a writer of ours ({@link
 * ValueWriter}) over Jackson's generators for JSON and CBOR and msgpack-core's packer for msgpack.
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

  /**
   * One writer per thread, kept from message to message: creating a generator or packer and its
   * buffers for each message cost as much as writing a small message.
   */
  private final ThreadLocal<ValueWriter> writers = ThreadLocal.withInitial(this::newWriter);

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
   * Decodes one message; the message may share {@code bytes}, which must not change afterwards.
   *
   * @throws ProtocolViolationException when the bytes are not valid for this serializer or are not
   *     a valid WAMP message; its message says why.
   */
  public WampMessage decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }

  /**
   * Decodes one message from {@code length} bytes of {@code bytes} at {@code offset}. The message
   * keeps a reference to the bytes of its payload, to send them on unchanged ({@link Encoded}): do
   * not change {@code bytes} afterwards.
   */
  public WampMessage decode(byte[] bytes, int offset, int length) {
    return MessageCodec.fromList(decodeList(bytes, offset, length));
  }

  /** Decodes the wire list of one message without interpreting it. */
  public List<Object> decodeList(byte[] bytes, int offset, int length) {
    return read(bytes, offset, length, ValueReader::readMessage);
  }

  /**
   * Decodes one value that {@link ValueReader} checked already; see {@link Encoded}.
   *
   * @throws ProtocolViolationException when the bytes are not valid after all
   */
  Object decodeValue(Encoded.Bytes bytes) {
    return read(bytes.buffer(), bytes.offset(), bytes.length(), ValueReader::readValue);
  }

  private <T> T read(byte[] bytes, int offset, int length, Reading<T> reading) {
    try (JsonParser parser = factory.createParser(bytes, offset, length)) {
      return reading.read(new ValueReader(parser, this, bytes, offset, length));
    } catch (IOException | RuntimeException e) {
      if (e instanceof ProtocolViolationException pve) {
        throw pve;
      }
      throw new ProtocolViolationException("invalid " + name() + ": " + firstLine(e), e);
    }
  }

  private interface Reading<T> {
    T read(ValueReader reader) throws IOException;
  }

  /** Encodes one message. */
  public byte[] encode(WampMessage message) {
    return encodeList(MessageCodec.toList(message));
  }

  /** Encodes a wire list as it is. */
  public byte[] encodeList(List<Object> wire) {
    ValueWriter writer = writers.get();
    try {
      writer.writeMessage(wire);
      return writer.finish();
    } catch (IOException | RuntimeException e) {
      // The writer may have stopped in the middle of a value; the next message gets a new one.
      writers.remove();
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new UncheckedIOException((IOException) e);
    }
  }

  private ValueWriter newWriter() {
    try {
      return this == MSGPACK ? new MsgpackValueWriter() : new JacksonValueWriter(factory, this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private static JsonFactory jsonFactory() {
    return new JsonFactoryBuilder()
        // JacksonValueWriter writes a message's elements as top-level values inside a list it
        // writes itself; Jackson's default would put a space between them.
        .rootValueSeparator((String) null)
        .streamReadConstraints(readConstraints())
        .build();
  }

  private static JsonFactory cborFactory() {
    return CBORFactory.builder()
        .enable(CBORGenerator.Feature.WRITE_MINIMAL_INTS)
        .streamReadConstraints(readConstraints())
        .build();
  }

  /**
   * Deep nesting is refused. Long strings are not: the transport limits a message's size, and a
   * JSON payload that was skipped over, unchecked for length, must not fail when decoded later. (A
   * method, not a constant: the enum's constants are built before its static fields.)
   */
  private static StreamReadConstraints readConstraints() {
    return StreamReadConstraints.builder()
        .maxNestingDepth(200)
        .maxStringLength(Integer.MAX_VALUE)
        .build();
  }
}
