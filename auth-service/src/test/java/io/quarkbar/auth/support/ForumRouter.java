package io.quarkbar.auth.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.quarkbar.testing.wamp.WampTestSession;
import io.quarkbar.wamp.client.core.Credentials;
import io.quarkbar.wamp.protocol.codec.ProtocolViolationException;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.protocol.uri.UriValidator;
import io.quarkbar.wamp.router.Router;
import io.quarkbar.wamp.router.config.Action;
import io.quarkbar.wamp.router.config.AuthMethod;
import io.quarkbar.wamp.router.config.Disclose;
import io.quarkbar.wamp.router.config.DynamicProcedure;
import io.quarkbar.wamp.router.config.Limits;
import io.quarkbar.wamp.router.config.MatchPolicy;
import io.quarkbar.wamp.router.config.MethodConfig;
import io.quarkbar.wamp.router.config.Permission;
import io.quarkbar.wamp.router.config.Principal;
import io.quarkbar.wamp.router.config.RealmConfig;
import io.quarkbar.wamp.router.config.RouterConfig;
import io.quarkbar.wamp.router.session.Session;
import io.quarkbar.wamp.router.transport.OutgoingMessage;
import io.quarkbar.wamp.router.transport.Transport;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The router the tests run against: the router core with the realm {@code forum} of {@code
 * router-service/config/forum.yaml} (its roles and permissions read from that file, and its ticket
 * authenticator {@code forum.auth.authenticate}), on a WebSocket server on a free loopback port.
 * The service joins it as in production, as {@code auth-service} by WAMP-CRA with role {@code
 * service}; browsers join anonymously or with a ticket, and the router asks the service.
 *
 * <p>Two things exist for tests only: {@link #STATIC_USER}, a user who joins by WAMP-CRA without
 * asking the service (to have a user session join while the service is away), and {@link
 * #cut(String)}, which drops connections as a network failure would. Failed joins are not slowed
 * down, so that tests of refused tickets run fast.
 */
public final class ForumRouter implements AutoCloseable {

  /** The realm file of router-service, relative to this module. */
  static final Path FORUM_YAML = Path.of("../router-service/config/forum.yaml");

  static final String REALM = "forum";

  /** The WAMP-CRA secret of every principal of the test realm. */
  static final String SECRET = "test-secret-of-the-forum-realm";

  /** A user of the test realm who joins by WAMP-CRA, not by a ticket. */
  public static final String STATIC_USER = "carol";

  private final Vertx vertx;
  private final HttpServer server;
  private final Router router;
  private final List<Connection> connections = new CopyOnWriteArrayList<>();

  private ForumRouter(Vertx vertx, HttpServer server, Router router) {
    this.vertx = vertx;
    this.server = server;
    this.router = router;
  }

  /** Starts the router on a free port. */
  public static ForumRouter start() throws Exception {
    Limits fastFailures =
        new Limits(
            Limits.DEFAULT.maxSessions(),
            Limits.DEFAULT.maxSessionsPerAddress(),
            Limits.DEFAULT.maxPendingCallsPerSession(),
            Limits.DEFAULT.maxSubscriptionsPerSession(),
            Limits.DEFAULT.maxRegistrationsPerSession(),
            Limits.DEFAULT.helloTimeout(),
            Duration.ZERO,
            Duration.ZERO);
    Router router =
        new Router(new RouterConfig(List.of(forumRealm()), UriValidator.LOOSE, fastFailures));
    Vertx vertx = Vertx.vertx();
    HttpServer server =
        vertx.createHttpServer(
            new HttpServerOptions()
                .setHost("127.0.0.1")
                .setPort(0)
                .setWebSocketSubProtocols(List.of(Serializer.JSON.subprotocol())));
    ForumRouter forum = new ForumRouter(vertx, server, router);
    server.webSocketHandler(forum::accept);
    server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return forum;
  }

  /** The realm of forum.yaml, with test secrets and the static user. */
  static RealmConfig forumRealm() throws IOException {
    JsonNode realm = new YAMLMapper().readTree(FORUM_YAML.toFile()).at("/router/realms/forum");
    if (realm.isMissingNode()) {
      throw new IllegalStateException(FORUM_YAML + " has no router.realms.forum");
    }
    Map<String, List<Permission>> roles = new HashMap<>();
    realm
        .get("roles")
        .properties()
        .forEach(role -> roles.put(role.getKey(), permissions(role.getValue().get("permissions"))));

    JsonNode authenticator = realm.at("/auth/ticket/authenticator");
    DynamicProcedure ticket =
        new DynamicProcedure(
            authenticator.get("procedure").asText(),
            REALM,
            Duration.parse("PT" + authenticator.get("timeout").asText().toUpperCase(Locale.ROOT)));
    Map<String, Principal> craPrincipals = new LinkedHashMap<>();
    realm
        .at("/auth/wampcra/principals")
        .properties()
        .forEach(
            p ->
                craPrincipals.put(
                    p.getKey(), new Principal(p.getValue().get("role").asText(), SECRET)));
    craPrincipals.put(STATIC_USER, new Principal("user", SECRET));

    return new RealmConfig(
        REALM,
        Optional.of(realm.get("anonymous-role").asText()),
        roles,
        Map.of(
            AuthMethod.TICKET, MethodConfig.dynamic(ticket),
            AuthMethod.WAMPCRA, MethodConfig.of(craPrincipals)),
        Optional.empty());
  }

  private static List<Permission> permissions(JsonNode list) {
    List<Permission> permissions = new ArrayList<>();
    for (JsonNode p : list) {
      Set<Action> allow = EnumSet.noneOf(Action.class);
      p.get("allow").forEach(a -> allow.add(Action.valueOf(a.asText().toUpperCase(Locale.ROOT))));
      Set<Disclose> disclose = EnumSet.noneOf(Disclose.class);
      if (p.has("disclose")) {
        p.get("disclose")
            .forEach(d -> disclose.add(Disclose.valueOf(d.asText().toUpperCase(Locale.ROOT))));
      }
      permissions.add(
          new Permission(
              p.get("uri").asText(),
              MatchPolicy.fromWamp(p.has("match") ? p.get("match").asText() : null),
              allow,
              disclose));
    }
    return permissions;
  }

  /** The URL clients connect to. */
  public String url() {
    return "ws://127.0.0.1:" + server.actualPort() + "/ws";
  }

  /** The credentials of a principal of the test realm that joins by WAMP-CRA. */
  public static Credentials craCredentials(String authid) {
    return new Credentials.WampCra(authid, SECRET);
  }

  /** A browser's session on this router's realm; fails when the join is refused. */
  public WampTestSession join(Credentials credentials) {
    return WampTestSession.join(vertx, url(), REALM, credentials);
  }

  /** Drops, without a word, every connection whose session joined as {@code authid}. */
  public void cut(String authid) {
    for (Connection c : connections) {
      var identity = c.session.identity();
      if (identity != null && identity.authid().equals(authid)) {
        c.ws.close();
      }
    }
  }

  private void accept(ServerWebSocket ws) {
    Connection connection = new Connection(ws);
    connection.session = router.attach(connection);
    connections.add(connection);
    ws.textMessageHandler(
        text -> {
          try {
            connection.session.receive(
                Serializer.JSON.decode(text.getBytes(StandardCharsets.UTF_8)));
          } catch (ProtocolViolationException e) {
            connection.session.protocolViolation(e.getMessage());
          }
        });
    ws.exceptionHandler(e -> {}); // a write after the client closed: the session ends anyway
    ws.closeHandler(
        v -> {
          connections.remove(connection);
          connection.session.transportClosed();
        });
  }

  /** One WebSocket, as the router core sees it. */
  private static final class Connection implements Transport {
    final ServerWebSocket ws;
    volatile Session session;

    Connection(ServerWebSocket ws) {
      this.ws = ws;
    }

    @Override
    public void send(OutgoingMessage message) {
      ws.writeTextMessage(new String(message.encoded(Serializer.JSON), StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
      if (!ws.isClosed()) {
        ws.close();
      }
    }

    @Override
    public String describe() {
      return "test/" + ws.remoteAddress();
    }

    @Override
    public String remoteAddress() {
      return ws.remoteAddress().hostAddress();
    }
  }

  @Override
  public void close() {
    router.shutdown(1, TimeUnit.SECONDS);
    server.close();
    vertx.close();
  }
}
