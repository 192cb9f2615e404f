package io.quarkbar.router.health;

import io.quarkbar.router.guests.GuestSupervisor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The guest processes ({@code router.guests}): each one's state as data, UP once every enabled
 * guest is ready, so the platform the router runs is ready when the router is. Always UP without
 * guests.
 */
@Readiness
@ApplicationScoped
public class GuestsReadinessCheck implements HealthCheck {

  @Inject GuestSupervisor guests;

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder response =
        HealthCheckResponse.named("guests").status(guests.allReady());
    guests.states().forEach((name, state) -> response.withData(name, state.toString()));
    return response.build();
  }
}
