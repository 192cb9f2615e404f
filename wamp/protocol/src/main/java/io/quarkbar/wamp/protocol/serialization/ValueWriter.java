package io.quarkbar.wamp.protocol.serialization;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Writes the plain Java values that {@link ValueReader} produces (and the usual boxed numbers and
 * collections an application hands in). Arrays and dicts are written with their length, so CBOR and
 * msgpack get definite-length headers; {@code byte[]} becomes binary, or {@code "\0"+base64} in
 * JSON. A payload that arrived in the serializer being written ({@link Encoded}) is copied as the
 * bytes it came in.
 *
 * <p>This class decides what each value is; its subclasses write it in their format: {@link
 * JacksonValueWriter} through Jackson's JSON and CBOR generators, {@link MsgpackValueWriter}
 * through msgpack-core.
 */
abstract sealed class ValueWriter permits JacksonValueWriter, MsgpackValueWriter {

  private final Serializer serializer;

  ValueWriter(Serializer serializer) {
    this.serializer = serializer;
  }

  /**
   * Writes a message's wire list; {@link #finish()} then gives its bytes and readies the writer for
   * the next message. After an exception the writer is in an unknown state and must be dropped.
   */
  final void writeMessage(List<?> wire) throws IOException {
    int n = wire.size();
    startMessage(n);
    for (int i = 0; i < n; i++) {
      startElement(i);
      Object element = wire.get(i);
      Encoded.Bytes bytes;
      if (element instanceof Encoded e && (bytes = e.bytesIn(serializer)) != null) {
        writeEncoded(bytes);
      } else {
        write(element);
      }
    }
    endMessage();
  }

  final void write(Object value) throws IOException {
    // The frequent types first, as plain instanceof tests: on this per-value path they cost less
    // than the type switch (an invokedynamic dispatch) that handles the rest.
    if (value instanceof String s) {
      writeString(s);
    } else if (value instanceof Long l) {
      writeLong(l);
    } else if (value instanceof Map<?, ?> m) {
      writeDict(m);
    } else if (value instanceof List<?> l) {
      writeList(l);
    } else if (value instanceof Boolean b) {
      writeBoolean(b);
    } else if (value instanceof Integer i) {
      writeLong(i);
    } else if (value == null) {
      writeNull();
    } else {
      writeOther(value);
    }
  }

  private void writeOther(Object value) throws IOException {
    switch (value) {
      case Double d -> writeDouble(d);
      case byte[] b -> writeBinary(b);
      case Short s -> writeLong(s);
      case Byte b -> writeLong(b);
      case Float f -> writeFloat(f);
      case BigInteger b -> writeBigInteger(b);
      case BigDecimal b -> writeBigDecimal(b);
      case Collection<?> c -> writeList(List.copyOf(c));
      case Object[] a -> writeList(Arrays.asList(a));
      case Enum<?> e -> writeString(e.name());
      default ->
          throw new IllegalArgumentException(
              "cannot serialize a " + value.getClass().getName() + " in a WAMP message");
    }
  }

  private void writeList(List<?> list) throws IOException {
    int n = list.size();
    startList(n);
    for (int i = 0; i < n; i++) {
      write(list.get(i));
    }
    endList();
  }

  private void writeDict(Map<?, ?> dict) throws IOException {
    if (dict.isEmpty()) {
      // Most Options and Details dicts: no entry iterator for them.
      startDict(0);
      endDict();
      return;
    }
    startDict(dict.size());
    for (Map.Entry<?, ?> e : dict.entrySet()) {
      writeKey(String.valueOf(e.getKey()));
      write(e.getValue());
    }
    endDict();
  }

  /** Starts the message's outer list of {@code n} elements. */
  abstract void startMessage(int n) throws IOException;

  /** Comes before the message's element {@code index}. */
  abstract void startElement(int index) throws IOException;

  abstract void endMessage() throws IOException;

  /** The bytes of what was written. */
  abstract byte[] finish() throws IOException;

  /** Copies a value's bytes, which are in this writer's format, into the output. */
  abstract void writeEncoded(Encoded.Bytes bytes) throws IOException;

  abstract void writeString(String s) throws IOException;

  abstract void writeLong(long l) throws IOException;

  abstract void writeBoolean(boolean b) throws IOException;

  abstract void writeNull() throws IOException;

  abstract void writeDouble(double d) throws IOException;

  abstract void writeFloat(float f) throws IOException;

  abstract void writeBigInteger(BigInteger b) throws IOException;

  abstract void writeBigDecimal(BigDecimal b) throws IOException;

  abstract void writeBinary(byte[] b) throws IOException;

  abstract void startList(int n) throws IOException;

  abstract void endList() throws IOException;

  abstract void startDict(int n) throws IOException;

  abstract void writeKey(String key) throws IOException;

  abstract void endDict() throws IOException;
}
