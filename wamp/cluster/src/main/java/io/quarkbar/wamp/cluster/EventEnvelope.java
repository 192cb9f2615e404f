package io.quarkbar.wamp.cluster;

import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.router.broker.SharedPublication;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A publication as bytes between nodes: MessagePack, the protocol module's own serializer, so that
 * binary payloads (payload passthru) cross unchanged and no second codec exists. The layout is a
 * list: {@code [1, realm, publication, publisher, disclosure, topic, options, args, kwargs,
 * fromRouter]}; the leading version lets a later layout be told apart.
 */
final class EventEnvelope {

  private static final long VERSION = 1;

  private EventEnvelope() {}

  static byte[] encode(String realm, SharedPublication p) {
    List<Object> list = new ArrayList<>(10);
    list.add(VERSION);
    list.add(realm);
    list.add(p.publication());
    list.add(p.publisher());
    list.add(p.disclosure());
    list.add(p.topic());
    list.add(p.options());
    list.add(p.args());
    list.add(p.kwargs());
    list.add(p.fromRouter());
    return Serializer.MSGPACK.encodeList(list);
  }

  /** The realm and publication in {@code bytes}. */
  record Decoded(String realm, SharedPublication publication) {}

  @SuppressWarnings("unchecked")
  static Decoded decode(byte[] bytes) {
    List<Object> l = Serializer.MSGPACK.decodeList(bytes, 0, bytes.length);
    if (l.size() != 10 || !(l.get(0) instanceof Number v) || v.longValue() != VERSION) {
      throw new IllegalArgumentException("not an event envelope of version " + VERSION);
    }
    return new Decoded(
        (String) l.get(1),
        new SharedPublication(
            ((Number) l.get(2)).longValue(),
            ((Number) l.get(3)).longValue(),
            (Map<String, Object>) l.get(4),
            (String) l.get(5),
            (Map<String, Object>) l.get(6),
            (List<Object>) l.get(7),
            (Map<String, Object>) l.get(8),
            (Boolean) l.get(9)));
  }
}
