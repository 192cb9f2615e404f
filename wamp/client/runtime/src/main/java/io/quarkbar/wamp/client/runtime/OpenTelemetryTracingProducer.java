package io.quarkbar.wamp.client.runtime;

import io.opentelemetry.api.OpenTelemetry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The client's tracing with the application's OpenTelemetry; a bean only when it has it. */
@Singleton
public class OpenTelemetryTracingProducer {

  @Produces
  @Singleton
  ClientTracing tracing(OpenTelemetry openTelemetry) {
    return new OpenTelemetryClientTracing(openTelemetry);
  }
}
