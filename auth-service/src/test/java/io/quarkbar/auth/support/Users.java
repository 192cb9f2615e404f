package io.quarkbar.auth.support;

import io.quarkbar.testing.wamp.WampTestSession;
import io.quarkbar.wamp.client.core.Credentials;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Users for the tests: fresh usernames, registered and logged in the way the web app does it. */
public final class Users {

  public static final String PASSWORD = "correct horse battery";

  private static final AtomicInteger NEXT = new AtomicInteger();

  private Users() {}

  /**
   * A username no other test uses in this run (the tests share one database), starting with {@code
   * prefix}.
   */
  public static String fresh(String prefix) {
    return prefix + NEXT.incrementAndGet();
  }

  /** Registers {@code username} with {@link #PASSWORD} and logs in; the {@code Login}. */
  public static Map<String, Object> registerAndLogin(ForumRouter router, String username) {
    try (WampTestSession anonymous = router.join(new Credentials.Anonymous())) {
      anonymous.call("forum.auth.register", username, PASSWORD);
      return anonymous.call("forum.auth.login", username, PASSWORD);
    }
  }

  /** A session of {@code username} joined with the ticket {@code token}. */
  public static WampTestSession withTicket(ForumRouter router, String username, String token) {
    return router.join(new Credentials.Ticket(username, token));
  }

  /** A new user, logged in, and a session of theirs joined with the token. */
  public static WampTestSession loggedIn(ForumRouter router, String username) {
    return withTicket(router, username, (String) registerAndLogin(router, username).get("token"));
  }
}
