package io.quarkbar.auth.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The service's own metrics at {@code /q/metrics}, all in one place. Registered at start-up, so
 * that each series exists, at 0, before its first event: a rate over a series that appears late
 * misses its first increase.
 */
@Startup
@ApplicationScoped
public class AuthMetrics {

  private final Counter loginsSucceeded;
  private final Counter loginsFailed;
  private final Counter loginsThrottled;
  private final Counter registrations;
  private final Counter ticketsAccepted;
  private final Counter ticketsRefused;

  AuthMetrics(MeterRegistry registry, PresenceTracker presence) {
    loginsSucceeded = login(registry, "succeeded");
    loginsFailed = login(registry, "failed");
    loginsThrottled = login(registry, "throttled");
    registrations =
        Counter.builder("auth.registrations").description("Users registered").register(registry);
    ticketsAccepted = ticket(registry, "accepted");
    ticketsRefused = ticket(registry, "refused");
    Gauge.builder("auth.users.online", presence, PresenceTracker::onlineCount)
        .description("Users with at least one session joined")
        .strongReference(true)
        .register(registry);
  }

  private static Counter login(MeterRegistry registry, String outcome) {
    return Counter.builder("auth.logins")
        .description(
            "Logins, by outcome: succeeded, failed (wrong password or unknown user), throttled")
        .tag("outcome", outcome)
        .register(registry);
  }

  private static Counter ticket(MeterRegistry registry, String outcome) {
    return Counter.builder("auth.tickets")
        .description("Ticket joins the router asked about, by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  void loginSucceeded() {
    loginsSucceeded.increment();
  }

  void loginFailed() {
    loginsFailed.increment();
  }

  void loginThrottled() {
    loginsThrottled.increment();
  }

  void registered() {
    registrations.increment();
  }

  void ticketAccepted() {
    ticketsAccepted.increment();
  }

  void ticketRefused() {
    ticketsRefused.increment();
  }
}
