package io.quarkbar.wamp.client.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The client's metrics in Micrometer: timers {@code wamp.client.calls}, {@code
 * wamp.client.invocations} and {@code wamp.client.events} (tagged with the URI and the outcome:
 * {@code ok} or the error URI), and the counter {@code wamp.client.publications}. Loaded only when
 * the application has Micrometer.
 */
final class MicrometerClientMetrics implements ClientMetrics {

  private final MeterRegistry registry;

  MicrometerClientMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void call(String procedure, long nanos, Throwable error) {
    timer("wamp.client.calls", "procedure", procedure, error).record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void invocation(String procedure, long nanos, Throwable error) {
    timer("wamp.client.invocations", "procedure", procedure, error)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void event(String topic, long nanos, Throwable error) {
    timer("wamp.client.events", "topic", topic, error).record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void published(String topic) {
    registry.counter("wamp.client.publications", "topic", topic).increment();
  }

  private Timer timer(String name, String uriTag, String uri, Throwable error) {
    return registry.timer(name, uriTag, uri, "outcome", outcome(error));
  }

  private static String outcome(Throwable error) {
    return switch (error) {
      case null -> "ok";
      case io.quarkbar.wamp.client.WampException w -> w.uri();
      case io.quarkbar.wamp.client.core.WampError w -> w.uri();
      default -> "wamp.error.runtime_error";
    };
  }
}
