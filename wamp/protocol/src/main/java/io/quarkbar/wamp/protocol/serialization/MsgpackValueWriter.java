package io.quarkbar.wamp.protocol.serialization;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * Writes msgpack with msgpack-core's packer. Not through msgpack-jackson's generator: that one
 * builds a tree of nodes for every message before writing it, and cannot take a payload's bytes as
 * they are.
 */
final class MsgpackValueWriter extends ValueWriter {

  /** Room for most messages in the first buffer; a larger one gets more buffers as it grows. */
  private static final MessagePack.PackerConfig CONFIG =
      new MessagePack.PackerConfig().withBufferSize(256);

  private MessageBufferPacker packer = CONFIG.newBufferPacker();

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
    byte[] bytes = packer.toByteArray();
    if (bytes.length > Serializer.KEPT_BYTES) {
      // The packer keeps its last buffer, as large as the message's largest part: a new one.
      packer = CONFIG.newBufferPacker();
    } else {
      // Keeps the packer's last buffer for the next message, drops the others.
      packer.clear();
    }
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
