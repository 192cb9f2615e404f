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
 * blocks, and most of what it writes goes to connections on other event loops, as cross-thread
 * hand-offs that wake a selector. With clients placed on loops at random, one loop per core
 * measured faster in the call benchmark (33k to 50k calls/s on one core). It is not the whole
 * story: Vert.x flushes a write handed over from another loop only when that loop's queue drains,
 * but a write made on the same loop at once, so when every caller and its callee sit on different
 * loops, two loops batch better (bench/README.md). Batching same-loop writes until the end of a
 * read is the fix that would make this choice moot.
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
