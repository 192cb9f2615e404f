package io.quarkbar.router.websocket;

import io.quarkus.vertx.VertxOptionsCustomizer;
import io.vertx.core.VertxOptions;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * One Vert.x event loop per core, unless {@code quarkus.vertx.event-loops-pool-size} says
 * otherwise.
 *
 * <p>Vert.x defaults to two per core, which suits code that sometimes blocks. The router never
 * blocks, and most of what it writes goes to connections that live on another event loop: every
 * extra loop turns more writes into cross-thread hand-offs that wake a selector (measured: about a
 * tenth of the router's CPU in a call benchmark on one core). Loops beyond the cores only add those
 * hand-offs.
 */
@ApplicationScoped
public class EventLoopSizing implements VertxOptionsCustomizer {

  @Override
  public void accept(VertxOptions options) {
    boolean configured =
        ConfigProvider.getConfig()
            .getOptionalValue("quarkus.vertx.event-loops-pool-size", Integer.class)
            .isPresent();
    if (!configured) {
      options.setEventLoopPoolSize(Runtime.getRuntime().availableProcessors());
    }
  }
}
