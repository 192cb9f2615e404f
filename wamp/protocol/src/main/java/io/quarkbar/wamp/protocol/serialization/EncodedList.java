package io.quarkbar.wamp.protocol.serialization;

import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * A non-empty {@code Arguments|list} with the bytes it came from; see {@link Encoded}. It is either
 * decoded already or decoded when an element is first read.
 */
final class EncodedList extends AbstractList<Object> implements Encoded, RandomAccess {

  private final Bytes bytes;
  private final int size;

  /** The decoded list; {@code null} until first needed when decoding was left for later. */
  private volatile List<Object> value;

  /** A list decoded already. */
  EncodedList(List<Object> value, Bytes bytes) {
    this.bytes = bytes;
    this.size = value.size();
    this.value = value;
  }

  /** A list of {@code size} elements that {@code bytes} hold, checked but not decoded yet. */
  EncodedList(int size, Bytes bytes) {
    this.bytes = bytes;
    this.size = size;
  }

  @Override
  public Object get(int index) {
    Objects.checkIndex(index, size);
    return value().get(index);
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Bytes bytesIn(Serializer serializer) {
    return bytes.serializer() == serializer ? bytes : null;
  }

  @SuppressWarnings("unchecked")
  private List<Object> value() {
    List<Object> v = value;
    if (v == null) {
      // Decoding twice in a race gives equal lists; either may win.
      v = (List<Object>) bytes.decode();
      value = v;
    }
    return v;
  }
}
