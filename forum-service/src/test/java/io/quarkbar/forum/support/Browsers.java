package io.quarkbar.forum.support;

import io.quarkbar.testing.wamp.WampTestSession;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Opens {@link WampTestSession}s to the router forum-service is joined to (in tests, the client
 * extension's embedded router, whose URL its Dev Services put in {@code quarkbar.wamp.url}), and
 * closes them when the test is over.
 */
@ApplicationScoped
public class Browsers {

  @Inject Vertx vertx;

  @ConfigProperty(name = "quarkbar.wamp.url")
  String routerUrl;

  private final List<WampTestSession> open = new CopyOnWriteArrayList<>();

  public WampTestSession open() {
    WampTestSession client = WampTestSession.join(vertx, routerUrl, "forum");
    open.add(client);
    return client;
  }

  public void closeAll() {
    open.forEach(WampTestSession::close);
    open.clear();
  }
}
