package io.quarkbar.auth.api;

import io.quarkbar.auth.service.IssuedToken;
import java.time.Instant;

/** {@code Login} of docs/api.md: the result of {@code forum.auth.login}. */
public record Login(String token, User user, Instant expiresAt) {

  static Login of(IssuedToken issued) {
    return new Login(issued.token(), User.of(issued.user()), issued.expiresAt());
  }

  @Override
  public String toString() {
    return "Login[user=" + user.username() + ", expiresAt=" + expiresAt + "]";
  }
}
