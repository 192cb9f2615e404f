package io.quarkbar.wamp.protocol.serialization;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * A non-empty {@code ArgumentsKw|dict} with the bytes it came from; see {@link Encoded}. It is
 * either decoded already or decoded when it is first looked into.
 */
final class EncodedMap extends AbstractMap<String, Object> implements Encoded {

  private final Bytes bytes;

  /** The decoded dict; {@code null} until first needed when decoding was left for later. */
  private volatile Map<String, Object> value;

  /** A dict decoded already. */
  EncodedMap(Map<String, Object> value, Bytes bytes) {
    this.bytes = bytes;
    this.value = Collections.unmodifiableMap(value);
  }

  /** A non-empty dict that {@code bytes} hold, checked but not decoded yet. */
  EncodedMap(Bytes bytes) {
    this.bytes = bytes;
  }

  @Override
  public boolean isEmpty() {
    // Without decoding: only non-empty dicts are kept with their bytes.
    return false;
  }

  @Override
  public Object get(Object key) {
    return value().get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return value().containsKey(key);
  }

  @Override
  public int size() {
    // Not counted while skipping: a key given twice is one entry once decoded.
    return value().size();
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return value().entrySet();
  }

  @Override
  public Bytes bytesIn(Serializer serializer) {
    return bytes.serializer() == serializer ? bytes : null;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> value() {
    Map<String, Object> v = value;
    if (v == null) {
      // Decoding twice in a race gives equal dicts; either may win.
      v = Collections.unmodifiableMap((Map<String, Object>) bytes.decode());
      value = v;
    }
    return v;
  }
}
