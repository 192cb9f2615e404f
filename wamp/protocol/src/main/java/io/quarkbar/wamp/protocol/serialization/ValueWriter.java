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
    switch (value) {
      case null -> generator.writeNull();
      case String s -> generator.writeString(s);
      case Long l -> generator.writeNumber(l);
      case Integer i -> generator.writeNumber(i);
      case Boolean b -> generator.writeBoolean(b);
      case Double d -> generator.writeNumber(d);
      case Map<?, ?> m -> writeDict(m);
      case List<?> l -> writeList(l);
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
