package io.quarkbar.auth.api;

import io.quarkbar.auth.service.AccountService;
import io.quarkbar.auth.service.AuthException;
import io.quarkbar.auth.service.LoginService;
import io.quarkbar.auth.service.TokenService;
import io.quarkbar.wamp.client.InvocationDetails;
import io.quarkbar.wamp.client.Wamp;
import io.quarkbar.wamp.client.WampException;
import io.quarkbar.wamp.client.WampProcedure;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * {@code forum.auth.*} of docs/api.md: register, login, logout, and the router's ticket
 * authenticator. Each runs on a worker thread (bcrypt and JDBC block); Bean Validation checks the
 * arguments first, and its violations reach the caller as {@code wamp.error.invalid_argument}.
 */
@ApplicationScoped
public class AuthProcedures {

  private static final Logger LOG = Logger.getLogger(AuthProcedures.class);

  private final AccountService accounts;
  private final LoginService logins;
  private final TokenService tokens;
  private final Wamp wamp;

  AuthProcedures(AccountService accounts, LoginService logins, TokenService tokens, Wamp wamp) {
    this.accounts = accounts;
    this.logins = logins;
    this.tokens = tokens;
    this.wamp = wamp;
  }

  @WampProcedure("forum.auth.register")
  public User register(
      @NotNull(message = "is required")
          @Pattern(
              regexp = "[a-z][a-z0-9_.-]{2,31}",
              message =
                  "must be 3 to 32 characters: lowercase letters, digits, _, . or -, starting with"
                      + " a letter")
          String username,
      @NotNull(message = "is required")
          @Size(min = 8, max = 128, message = "must be 8 to 128 characters")
          String password) {
    if (password.equalsIgnoreCase(username)) {
      throw Errors.invalidArgument("password must not be the username");
    }
    try {
      return User.of(accounts.register(username, password));
    } catch (AuthException e) {
      throw Errors.toWamp(e);
    }
  }

  @WampProcedure("forum.auth.login")
  public Login login(
      @NotEmpty(message = "is required") @Size(max = 32, message = "is at most 32 characters")
          String username,
      @NotEmpty(message = "is required") @Size(max = 128, message = "is at most 128 characters")
          String password,
      InvocationDetails details) {
    try {
      return Login.of(logins.login(username, password, details.caller()));
    } catch (AuthException e) {
      throw Errors.toWamp(e);
    }
  }

  /**
   * Revokes every token of the caller's user, then ends all of that user's sessions, the caller's
   * among them. The caller gets its result first, then GOODBYE {@code wamp.close.killed}: the kill
   * is sent after the result, on the same connection, so the router delivers the result before it
   * ends the session (a result sent after the kill would find no session to go to).
   */
  @Blocking
  @WampProcedure("forum.auth.logout")
  public Uni<Void> logout(InvocationDetails details) {
    String username = details.callerAuthid();
    if (username == null || !"user".equals(details.callerAuthrole())) {
      throw new WampException(WampUris.NOT_AUTHORIZED, "only a logged-in user can log out");
    }
    tokens.revokeAll(username);
    // The extension answers the call when this Uni emits its item, synchronously: emitting first
    // and asking for the kill after puts the YIELD before the CALL on the wire.
    return Uni.createFrom()
        .emitter(
            result -> {
              result.complete(null);
              endSessions(username);
            });
  }

  private void endSessions(String username) {
    wamp.call("wamp.session.kill_by_authid")
        .args(username)
        .kwargs(Map.of("message", "logged out"))
        .as(Integer.class)
        .subscribe()
        .with(
            killed -> LOG.debugf("logout of %s ended %d session(s)", username, killed),
            e ->
                LOG.warnf(
                    "logout of %s: its tokens are revoked, but its sessions were not ended: %s",
                    username, e.getMessage()));
  }

  /**
   * The router's dynamic authenticator for ticket joins: {@code details.ticket} is a token from
   * {@code forum.auth.login}. Grants role {@code user} with the token's username as authid; a
   * client that names no authid gets the token's. Refuses with {@code
   * wamp.error.authentication_failed}, which ends the join.
   *
   * @param realm the realm joined; the router asks only for {@code forum}
   * @param authid the username the client joins as, or null
   * @param details the join's details; {@code ticket} is what the client sent
   */
  @WampProcedure("forum.auth.authenticate")
  public Identity authenticate(String realm, String authid, Map<String, Object> details) {
    if (details == null || !(details.get("ticket") instanceof String ticket) || ticket.isEmpty()) {
      throw new WampException(
          WampUris.AUTHENTICATION_FAILED, "ticket authentication needs the login token as ticket");
    }
    try {
      return new Identity("user", tokens.authenticate(authid, ticket));
    } catch (AuthException e) {
      throw Errors.toWamp(e);
    }
  }
}
