package io.quarkbar.auth.config;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * The clock the services read the time from: the system's, in UTC. Beans take it as a parameter so
 * that their unit tests can move time forward.
 */
public class ClockProducer {

  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }
}
