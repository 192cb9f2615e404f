package io.quarkbar.wamp.client.runtime;

import io.quarkbar.wamp.client.core.Connection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * UP while every WAMP connection is joined with all its registrations and subscriptions in place;
 * DOWN while one connects, reconnects, or had a registration refused.
 */
@Readiness
@ApplicationScoped
public class WampReadinessCheck implements HealthCheck {

  @Inject WampClients clients;

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder response = HealthCheckResponse.named("wamp-client");
    boolean up = true;
    for (var status : clients.statuses().values()) {
      up &= status == Connection.Status.READY;
    }
    clients.describe().forEach(response::withData);
    return response.status(up).build();
  }
}
