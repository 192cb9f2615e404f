package io.quarkbar.auth.service;

import io.quarkbar.auth.domain.UserAccount;
import io.quarkbar.auth.persistence.UserAccountRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.temporal.ChronoUnit;

/** Registration of users. */
@ApplicationScoped
public class AccountService {

  private final UserAccountRepository users;
  private final PasswordHasher hasher;
  private final Clock clock;
  private final AuthMetrics metrics;

  AccountService(
      UserAccountRepository users, PasswordHasher hasher, Clock clock, AuthMetrics metrics) {
    this.users = users;
    this.hasher = hasher;
    this.clock = clock;
    this.metrics = metrics;
  }

  /**
   * Creates a user; the arguments have been checked against the rules already.
   *
   * @throws AuthException {@code USERNAME_TAKEN} when the username exists, also when another
   *     registration of it commits first
   */
  public UserAccount register(String username, String password) {
    if (users.existsByUsername(username)) {
      throw taken(username);
    }
    // bcrypt takes a good part of a second: hash before the transaction, not holding a connection.
    String hash = hasher.hash(password);
    UserAccount account;
    try {
      account =
          QuarkusTransaction.requiringNew()
              .call(
                  () -> {
                    UserAccount created =
                        new UserAccount(
                            username, hash, clock.instant().truncatedTo(ChronoUnit.SECONDS));
                    users.persistAndFlush(created);
                    return created;
                  });
    } catch (RuntimeException e) {
      // Two registrations of one name at once both passed the check above: the unique constraint
      // lets one of them commit.
      if (violatesUniqueUsername(e)) {
        throw taken(username);
      }
      throw e;
    }
    metrics.registered();
    return account;
  }

  private static boolean violatesUniqueUsername(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.hibernate.exception.ConstraintViolationException v
          && UserAccountRepository.USERNAME_CONSTRAINT.equalsIgnoreCase(v.getConstraintName())) {
        return true;
      }
    }
    return false;
  }

  private static AuthException taken(String username) {
    return new AuthException(
        AuthException.Reason.USERNAME_TAKEN, "the username " + username + " is taken");
  }
}
