package io.quarkbar.wamp.client.runtime;

import com.fasterxml.jackson.core.type.TypeReference;
import io.quarkbar.wamp.client.Wamp;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Makes {@code @Inject Wamp} the default connection's API. */
@Singleton
public class WampProducer {

  /**
   * A {@link Wamp} that finds its connection when it is first used, so that it can be injected
   * anywhere, even into beans created before the connections are.
   */
  @Produces
  @Singleton
  Wamp wamp(WampClients clients) {
    return new Wamp() {
      private Wamp api() {
        return clients.api(WampClients.DEFAULT);
      }

      @Override
      public <T> Uni<T> call(String procedure, Class<T> type, Object... args) {
        return api().call(procedure, type, args);
      }

      @Override
      public <T> Uni<T> call(String procedure, TypeReference<T> type, Object... args) {
        return api().call(procedure, type, args);
      }

      @Override
      public CallBuilder call(String procedure) {
        return api().call(procedure);
      }

      @Override
      public Uni<Void> publish(String topic, Object... args) {
        return api().publish(topic, args);
      }

      @Override
      public PublishBuilder publish(String topic) {
        return api().publish(topic);
      }

      @Override
      public Wamp connection(String name) {
        return clients.api(name);
      }

      @Override
      public boolean isReady() {
        return api().isReady();
      }
    };
  }
}
