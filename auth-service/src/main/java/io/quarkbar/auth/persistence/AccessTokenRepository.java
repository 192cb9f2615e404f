package io.quarkbar.auth.persistence;

import io.quarkbar.auth.domain.AccessToken;
import io.quarkbar.auth.domain.UserAccount;
import io.quarkus.hibernate.orm.panache.PanacheRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;

/** The tokens table: looked up by hash, revoked and purged per user. */
@ApplicationScoped
public class AccessTokenRepository implements PanacheRepository<AccessToken> {

  /** The token with this SHA-256, with its user. */
  public Optional<AccessToken> findByHash(byte[] tokenHash) {
    return find("from AccessToken t join fetch t.account where t.tokenHash = ?1", tokenHash)
        .firstResultOptional();
  }

  /** Revokes every token of {@code account} that is not revoked yet. */
  public void revokeAll(UserAccount account, Instant now) {
    update("revokedAt = ?1 where account = ?2 and revokedAt is null", now, account);
  }

  /** Deletes the tokens of {@code account} that can no longer be used. */
  public void purgeUnusable(UserAccount account, Instant now) {
    delete("account = ?1 and (expiresAt <= ?2 or revokedAt is not null)", account, now);
  }
}
