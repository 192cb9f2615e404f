package io.quarkbar.auth.service;

import io.quarkbar.auth.config.AuthConfig;
import io.quarkbar.auth.domain.AccessToken;
import io.quarkbar.auth.domain.UserAccount;
import io.quarkbar.auth.persistence.AccessTokenRepository;
import io.quarkbar.auth.persistence.UserAccountRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * Login tokens: 256 random bits in base64url, handed out once and stored only as their SHA-256,
 * valid for {@code auth.token-lifetime} unless revoked by a logout.
 */
@ApplicationScoped
public class TokenService {

  private final AccessTokenRepository tokens;
  private final UserAccountRepository users;
  private final AuthConfig config;
  private final Clock clock;
  private final AuthMetrics metrics;
  private final SecureRandom random = new SecureRandom();

  TokenService(
      AccessTokenRepository tokens,
      UserAccountRepository users,
      AuthConfig config,
      Clock clock,
      AuthMetrics metrics) {
    this.tokens = tokens;
    this.users = users;
    this.config = config;
    this.clock = clock;
    this.metrics = metrics;
  }

  /**
   * A new token for {@code user}. The user's tokens that can no longer be used (expired or revoked)
   * are deleted on the way, so that the table holds about one row per device in use.
   */
  @Transactional
  public IssuedToken issue(UserAccount user) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    byte[] bits = new byte[32];
    random.nextBytes(bits);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    UserAccount owner = users.getEntityManager().getReference(UserAccount.class, user.getId());
    tokens.purgeUnusable(owner, now);
    Instant expiresAt = now.plus(config.tokenLifetime());
    tokens.persist(new AccessToken(Sha256.of(token), owner, now, expiresAt));
    return new IssuedToken(token, user, expiresAt);
  }

  /**
   * The username {@code token} was issued to.
   *
   * @param authid the username the client joins as; null to take the token's
   * @throws AuthException {@code INVALID_TOKEN} for a token that is unknown, another user's,
   *     revoked or expired, saying which
   */
  @Transactional(Transactional.TxType.SUPPORTS)
  public String authenticate(String authid, String token) {
    AccessToken found = tokens.findByHash(Sha256.of(token)).orElse(null);
    String refusal = found == null ? "unknown token" : refusal(found, authid);
    if (refusal != null) {
      metrics.ticketRefused();
      throw new AuthException(AuthException.Reason.INVALID_TOKEN, refusal);
    }
    metrics.ticketAccepted();
    return found.getAccount().getUsername();
  }

  private String refusal(AccessToken token, String authid) {
    String owner = token.getAccount().getUsername();
    if (authid != null && !authid.equals(owner)) {
      return "the token was issued to another user than " + authid;
    }
    if (token.getRevokedAt() != null) {
      return "the token was revoked by a logout; log in again";
    }
    if (!token.getExpiresAt().isAfter(clock.instant())) {
      return "the token has expired; log in again";
    }
    return null;
  }

  /** Revokes every token of {@code username}. */
  @Transactional
  public void revokeAll(String username) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    users.findByUsername(username).ifPresent(u -> tokens.revokeAll(u, now));
  }
}
