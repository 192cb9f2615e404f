package io.quarkbar.auth.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts a {@link ForumRouter} before the application, points the service at it (joining as {@code
 * auth-service} by WAMP-CRA, as in production), and injects it into test fields of its type.
 */
public class ForumRouterResource implements QuarkusTestResourceLifecycleManager {

  private ForumRouter router;

  @Override
  public Map<String, String> start() {
    try {
      router = ForumRouter.start();
    } catch (Exception e) {
      throw new IllegalStateException("the test router did not start", e);
    }
    return Map.of(
        "quarkbar.wamp.url", router.url(),
        "quarkbar.wamp.auth.method", "wampcra",
        "quarkbar.wamp.auth.authid", "auth-service",
        "quarkbar.wamp.auth.secret", ForumRouter.SECRET,
        // A reconnect waits long enough for a test to act while the service is away.
        "quarkbar.wamp.reconnect.initial-delay", "1s");
  }

  @Override
  public void inject(TestInjector injector) {
    injector.injectIntoFields(router, new TestInjector.MatchesType(ForumRouter.class));
  }

  @Override
  public void stop() {
    if (router != null) {
      router.close();
    }
  }
}
