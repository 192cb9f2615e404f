package io.quarkbar.auth.persistence;

import io.quarkbar.auth.domain.UserAccount;
import io.quarkus.hibernate.orm.panache.PanacheRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** The users table. */
@ApplicationScoped
public class UserAccountRepository implements PanacheRepository<UserAccount> {

  /** The name of the unique constraint on {@code users.username} (V1 migration). */
  public static final String USERNAME_CONSTRAINT = "users_username_key";

  public Optional<UserAccount> findByUsername(String username) {
    return find("username", username).firstResultOptional();
  }

  public boolean existsByUsername(String username) {
    return count("username", username) > 0;
  }
}
