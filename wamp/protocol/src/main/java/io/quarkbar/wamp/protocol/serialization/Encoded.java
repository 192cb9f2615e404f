package io.quarkbar.wamp.protocol.serialization;

/**
 * A value of a message with its bytes at hand, which {@link ValueWriter} copies instead of encoding
 * the value again: a payload with the bytes it was read from ({@link EncodedList}, {@link
 * EncodedMap}), or a dict that goes out in many messages, encoded once per serializer ({@link
 * SharedDict}).
 *
 * <p>A message's payload (its {@code Arguments|list} or {@code ArgumentsKw|dict}) keeps the bytes
 * it was read from. The router passes payloads on without looking into them, so when a payload
 * leaves through the serializer it arrived in, {@link ValueWriter} copies these bytes instead of
 * encoding the value again, and a JSON payload is not even decoded unless someone reads it ({@link
 * ValueReader} checks it while skipping over it).
 *
 * <p>The value is unmodifiable at its top level, so the bytes and the value cannot drift apart; the
 * lists and dicts nested inside must not be changed either. A receiver may see the bytes or the
 * value: the two differ only where decoding normalizes, e.g. an unknown msgpack extension type
 * (read as "no value") travels on unchanged to a msgpack receiver. The bytes are a range of the
 * buffer the message was decoded from, shared, not copied: {@link Serializer#decode} asks its
 * caller to leave that buffer unchanged.
 */
sealed interface Encoded permits EncodedList, EncodedMap, SharedDict {

  /** The value's bytes in {@code serializer}'s format, or {@code null} if it has none at hand. */
  Bytes bytesIn(Serializer serializer);

  /** {@code length} bytes of {@code buffer} at {@code offset}, in {@code serializer}'s format. */
  record Bytes(Serializer serializer, byte[] buffer, int offset, int length) {

    /** The value the bytes hold. */
    Object decode() {
      return serializer.decodeValue(this);
    }
  }
}
