package io.quarkbar.wamp.client.runtime;

import io.quarkbar.wamp.client.EventDetails;
import io.quarkbar.wamp.client.core.ClientSession;
import io.quarkbar.wamp.protocol.message.Event;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.invoke.Invoker;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jboss.logging.Logger;

/**
 * Serves one {@code @WampSubscribe} method: each event in order, one at a time, where the method's
 * kind asks. A failing handler is logged; the subscription goes on.
 */
final class SubscriptionHandler implements ClientSession.EventHandler {

  private static final Logger LOG = Logger.getLogger(SubscriptionHandler.class);

  private final MethodMetadata meta;
  private final Invoker<Object, Object> invoker;
  private final ArgumentMapper mapper;
  private final Executor serial;
  private final ClientMetrics metrics;
  private final ClientTracing tracing;
  private final RequestScope requestScope;

  SubscriptionHandler(
      MethodMetadata meta,
      Invoker<Object, Object> invoker,
      ArgumentMapper mapper,
      Executor serial,
      ClientMetrics metrics,
      ClientTracing tracing,
      RequestScope requestScope) {
    this.tracing = tracing;
    this.requestScope = requestScope;
    this.meta = meta;
    this.invoker = invoker;
    this.mapper = mapper;
    this.serial = serial;
    this.metrics = metrics;
  }

  @Override
  public void onEvent(Event event) {
    serial.execute(() -> handle(event));
  }

  private void handle(Event event) {
    long start = System.nanoTime();
    EventDetails details = details(event);
    ClientTracing.Handling span = tracing.event(details.topic(), event.details());
    try (RequestScope.Entered request = requestScope.enter();
        ClientTracing.Scope scope = span.enter()) {
      Object[] parameters =
          mapper.parameters(event.arguments(), event.argumentsKw(), null, details);
      Object out = invoker.invoke(null, parameters);
      Uni<?> pending =
          switch (meta.getReturns()) {
            case UNI -> (Uni<?>) out;
            case COMPLETION_STAGE -> Uni.createFrom().completionStage((CompletionStage<?>) out);
            default -> null;
          };
      if (pending == null) {
        done(start, span, null);
      } else if (meta.getExecution() == MethodMetadata.Execution.EVENT_LOOP) {
        // Never wait on the event loop: asynchronous handlers of one subscription may overlap.
        pending.subscribe().with(v -> done(start, span, null), e -> done(start, span, e));
      } else {
        // On a worker, wait: the next event must not overtake this one.
        pending.await().indefinitely();
        done(start, span, null);
      }
    } catch (Throwable e) {
      done(start, span, e);
    }
  }

  /** The handler has finished with the event; a failure is logged, the subscription goes on. */
  private void done(long start, ClientTracing.Handling span, Throwable error) {
    if (error != null) {
      LOG.errorf(error, "%s failed on an event of %s", meta.getDescription(), meta.getUri());
    }
    metrics.event(meta.getUri(), System.nanoTime() - start, error);
    span.end(error);
  }

  private EventDetails details(Event event) {
    Map<String, Object> d = event.details();
    return new EventDetails(
        d.get("topic") instanceof String t ? t : meta.getUri(),
        event.publication(),
        d.get("publisher") instanceof Number n ? n.longValue() : 0,
        d.get("publisher_authid") instanceof String s ? s : null,
        d.get("publisher_authrole") instanceof String s ? s : null,
        d);
  }
}
