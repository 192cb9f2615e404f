package io.quarkbar.router;

import io.quarkbar.router.config.RouterConfigFactory;
import io.quarkbar.router.config.RouterServiceConfig;
import io.quarkbar.wamp.router.Router;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/** Creates the router core from the configuration, and ends its sessions cleanly on shutdown. */
@ApplicationScoped
public class RouterLifecycle {

  private static final Logger LOG = Logger.getLogger(RouterLifecycle.class);

  @Produces
  @Singleton
  Router router(RouterServiceConfig config) {
    return new Router(RouterConfigFactory.create(config));
  }

  void started(@Observes StartupEvent event, Router router, RouterServiceConfig config) {
    LOG.infof(
        "WAMP router ready at %s with realms %s",
        config.websocket().path(), config.realms().keySet());
  }

  void stopping(@Observes ShutdownEvent event, Router router) {
    router.shutdown(2, TimeUnit.SECONDS);
  }
}
