package io.quarkbar.auth.api;

import io.quarkbar.auth.domain.UserAccount;
import java.time.Instant;

/** {@code User} of docs/api.md: a user as others see it. */
public record User(String username, Instant createdAt) {

  static User of(UserAccount account) {
    return new User(account.getUsername(), account.getCreatedAt());
  }
}
