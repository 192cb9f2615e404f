package io.quarkbar.router.health;

import io.quarkbar.wamp.router.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the router accepts new sessions; DOWN from the moment shutdown begins. */
@Readiness
@ApplicationScoped
public class RouterReadinessCheck implements HealthCheck {

  @Inject Router router;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("wamp-router")
        .status(router.isAcceptingSessions())
        .withData("sessions", router.sessionCount())
        .build();
  }
}
