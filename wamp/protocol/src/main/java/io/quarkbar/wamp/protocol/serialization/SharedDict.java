package io.quarkbar.wamp.protocol.serialization;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An unmodifiable dict that goes out in many messages, encoded once per serializer instead of once
 * per message. A caller's disclosed identity ({@code caller}, {@code caller_authid}, {@code
 * caller_authrole}) is in the Details of every INVOCATION it causes at a disclosing callee: writing
 * those three keys and values took about as long as the rest of the INVOCATION.
 *
 * <p>The bytes are copied in only where the dict is an element of the message itself (Details,
 * Options); nested inside another value it is written like any other dict.
 */
public final class SharedDict extends AbstractMap<String, Object> implements Encoded {

  private final Map<String, Object> value;

  /** Per serializer (its ordinal), filled on first use; a race only encodes twice. */
  private final Encoded.Bytes[] bytes = new Encoded.Bytes[Serializer.values().length];

  private SharedDict(Map<String, Object> value) {
    this.value = value;
  }

  /** An unmodifiable copy of {@code dict}, in its order, that encodes once per serializer. */
  public static Map<String, Object> of(Map<String, Object> dict) {
    return new SharedDict(Collections.unmodifiableMap(new LinkedHashMap<>(dict)));
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return value.entrySet();
  }

  @Override
  public Object get(Object key) {
    return value.get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return value.containsKey(key);
  }

  @Override
  public int size() {
    return value.size();
  }

  @Override
  public Encoded.Bytes bytesIn(Serializer serializer) {
    Encoded.Bytes b = bytes[serializer.ordinal()];
    if (b == null) {
      byte[] encoded = serializer.encodeValue(value);
      // A record's fields are final: another thread that sees it sees its bytes.
      b = new Encoded.Bytes(serializer, encoded, 0, encoded.length);
      bytes[serializer.ordinal()] = b;
    }
    return b;
  }
}
