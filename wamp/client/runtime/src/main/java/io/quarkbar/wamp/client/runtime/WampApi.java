package io.quarkbar.wamp.client.runtime;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkbar.wamp.client.Wamp;
import io.quarkbar.wamp.client.WampException;
import io.quarkbar.wamp.client.core.Connection;
import io.quarkbar.wamp.client.core.WampError;
import io.quarkbar.wamp.protocol.message.Result;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/** {@link Wamp} over one {@link Connection}. */
final class WampApi implements Wamp {

  private final String name;
  private final Connection connection;
  private final ObjectMapper mapper;
  private final ClientMetrics metrics;
  private final ClientTracing tracing;
  private final Function<String, WampApi> others;

  WampApi(
      String name,
      Connection connection,
      ObjectMapper mapper,
      ClientMetrics metrics,
      ClientTracing tracing,
      Function<String, WampApi> others) {
    this.tracing = tracing;
    this.name = name;
    this.connection = connection;
    this.mapper = mapper;
    this.metrics = metrics;
    this.others = others;
  }

  @Override
  public <T> Uni<T> call(String procedure, Class<T> type, Object... args) {
    return call(procedure).args(args).as(type);
  }

  @Override
  public <T> Uni<T> call(String procedure, TypeReference<T> type, Object... args) {
    return call(procedure).args(args).as(type);
  }

  @Override
  public CallBuilder call(String procedure) {
    return new Builder(procedure);
  }

  @Override
  public Uni<Void> publish(String topic, Object... args) {
    return publish(topic).args(args).send(false);
  }

  @Override
  public PublishBuilder publish(String topic) {
    return new Publication(topic);
  }

  @Override
  public Wamp connection(String name) {
    return others.apply(name);
  }

  @Override
  public boolean isReady() {
    return connection.status() == Connection.Status.READY;
  }

  /** A {@link WampError} of the client core as the API's {@link WampException}. */
  static Throwable translate(Throwable e) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return t instanceof WampError w ? new WampException(w.uri(), w.args(), w.kwargs()) : t;
  }

  private final class Builder implements CallBuilder {
    private final String procedure;
    private List<Object> args = List.of();
    private Map<String, Object> kwargs = Map.of();
    private final Map<String, Object> options = new LinkedHashMap<>();

    Builder(String procedure) {
      this.procedure = procedure;
    }

    @Override
    public CallBuilder args(Object... args) {
      this.args = ArgumentMapper.plainArgs(mapper, args);
      return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public CallBuilder kwargs(Map<String, ?> kwargs) {
      this.kwargs = (Map<String, Object>) ArgumentMapper.plain(mapper, kwargs);
      return this;
    }

    @Override
    public CallBuilder timeout(Duration timeout) {
      options.put("timeout", timeout.toMillis());
      return this;
    }

    @Override
    public CallBuilder discloseMe() {
      options.put("disclose_me", true);
      return this;
    }

    @Override
    public <T> Uni<T> as(Class<T> type) {
      return as(mapper.getTypeFactory().constructType(type));
    }

    @Override
    public <T> Uni<T> as(TypeReference<T> type) {
      return as(mapper.getTypeFactory().constructType(type));
    }

    private <T> Uni<T> as(JavaType type) {
      return Uni.createFrom()
          .<Result>emitter(
              em -> {
                long start = System.nanoTime();
                Map<String, Object> sent = new LinkedHashMap<>(options);
                ClientTracing.Outgoing span = tracing.call(procedure, sent);
                Connection.Call call = connection.call(procedure, sent, args, kwargs, null);
                call.result()
                    .whenComplete(
                        (r, e) -> {
                          Throwable error = e == null ? null : translate(e);
                          metrics.call(procedure, System.nanoTime() - start, error);
                          span.end(error);
                          if (e != null) {
                            em.fail(translate(e));
                          } else {
                            em.complete(r);
                          }
                        });
                em.onTermination(
                    () -> {
                      if (!call.result().isDone()) {
                        call.cancel("killnowait");
                      }
                    });
              })
          .map(r -> ArgumentMapper.<T>read(mapper, type, r.arguments(), r.argumentsKw()));
    }

    @Override
    public <T> Multi<T> progressive(Class<T> type) {
      JavaType javaType = mapper.getTypeFactory().constructType(type);
      return Multi.createFrom()
          .<T>emitter(
              em -> {
                Map<String, Object> sent = new LinkedHashMap<>(options);
                sent.put("receive_progress", true);
                ClientTracing.Outgoing span = tracing.call(procedure, sent);
                AtomicReference<Connection.Call> callRef = new AtomicReference<>();
                Connection.Call call =
                    connection.call(
                        procedure,
                        sent,
                        args,
                        kwargs,
                        r -> emitConverted(em, javaType, r, callRef));
                callRef.set(call);
                call.result()
                    .whenComplete(
                        (r, e) -> {
                          span.end(e == null ? null : translate(e));
                          if (e != null) {
                            em.fail(translate(e));
                            return;
                          }
                          if (!r.arguments().isEmpty() || !r.argumentsKw().isEmpty()) {
                            if (!emitConverted(em, javaType, r, callRef)) {
                              return;
                            }
                          }
                          em.complete();
                        });
                em.onTermination(
                    () -> {
                      if (!call.result().isDone()) {
                        call.cancel("killnowait");
                      }
                    });
              });
    }

    /**
     * Emits one result converted to {@code type}; a result that does not convert fails the stream
     * (and cancels the call) instead of being lost in a callback, where the caller would wait for
     * ever.
     */
    private <T> boolean emitConverted(
        io.smallrye.mutiny.subscription.MultiEmitter<? super T> em,
        JavaType type,
        Result r,
        AtomicReference<Connection.Call> call) {
      T item;
      try {
        item = ArgumentMapper.read(mapper, type, r.arguments(), r.argumentsKw());
      } catch (RuntimeException e) {
        Connection.Call c = call.get();
        if (c != null && !c.result().isDone()) {
          c.cancel("killnowait");
        }
        em.fail(translate(e));
        return false;
      }
      em.emit(item);
      return true;
    }
  }

  private final class Publication implements PublishBuilder {
    private final String topic;
    private List<Object> args = List.of();
    private Map<String, Object> kwargs = Map.of();
    private final Map<String, Object> options = new LinkedHashMap<>();

    Publication(String topic) {
      this.topic = topic;
    }

    @Override
    public PublishBuilder args(Object... args) {
      this.args = ArgumentMapper.plainArgs(mapper, args);
      return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public PublishBuilder kwargs(Map<String, ?> kwargs) {
      this.kwargs = (Map<String, Object>) ArgumentMapper.plain(mapper, kwargs);
      return this;
    }

    @Override
    public PublishBuilder includeMe() {
      options.put("exclude_me", false);
      return this;
    }

    @Override
    public PublishBuilder discloseMe() {
      options.put("disclose_me", true);
      return this;
    }

    @Override
    public PublishBuilder retain() {
      options.put("retain", true);
      return this;
    }

    @Override
    public Uni<Void> send(boolean acknowledged) {
      if (acknowledged) {
        options.put("acknowledge", true);
      }
      return Uni.createFrom()
          .completionStage(
              () -> {
                Map<String, Object> sent = new LinkedHashMap<>(options);
                ClientTracing.Outgoing span = tracing.publish(topic, sent);
                return connection
                    .publish(topic, sent, args, kwargs)
                    .whenComplete((v, e) -> span.end(e == null ? null : translate(e)));
              })
          .onFailure()
          .transform(WampApi::translate)
          .invoke(() -> metrics.published(topic))
          .replaceWithVoid();
    }
  }

  @Override
  public String toString() {
    return "Wamp[" + name + "]";
  }
}
