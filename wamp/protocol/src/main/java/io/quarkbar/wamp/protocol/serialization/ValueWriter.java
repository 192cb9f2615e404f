package io.quarkbar.wamp.protocol.serialization;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Writes the plain Java values that {@link ValueReader} produces (and the usual boxed numbers and
 * collections an application hands in). Arrays and dicts are written with their length, so CBOR and
 * msgpack get definite-length headers; {@code byte[]} becomes binary, or {@code "\0"+base64} in
 * JSON.
 */
final class ValueWriter {

  private final JsonGenerator generator;
  private final boolean json;

  ValueWriter(JsonGenerator generator, boolean json) {
    this.generator = generator;
    this.json = json;
  }

  void write(Object value) throws IOException {
    // The frequent types first, as plain instanceof tests: on this per-value path they cost less
    // than the type switch (an invokedynamic dispatch) that handles the rest.
    if (value instanceof String s) {
      generator.writeString(s);
    } else if (value instanceof Long l) {
      generator.writeNumber(l);
    } else if (value instanceof Map<?, ?> m) {
      writeDict(m);
    } else if (value instanceof List<?> l) {
      writeList(l);
    } else if (value instanceof Boolean b) {
      generator.writeBoolean(b);
    } else if (value instanceof Integer i) {
      generator.writeNumber(i);
    } else if (value == null) {
      generator.writeNull();
    } else {
      writeOther(value);
    }
  }

  private void writeOther(Object value) throws IOException {
    switch (value) {
      case Double d -> generator.writeNumber(d);
      case byte[] b -> writeBinary(b);
      case Short s -> generator.writeNumber(s);
      case Byte b -> generator.writeNumber(b);
      case Float f -> generator.writeNumber(f);
      case BigInteger b -> generator.writeNumber(b);
      case BigDecimal b -> generator.writeNumber(b);
      case Collection<?> c -> writeList(List.copyOf(c));
      case Object[] a -> writeList(Arrays.asList(a));
      case Enum<?> e -> generator.writeString(e.name());
      default ->
          throw new IllegalArgumentException(
              "cannot serialize a " + value.getClass().getName() + " in a WAMP message");
    }
  }

  private void writeList(List<?> list) throws IOException {
    int n = list.size();
    generator.writeStartArray(list, n);
    for (int i = 0; i < n; i++) {
      write(list.get(i));
    }
    generator.writeEndArray();
  }

  private void writeDict(Map<?, ?> dict) throws IOException {
    generator.writeStartObject(dict, dict.size());
    for (Map.Entry<?, ?> e : dict.entrySet()) {
      generator.writeFieldName(String.valueOf(e.getKey()));
      write(e.getValue());
    }
    generator.writeEndObject();
  }

  private void writeBinary(byte[] bytes) throws IOException {
    if (json) {
      generator.writeString('\0' + Base64.getEncoder().encodeToString(bytes));
    } else {
      generator.writeBinary(bytes);
    }
  }
}
