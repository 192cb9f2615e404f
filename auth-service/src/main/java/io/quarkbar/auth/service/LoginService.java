package io.quarkbar.auth.service;

import io.quarkbar.auth.domain.UserAccount;
import io.quarkbar.auth.persistence.UserAccountRepository;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Logins: the limits on failures, the password check, and a token for a right password. An unknown
 * username and a wrong password fail the same way and take the same time.
 */
@ApplicationScoped
public class LoginService {

  private final UserAccountRepository users;
  private final PasswordHasher hasher;
  private final LoginLimiter limiter;
  private final TokenService tokens;
  private final AuthMetrics metrics;

  LoginService(
      UserAccountRepository users,
      PasswordHasher hasher,
      LoginLimiter limiter,
      TokenService tokens,
      AuthMetrics metrics) {
    this.users = users;
    this.hasher = hasher;
    this.limiter = limiter;
    this.tokens = tokens;
    this.metrics = metrics;
  }

  /**
   * Checks the password and issues a token. No transaction is open while bcrypt works; the token is
   * written in one of its own.
   *
   * @param session the caller's session ID, for the per-session limit; 0 if unknown
   * @throws AuthException {@code TOO_MANY_ATTEMPTS} or {@code LOGIN_FAILED}
   */
  public IssuedToken login(String username, String password, long session) {
    LoginLimiter.Attempt attempt;
    try {
      attempt = limiter.begin(username, session);
    } catch (AuthException e) {
      metrics.loginThrottled();
      throw e;
    }
    UserAccount user = users.findByUsername(username).orElse(null);
    boolean right =
        user == null
            ? hasher.matchesNobody(password)
            : hasher.matches(password, user.getPasswordHash());
    if (!right) {
      metrics.loginFailed();
      throw new AuthException(AuthException.Reason.LOGIN_FAILED, "wrong username or password");
    }
    attempt.succeeded();
    metrics.loginSucceeded();
    return tokens.issue(user);
  }
}
