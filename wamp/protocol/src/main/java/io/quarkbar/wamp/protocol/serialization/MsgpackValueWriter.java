package io.quarkbar.wamp.protocol.serialization;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;

/**
 * Writes msgpack with msgpack-core's packer. Not through msgpack-jackson's generator: that one
 * builds a tree of nodes for every message before writing it, and cannot take a payload's bytes as
 * they are.
 *
 * <p>The packer writes into an {@link OutputBuffer} that is emptied after each message, as the JSON
 * and CBOR writers do, rather than into msgpack-core's own buffer packer, whose list of buffers
 * cost an allocation or two and a walk per message to turn into one array.
 */
final class MsgpackValueWriter extends ValueWriter {

  /** The packer's own buffer, which it hands to the output when full and at each message's end. */
  private static final MessagePack.PackerConfig CONFIG =
      new MessagePack.PackerConfig().withBufferSize(512);

  private final OutputBuffer out = new OutputBuffer();
  private final MessagePacker packer = CONFIG.newPacker(out);

  MsgpackValueWriter() {
    super(Serializer.MSGPACK);
  }

  @Override
  void startMessage(int n) throws IOException {
    packer.packArrayHeader(n);
  }

  @Override
  void startElement(int index) {}

  @Override
  void endMessage() {}

  @Override
  byte[] finish() throws IOException {
    packer.flush();
    byte[] bytes = out.toByteArray();
    out.clear();
    return bytes;
  }

  @Override
  void writeEncoded(Encoded.Bytes bytes) throws IOException {
    packer.writePayload(bytes.buffer(), bytes.offset(), bytes.length());
  }

  @Override
  void writeString(String s) throws IOException {
    packer.packString(s);
  }

  @Override
  void writeLong(long l) throws IOException {
    packer.packLong(l);
  }

  @Override
  void writeBoolean(boolean b) throws IOException {
    packer.packBoolean(b);
  }

  @Override
  void writeNull() throws IOException {
    packer.packNil();
  }

  @Override
  void writeDouble(double d) throws IOException {
    packer.packDouble(d);
  }

  @Override
  void writeFloat(float f) throws IOException {
    packer.packFloat(f);
  }

  @Override
  void writeBigInteger(BigInteger b) throws IOException {
    packer.packBigInteger(b);
  }

  @Override
  void writeBigDecimal(BigDecimal b) throws IOException {
    // msgpack has no decimal type; a float64 is what msgpack-jackson wrote too.
    packer.packDouble(b.doubleValue());
  }

  @Override
  void writeBinary(byte[] b) throws IOException {
    packer.packBinaryHeader(b.length);
    packer.writePayload(b);
  }

  @Override
  void startList(int n) throws IOException {
    packer.packArrayHeader(n);
  }

  @Override
  void endList() {}

  @Override
  void startDict(int n) throws IOException {
    packer.packMapHeader(n);
  }

  @Override
  void writeKey(String key) throws IOException {
    packer.packString(key);
  }

  @Override
  void endDict() {}
}
