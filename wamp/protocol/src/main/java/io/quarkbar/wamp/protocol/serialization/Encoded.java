package io.quarkbar.wamp.protocol.serialization;

/**
 * A message's payload (its {@code Arguments|list} or {@code ArgumentsKw|dict}) as decoded, together
 * with the bytes it was decoded from. The router passes payloads on without looking into them, so
 * when a payload leaves through the serializer it arrived in, {@link ValueWriter} copies these
 * bytes instead of encoding the value again: for a call with a small payload that is about a third
 * of the router's work on the CALL and the YIELD.
 *
 * <p>The value is unmodifiable at its top level, so the bytes and the value cannot drift apart; the
 * lists and dicts nested inside are the decoder's and must not be changed either. The bytes are a
 * range of the buffer the message was decoded from, shared, not copied: {@link Serializer#decode}
 * asks its caller to leave that buffer unchanged.
 */
sealed interface Encoded permits EncodedList, EncodedMap {

  /** Where the value's bytes are. */
  Bytes bytes();

  /** {@code length} bytes of {@code buffer} at {@code offset}, in {@code serializer}'s format. */
  record Bytes(Serializer serializer, byte[] buffer, int offset, int length) {

    /** The value the bytes hold. */
    Object decode() {
      return serializer.decodeValue(this);
    }
  }
}
