package io.quarkbar.web.http;

import io.quarkbar.web.config.PageSettings;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * {@code GET /config.js}: the page's run-time settings as a script of their own (the
 * Content-Security-Policy allows no inline script), never cached, so that a redeployment with other
 * settings takes effect at the next page load.
 */
@ApplicationScoped
public class ConfigScript {

  @Inject PageSettings settings;

  void route(@Observes Router router) {
    router
        .get("/config.js")
        .handler(
            context ->
                context
                    .response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/javascript; charset=utf-8")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                    .end(settings.configScript()));
  }
}
