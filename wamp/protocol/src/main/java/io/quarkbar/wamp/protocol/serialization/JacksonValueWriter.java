package io.quarkbar.wamp.protocol.serialization;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;

/**
 * Writes JSON or CBOR through a Jackson generator. The message's outer list is written here, its
 * elements through the generator as values at the top level, so that a payload's bytes can be
 * copied in between them: Jackson's CBOR generator has no way to put raw bytes inside an array it
 * writes, and the JSON generator takes raw text only as characters.
 *
 * <p>A writer writes one message after the other: between messages its generator is at the top
 * level with nothing buffered, so it is kept (see {@link Serializer}) rather than created per
 * message.
 */
final class JacksonValueWriter extends ValueWriter {

  private final OutputBuffer out = new OutputBuffer();
  private final JsonGenerator generator;
  private final boolean json;

  /**
   * A writer for {@code serializer} (JSON or CBOR), whose {@code factory} must write no separator
   * between values at the top level.
   */
  JacksonValueWriter(JsonFactory factory, Serializer serializer) throws IOException {
    super(serializer);
    this.generator = factory.createGenerator(out);
    this.json = serializer == Serializer.JSON;
  }

  @Override
  void startMessage(int n) throws IOException {
    if (json) {
      generator.writeRaw('[');
    } else if (n < 24) {
      out.write(0x80 | n);
    } else if (n < 0x10000) {
      // A CBOR array with a two-byte length.
      out.write(0x99);
      out.write(n >>> 8);
      out.write(n);
    } else {
      throw new IllegalArgumentException("a WAMP message of " + n + " elements");
    }
  }

  @Override
  void startElement(int index) throws IOException {
    if (json && index > 0) {
      generator.writeRaw(',');
    }
  }

  @Override
  void endMessage() throws IOException {
    if (json) {
      generator.writeRaw(']');
    }
  }

  @Override
  byte[] finish() throws IOException {
    generator.flush();
    byte[] bytes = out.toByteArray();
    out.clear();
    return bytes;
  }

  @Override
  void writeEncoded(Encoded.Bytes bytes) throws IOException {
    generator.flush();
    out.write(bytes.buffer(), bytes.offset(), bytes.length());
  }

  @Override
  void writeString(String s) throws IOException {
    generator.writeString(s);
  }

  @Override
  void writeLong(long l) throws IOException {
    generator.writeNumber(l);
  }

  @Override
  void writeBoolean(boolean b) throws IOException {
    generator.writeBoolean(b);
  }

  @Override
  void writeNull() throws IOException {
    generator.writeNull();
  }

  @Override
  void writeDouble(double d) throws IOException {
    generator.writeNumber(d);
  }

  @Override
  void writeFloat(float f) throws IOException {
    generator.writeNumber(f);
  }

  @Override
  void writeBigInteger(BigInteger b) throws IOException {
    generator.writeNumber(b);
  }

  @Override
  void writeBigDecimal(BigDecimal b) throws IOException {
    generator.writeNumber(b);
  }

  @Override
  void writeBinary(byte[] b) throws IOException {
    if (json) {
      generator.writeString('\0' + Base64.getEncoder().encodeToString(b));
    } else {
      generator.writeBinary(b);
    }
  }

  @Override
  void startList(int n) throws IOException {
    generator.writeStartArray(null, n);
  }

  @Override
  void endList() throws IOException {
    generator.writeEndArray();
  }

  @Override
  void startDict(int n) throws IOException {
    generator.writeStartObject(null, n);
  }

  @Override
  void writeKey(String key) throws IOException {
    generator.writeFieldName(key);
  }

  @Override
  void endDict() throws IOException {
    generator.writeEndObject();
  }
}
