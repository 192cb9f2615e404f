package io.quarkbar.wamp.client.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The client's metrics in the application's Micrometer registry; a bean only when it has one. */
@Singleton
public class MicrometerMetricsProducer {

  @Produces
  @Singleton
  ClientMetrics metrics(MeterRegistry registry) {
    return new MicrometerClientMetrics(registry);
  }
}
