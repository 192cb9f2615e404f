package io.quarkbar.wamp.client.runtime;

import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Any;

/**
 * The CDI request context around a handler, as an HTTP request has one: active while a procedure or
 * subscriber runs, unless it is active already. Only when the application has request-scoped beans
 * (Hibernate ORM's session holder is one): activating and ending it costs about 5% of a short
 * invocation, for nothing when no bean could live in it.
 */
final class RequestScope {

  private final boolean needed;

  private RequestScope(boolean needed) {
    this.needed = needed;
  }

  /** The request scope the application's beans need. */
  static RequestScope forApplication() {
    return new RequestScope(
        Arc.container().beanManager().getBeans(Object.class, Any.Literal.INSTANCE).stream()
            .anyMatch(b -> b.getScope() == RequestScoped.class));
  }

  /** Activates the request context if needed and not active; {@link Entered#close} ends it. */
  Entered enter() {
    if (!needed) {
      return NOTHING;
    }
    ManagedContext request = Arc.container().requestContext();
    if (request.isActive()) {
      return NOTHING;
    }
    request.activate();
    return request::terminate;
  }

  /** What {@link #enter} started. */
  interface Entered extends AutoCloseable {
    @Override
    void close();
  }

  private static final Entered NOTHING = () -> {};
}
