package io.quarkbar.auth.service;

import io.quarkbar.auth.domain.UserAccount;
import java.time.Instant;

/**
 * A token just issued: the only time the token itself exists outside the client, which keeps it.
 */
public record IssuedToken(String token, UserAccount user, Instant expiresAt) {

  @Override
  public String toString() {
    // Never the token: records end up in logs.
    return "IssuedToken[user=" + user.getUsername() + ", expiresAt=" + expiresAt + "]";
  }
}
