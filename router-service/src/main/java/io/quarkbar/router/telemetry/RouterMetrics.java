package io.quarkbar.router.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.quarkbar.router.config.RouterServiceConfig;
import io.quarkbar.router.transport.BatchingWriter;
import io.quarkbar.wamp.protocol.message.Abort;
import io.quarkbar.wamp.protocol.message.Authenticate;
import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Cancel;
import io.quarkbar.wamp.protocol.message.Challenge;
import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.EventReceived;
import io.quarkbar.wamp.protocol.message.Goodbye;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.Interrupt;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Publish;
import io.quarkbar.wamp.protocol.message.Published;
import io.quarkbar.wamp.protocol.message.Register;
import io.quarkbar.wamp.protocol.message.Registered;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.Subscribe;
import io.quarkbar.wamp.protocol.message.Subscribed;
import io.quarkbar.wamp.protocol.message.Unregister;
import io.quarkbar.wamp.protocol.message.Unregistered;
import io.quarkbar.wamp.protocol.message.Unsubscribe;
import io.quarkbar.wamp.protocol.message.Unsubscribed;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.router.Router;
import io.quarkbar.wamp.router.telemetry.Telemetry;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The router's metrics, at {@code /q/metrics} (Prometheus), all named {@code quarkbar.router.*}:
 * sessions per realm, messages in and out per type, calls in flight and their duration through the
 * dealer by outcome, publications, events delivered and dropped, authentication failures, protocol
 * violations, slow clients cut, and bytes waiting to be sent.
 *
 * <p>Counting is on the routing path, for every message: it uses {@link LongAdder}s (one
 * uncontended cell per thread) read by Micrometer's function meters when scraped, rather than
 * Micrometer counters and timers, whose per-update work (a time-window maximum, a registry lookup
 * per tag) would cost more than the rest of the bookkeeping together. {@code
 * router.metrics.enabled: false} makes every update a no-op and registers nothing.
 */
@Singleton
@Typed({
  RouterMetrics.class,
  MeterBinder.class
}) // the router gets its Telemetry from TelemetryProducer
public class RouterMetrics implements Telemetry, MeterBinder {

  /** Message types by code, for the {@code type} tag; 337 is EVENT_RECEIVED, the largest. */
  private static final Map<Integer, String> TYPES =
      Map.ofEntries(
          Map.entry(Hello.CODE, "HELLO"),
          Map.entry(Welcome.CODE, "WELCOME"),
          Map.entry(Abort.CODE, "ABORT"),
          Map.entry(Challenge.CODE, "CHALLENGE"),
          Map.entry(Authenticate.CODE, "AUTHENTICATE"),
          Map.entry(Goodbye.CODE, "GOODBYE"),
          Map.entry(Error.CODE, "ERROR"),
          Map.entry(Publish.CODE, "PUBLISH"),
          Map.entry(Published.CODE, "PUBLISHED"),
          Map.entry(Subscribe.CODE, "SUBSCRIBE"),
          Map.entry(Subscribed.CODE, "SUBSCRIBED"),
          Map.entry(Unsubscribe.CODE, "UNSUBSCRIBE"),
          Map.entry(Unsubscribed.CODE, "UNSUBSCRIBED"),
          Map.entry(Event.CODE, "EVENT"),
          Map.entry(EventReceived.CODE, "EVENT_RECEIVED"),
          Map.entry(Call.CODE, "CALL"),
          Map.entry(Cancel.CODE, "CANCEL"),
          Map.entry(Result.CODE, "RESULT"),
          Map.entry(Register.CODE, "REGISTER"),
          Map.entry(Registered.CODE, "REGISTERED"),
          Map.entry(Unregister.CODE, "UNREGISTER"),
          Map.entry(Unregistered.CODE, "UNREGISTERED"),
          Map.entry(Invocation.CODE, "INVOCATION"),
          Map.entry(Interrupt.CODE, "INTERRUPT"),
          Map.entry(Yield.CODE, "YIELD"));

  private static final int MAX_CODE = EventReceived.CODE;

  private final boolean enabled;
  private final LongAdder[] received = adders(MAX_CODE + 1);
  private final LongAdder[] sent = adders(MAX_CODE + 1);
  private final LongAdder[] calls = adders(Outcome.values().length);
  private final LongAdder[] callNanos = adders(Outcome.values().length);
  private final LongAdder publications = new LongAdder();
  private final LongAdder eventsDelivered = new LongAdder();
  private final LongAdder eventsDropped = new LongAdder();
  private final LongAdder protocolViolations = new LongAdder();
  private final LongAdder slowClients = new LongAdder();

  /** Set when bound: authentication failures are rare, so a tagged counter each is fine. */
  private volatile MeterRegistry registry;

  @Inject Instance<Router> router;

  @Inject
  public RouterMetrics(RouterServiceConfig config) {
    this.enabled = config.metrics().enabled();
  }

  /** Whether metrics are collected at all. */
  public boolean isEnabled() {
    return enabled;
  }

  /** A message of type {@code code} came in from a client. */
  public void received(int code) {
    if (enabled && code <= MAX_CODE) {
      received[code].increment();
    }
  }

  /** A message of type {@code code} went to a client's outbound queue. */
  public void sent(int code) {
    if (enabled && code <= MAX_CODE) {
      sent[code].increment();
    }
  }

  /** A client fell too far behind and was disconnected. */
  public void slowClientCut() {
    if (enabled) {
      slowClients.increment();
    }
  }

  @Override
  public boolean timesCalls() {
    return enabled;
  }

  @Override
  public void callEnded(long nanos, Outcome outcome) {
    if (enabled) {
      calls[outcome.ordinal()].increment();
      callNanos[outcome.ordinal()].add(nanos);
    }
  }

  @Override
  public void published(int receivers) {
    if (enabled) {
      publications.increment();
      eventsDelivered.add(receivers);
    }
  }

  @Override
  public void eventDropped() {
    if (enabled) {
      eventsDropped.increment();
    }
  }

  @Override
  public void authenticationFailed(String realm, String method, String error) {
    MeterRegistry r = registry;
    if (enabled && r != null) {
      Counter.builder("quarkbar.router.authentication.failures")
          .description("Joins refused for their credentials")
          .tags("realm", realm, "method", method, "error", error)
          .register(r)
          .increment();
    }
  }

  @Override
  public void protocolViolation() {
    if (enabled) {
      protocolViolations.increment();
    }
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    if (!enabled) {
      return;
    }
    TYPES.forEach(
        (code, type) -> {
          counter(
                  registry,
                  "quarkbar.router.messages.received",
                  received[code],
                  "Messages from clients")
              .tag("type", type)
              .register(registry);
          counter(registry, "quarkbar.router.messages.sent", sent[code], "Messages to clients")
              .tag("type", type)
              .register(registry);
        });
    for (Outcome outcome : Outcome.values()) {
      int i = outcome.ordinal();
      FunctionTimer.builder(
              "quarkbar.router.calls",
              this,
              m -> m.calls[i].sum(),
              m -> m.callNanos[i].sum(),
              TimeUnit.NANOSECONDS)
          .description("Calls routed to a callee, from CALL to the caller's answer, by outcome")
          .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
          .register(registry);
    }
    counter(registry, "quarkbar.router.publications", publications, "PUBLISH messages routed")
        .register(registry);
    counter(registry, "quarkbar.router.events.delivered", eventsDelivered, "EVENTs sent")
        .register(registry);
    counter(
            registry,
            "quarkbar.router.events.dropped",
            eventsDropped,
            "EVENTs that could not be sent to a subscriber")
        .register(registry);
    counter(
            registry,
            "quarkbar.router.protocol.violations",
            protocolViolations,
            "Sessions aborted for breaking the protocol")
        .register(registry);
    counter(
            registry,
            "quarkbar.router.slow.clients.disconnected",
            slowClients,
            "Clients cut for falling behind their outbound bound")
        .register(registry);
    Gauge.builder("quarkbar.router.outbound.queued", BatchingWriter::queuedBytesOfAll)
        .description("Bytes waiting to be sent to clients, over all connections")
        .baseUnit("bytes")
        .register(registry);
    Router r = router.get();
    Gauge.builder("quarkbar.router.calls.in.flight", r, Router::callsInFlight)
        .description("Calls handed to a callee and not answered yet")
        .register(registry);
    r.realmNames()
        .forEach(
            realm ->
                Gauge.builder("quarkbar.router.sessions", r, x -> x.sessionCount(realm))
                    .description("Open sessions")
                    .tag("realm", realm)
                    .register(registry));
    this.registry = registry;
  }

  private static FunctionCounter.Builder<LongAdder> counter(
      MeterRegistry registry, String name, LongAdder adder, String description) {
    return FunctionCounter.builder(name, adder, LongAdder::sum).description(description);
  }

  private static LongAdder[] adders(int n) {
    LongAdder[] a = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }
}
