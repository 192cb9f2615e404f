package io.quarkbar.wamp.client.deployment.devservices;

import io.quarkbar.wamp.client.runtime.DevServicesBuildConfig;
import io.quarkus.deployment.IsNormal;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.CuratedApplicationShutdownBuildItem;
import io.quarkus.deployment.builditem.DevServicesResultBuildItem;
import io.quarkus.deployment.dev.devservices.DevServicesConfig;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Dev mode and tests need no router of their own: for every connection without a {@code url}, an
 * embedded router ({@link EmbeddedRouter}) starts with the connection's realm open, and the
 * connection's {@code url} points to it, the way Dev Services start a database. One router serves a
 * dev-mode session across live reloads, and is stopped with it.
 */
public class WampDevServicesProcessor {

  private static final Logger LOG = Logger.getLogger(WampDevServicesProcessor.class);

  private static volatile EmbeddedRouter running;
  private static volatile Set<String> runningRealms = Set.of();

  @BuildStep(onlyIfNot = IsNormal.class, onlyIf = DevServicesConfig.Enabled.class)
  DevServicesResultBuildItem embeddedRouter(
      DevServicesBuildConfig config, CuratedApplicationShutdownBuildItem shutdown) {
    if (!config.enabled()) {
      return null;
    }
    Config app = ConfigProvider.getConfig();
    Map<String, String> needUrl = new LinkedHashMap<>(); // url key -> realm
    if (app.getOptionalValue("quarkbar.wamp.url", String.class).isEmpty()) {
      needUrl.put(
          "quarkbar.wamp.url",
          app.getOptionalValue("quarkbar.wamp.realm", String.class).orElse("realm1"));
    }
    for (String name : connectionNames(app)) {
      String prefix = "quarkbar.wamp.connections." + name;
      if (app.getOptionalValue(prefix + ".url", String.class).isEmpty()) {
        needUrl.put(
            prefix + ".url",
            app.getOptionalValue(prefix + ".realm", String.class).orElse("realm1"));
      }
    }
    if (needUrl.isEmpty()) {
      return null;
    }
    Set<String> realms = new TreeSet<>(needUrl.values());
    try {
      synchronized (WampDevServicesProcessor.class) {
        if (running == null || !runningRealms.equals(realms)) {
          if (running != null) {
            running.close();
          }
          running = EmbeddedRouter.start(realms);
          runningRealms = realms;
          EmbeddedRouter started = running;
          shutdown.addCloseTask(
              () -> {
                synchronized (WampDevServicesProcessor.class) {
                  if (running == started) {
                    started.close();
                    running = null;
                    runningRealms = Set.of();
                  }
                }
              },
              true);
          LOG.infof(
              "Dev Services for WAMP: an embedded router at %s with open realms %s (set quarkbar.wamp.url to use another)",
              running.url(), realms);
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not start the embedded WAMP router: " + e, e);
    }
    Map<String, String> urls = new LinkedHashMap<>();
    needUrl.keySet().forEach(key -> urls.put(key, running.url()));
    return new DevServicesResultBuildItem("wamp-router", "embedded WAMP router", null, urls);
  }

  private static Set<String> connectionNames(Config app) {
    Set<String> names = new LinkedHashSet<>();
    String prefix = "quarkbar.wamp.connections.";
    for (String key : app.getPropertyNames()) {
      if (key.startsWith(prefix)) {
        String rest = key.substring(prefix.length());
        int dot = rest.indexOf('.');
        if (dot > 0) {
          names.add(rest.substring(0, dot));
        }
      }
    }
    return names;
  }
}
