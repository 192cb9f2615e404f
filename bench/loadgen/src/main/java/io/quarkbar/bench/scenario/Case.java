package io.quarkbar.bench.scenario;

import io.quarkbar.wamp.protocol.serialization.Serializer;
import java.util.Locale;

/**
 * One measured configuration of a scenario.
 *
 * @param serializer the WAMP serializer the load generator's peers speak
 * @param variant the parameters in words, e.g. {@code N=100}
 * @param size the scenario's main size: subscribers, sessions or callers
 */
public record Case(Serializer serializer, String variant, int size) {

  /** {@code json}, {@code msgpack} or {@code cbor}. */
  public String serializerName() {
    return serializer.name().toLowerCase(Locale.ROOT);
  }
}
