package io.quarkbar.router.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.quarkbar.wamp.router.telemetry.Telemetry;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * What the router core reports to: {@link RouterMetrics} (unless {@code router.metrics.enabled} is
 * false), with OpenTelemetry spans added when tracing is on. Tracing is on when the OpenTelemetry
 * SDK is ({@code quarkus.otel.sdk.disabled=false}; off by default), so one switch turns it on with
 * its exporter settings ({@code quarkus.otel.exporter.otlp.endpoint}).
 */
public class TelemetryProducer {

  private static final Logger LOG = Logger.getLogger(TelemetryProducer.class);

  @Produces
  @Singleton
  Telemetry telemetry(
      RouterMetrics metrics,
      Instance<OpenTelemetry> openTelemetry,
      @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "true")
          boolean tracingOff) {
    Telemetry base = metrics.isEnabled() ? metrics : Telemetry.NONE;
    if (tracingOff || !openTelemetry.isResolvable()) {
      return base;
    }
    LOG.info("tracing calls and publications with OpenTelemetry");
    return new TracingTelemetry(base, openTelemetry.get().getTracer("io.quarkbar.router"));
  }
}
