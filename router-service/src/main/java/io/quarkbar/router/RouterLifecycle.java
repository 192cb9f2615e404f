package io.quarkbar.router;

import io.quarkbar.router.cluster.RouterCluster;
import io.quarkbar.router.config.LiteralSecrets;
import io.quarkbar.router.config.RouterConfigFactory;
import io.quarkbar.router.config.RouterServiceConfig;
import io.quarkbar.router.config.SessionBound;
import io.quarkbar.wamp.protocol.serialization.DecodeLimits;
import io.quarkbar.wamp.router.Router;
import io.quarkbar.wamp.router.telemetry.Telemetry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.SmallRyeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/** Creates the router core from the configuration, and ends its sessions cleanly on shutdown. */
@ApplicationScoped
public class RouterLifecycle {

  private static final Logger LOG = Logger.getLogger(RouterLifecycle.class);

  @Produces
  @Singleton
  Router router(RouterServiceConfig config, Telemetry telemetry, RouterCluster cluster) {
    SessionBound bound =
        SessionBound.forThisProcess(config.limits().maxSessions(), config.limits().reservedFiles());
    Router router = new Router(RouterConfigFactory.create(config, bound.sessions()), telemetry);
    if (bound.limitedByFiles()) {
      LOG.warnf("the router takes %s", bound.describe());
    } else {
      LOG.debugf("the router takes %s", bound.describe());
    }
    DecodeLimits.set(config.limits().maxNestingDepth(), config.limits().maxElements());
    cluster.join(router);
    return router;
  }

  void started(@Observes StartupEvent event, Router router, RouterServiceConfig config) {
    for (String key :
        LiteralSecrets.find(ConfigProvider.getConfig().unwrap(SmallRyeConfig.class))) {
      LOG.warnf(
          "%s is written into a configuration file; give it as ${ENV_VAR} so that it stays out of"
              + " files and repositories",
          key);
    }
    LOG.infof(
        "WAMP router ready at %s with realms %s",
        config.websocket().path(), config.realms().keySet());
  }

  void stopping(@Observes ShutdownEvent event, Router router) {
    router.shutdown(2, TimeUnit.SECONDS);
  }
}
