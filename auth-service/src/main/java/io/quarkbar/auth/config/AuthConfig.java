package io.quarkbar.auth.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;

/**
 * The settings of auth-service, under {@code auth}. Each has a default fit for production; an
 * environment variable overrides it ({@code auth.token-lifetime} is {@code AUTH_TOKEN_LIFETIME}).
 * Values out of range fail start-up with the key named.
 */
@ConfigMapping(prefix = "auth")
public interface AuthConfig {

  /**
   * The bcrypt cost factor (log2 of the rounds) for new password hashes: 12 takes about a quarter
   * of a second per hash on a server core. Raising it applies to passwords set from then on; old
   * hashes keep their cost and still verify.
   */
  @WithDefault("12")
  @Min(4)
  @Max(31)
  int bcryptCost();

  /** How long a token from {@code forum.auth.login} is valid. */
  @WithDefault("24h")
  Duration tokenLifetime();

  /** How many failed logins are allowed, and over which window. */
  LoginLimit loginLimit();

  /**
   * Failed logins counted over a sliding window, per username and per caller session; once either
   * count is reached, further logins for it fail with {@code forum.error.too_many_attempts} until
   * the oldest failure has left the window.
   */
  interface LoginLimit {

    /** Failures allowed for one username within {@link #window()}. */
    @WithDefault("5")
    @Min(1)
    int perUsername();

    /** Failures allowed from one WAMP session within {@link #window()}, over all usernames. */
    @WithDefault("20")
    @Min(1)
    int perSession();

    /** The window over which failures count. */
    @WithDefault("15m")
    Duration window();
  }
}
