package io.quarkbar.wamp.protocol.serialization;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import io.quarkbar.wamp.protocol.codec.MessageCodec;
import io.quarkbar.wamp.protocol.codec.ProtocolViolationException;
import io.quarkbar.wamp.protocol.message.WampMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * The three standard WAMP serializers, named by their WebSocket subprotocol. msgpack is read by
 * msgpack-core's unpacker ({@link MsgpackValueReader}). JSON and CBOR are read by readers of ours
 * for the plain input that clients send ({@link JsonValueReader}, {@link CborValueReader}), which
 * leave everything else to a Jackson streaming parser and our tree reader over it ({@link
 * ValueReader}), the reference for values and error messages. All three are written by a writer of
 * ours ({@link ValueWriter}) over Jackson's generators for JSON and CBOR and msgpack-core's packer
 * for msgpack. Jackson's data binding would lose what WAMP cares about (msgpack {@code bin} versus
 * {@code str}, the JSON {@code "\0"+base64} convention for binary, unknown msgpack extension types)
 * and costs more per message. The factories are thread-safe and shared.
 */
public enum Serializer {
  JSON("wamp.2.json", false, jsonFactory()),
  MSGPACK("wamp.2.msgpack", true, null),
  CBOR("wamp.2.cbor", true, cborFactory());

  private final String subprotocol;
  private final boolean binary;

  /** The Jackson factory of JSON and CBOR; {@code null} for msgpack, read with msgpack-core. */
  private final JsonFactory factory;

  /**
   * One writer per thread, kept from message to message: creating a generator or packer and its
   * buffers for each message cost as much as writing a small message.
   */
  private final ThreadLocal<ValueWriter> writers = ThreadLocal.withInitial(this::newWriter);

  /**
   * The per-thread readers and writers keep their buffers from message to message, but not after a
   * message larger than this: a thread holds at most about this much for each of them.
   */
  static final int KEPT_BYTES = 64 * 1024;

  /** JSON only: one non-blocking parser per thread, fed one message after another. */
  private final ThreadLocal<JsonParser> fedParsers = ThreadLocal.withInitial(FedJson::newParser);

  /** msgpack only: one reader per thread, reset for each message. */
  private final ThreadLocal<MsgpackValueReader> msgpackReaders =
      ThreadLocal.withInitial(MsgpackValueReader::new);

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
    return switch (this) {
      case JSON -> readJson(bytes, offset, length);
      case MSGPACK -> readMsgpack(bytes, offset, length, MsgpackValueReader::readMessage);
      case CBOR -> readCbor(bytes, offset, length);
    };
  }

  /** JSON through our reader, or through this thread's Jackson parser where ours gives up. */
  private List<Object> readJson(byte[] bytes, int offset, int length) {
    try {
      return JsonValueReader.readMessage(bytes, offset, length);
    } catch (LeftToJackson e) {
      return readFed(bytes, offset, length);
    }
  }

  /** CBOR through our reader, or through Jackson's parser where ours gives up. */
  private List<Object> readCbor(byte[] bytes, int offset, int length) {
    try {
      return CborValueReader.readMessage(bytes, offset, length);
    } catch (LeftToJackson e) {
      return read(bytes, offset, length, ValueReader::readMessage);
    }
  }

  /**
   * Decodes one value that {@link ValueReader} checked already; see {@link Encoded}.
   *
   * @throws ProtocolViolationException when the bytes are not valid after all
   */
  Object decodeValue(Encoded.Bytes bytes) {
    return this == MSGPACK
        ? readMsgpack(bytes.buffer(), bytes.offset(), bytes.length(), MsgpackValueReader::readValue)
        : read(bytes.buffer(), bytes.offset(), bytes.length(), ValueReader::readValue);
  }

  private <T> T readMsgpack(byte[] bytes, int offset, int length, MsgpackReading<T> reading) {
    try {
      return reading.read(msgpackReaders.get(), bytes, offset, length);
    } catch (IOException | RuntimeException e) {
      throw violation(e);
    } finally {
      if (length > KEPT_BYTES) {
        // It holds on to the message's array until the next one; let both go.
        msgpackReaders.remove();
      }
    }
  }

  private interface MsgpackReading<T> {
    T read(MsgpackValueReader reader, byte[] bytes, int offset, int length) throws IOException;
  }

  private <T> T read(byte[] bytes, int offset, int length, Reading<T> reading) {
    try (JsonParser parser = factory.createParser(bytes, offset, length)) {
      // Jackson's JSON parser counts byte offsets from the start of its range, the CBOR parser
      // from the start of the array.
      long base = this == JSON ? offset : 0;
      return reading.read(new ValueReader(parser, this, bytes, offset, length, base));
    } catch (IOException | RuntimeException e) {
      throw violation(e);
    }
  }

  /**
   * A JSON message that {@link JsonValueReader} left to Jackson, through this thread's non-blocking
   * parser, which takes one message after another: creating a parser for each message cost about
   * 0.1 µs and 700 bytes. A parser that fails is dropped, with whatever part of a message it holds,
   * and the message is read again by a parser of its own, which gives the same verdict and words as
   * ever (the non-blocking parser cannot tell a lone {@code 42} from the start of {@code 420},
   * say).
   */
  private List<Object> readFed(byte[] bytes, int offset, int length) {
    if (length >= 3
        && bytes[offset] == (byte) 0xef
        && bytes[offset + 1] == (byte) 0xbb
        && bytes[offset + 2] == (byte) 0xbf) {
      // A byte order mark, which the parser would take only at the start of its first message.
      offset += 3;
      length -= 3;
    }
    JsonParser parser = fedParsers.get();
    try {
      // Offsets count from the parser's first byte ever: where this message starts in them.
      long fedBefore = parser.currentLocation().getByteOffset();
      ((ByteArrayFeeder) parser.getNonBlockingInputFeeder())
          .feedInput(bytes, offset, offset + length);
      List<Object> message =
          new ValueReader(parser, this, bytes, offset, length, offset - fedBefore).readMessage();
      if (length > KEPT_BYTES) {
        // Its text buffer has grown to the message's longest string; let it go with it.
        fedParsers.remove();
      }
      return message;
    } catch (IOException | RuntimeException e) {
      fedParsers.remove();
      return read(bytes, offset, length, ValueReader::readMessage);
    }
  }

  private ProtocolViolationException violation(Exception e) {
    if (e instanceof ProtocolViolationException pve) {
      return pve;
    }
    return new ProtocolViolationException("invalid " + name() + ": " + firstLine(e), e);
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
      throw writerFailed(e);
    }
  }

  /**
   * Encodes one value alone, not as a message: what {@link SharedDict} keeps. With a writer of its
   * own, not this thread's: it is called while that one is in the middle of a message.
   */
  byte[] encodeValue(Object value) {
    try {
      ValueWriter writer = newWriter();
      writer.write(value);
      return writer.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Drops this thread's writer, which may have stopped in the middle of a value (the next message
   * gets a new one), and gives what to throw.
   */
  private RuntimeException writerFailed(Exception e) {
    writers.remove();
    return e instanceof RuntimeException re ? re : new UncheckedIOException((IOException) e);
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
        .maxNestingDepth(ValueReader.MAX_NESTING)
        .maxStringLength(Integer.MAX_VALUE)
        .build();
  }

  /** The factory of the fed JSON parsers; a holder, so that it is built on first use. */
  private static final class FedJson {

    /**
     * Without canonical field names: a parser that lives as long as its thread would otherwise keep
     * every dict key it ever read in its symbol table.
     */
    private static final JsonFactory FACTORY =
        new JsonFactoryBuilder()
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .streamReadConstraints(readConstraints())
            .build();

    static JsonParser newParser() {
      try {
        return FACTORY.createNonBlockingByteArrayParser();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
