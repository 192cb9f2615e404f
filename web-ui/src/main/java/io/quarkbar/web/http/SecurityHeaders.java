package io.quarkbar.web.http;

import io.quarkbar.web.config.PageSettings;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.MultiMap;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Security headers on every response, the static page and {@code /config.js} included: the
 * Content-Security-Policy of {@link PageSettings}, no MIME sniffing, no framing, no referrer, and a
 * browsing context of its own.
 */
@ApplicationScoped
public class SecurityHeaders {

  /** Above the default priority of filters: the headers are set before anything answers. */
  private static final int PRIORITY = 100;

  @Inject PageSettings settings;

  void register(@Observes Filters filters) {
    filters.register(
        context -> {
          MultiMap headers = context.response().headers();
          headers.set("Content-Security-Policy", settings.contentSecurityPolicy());
          headers.set("X-Content-Type-Options", "nosniff");
          headers.set("X-Frame-Options", "DENY");
          headers.set("Referrer-Policy", "no-referrer");
          headers.set("Cross-Origin-Opener-Policy", "same-origin");
          context.next();
        },
        PRIORITY);
  }
}
