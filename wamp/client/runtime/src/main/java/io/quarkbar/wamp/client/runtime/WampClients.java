package io.quarkbar.wamp.client.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkbar.wamp.client.Wamp;
import io.quarkbar.wamp.client.WampSessionEvent;
import io.quarkbar.wamp.client.core.Connection;
import io.quarkbar.wamp.client.core.Credentials;
import io.quarkbar.wamp.client.core.WampError;
import io.quarkbar.wamp.client.runtime.WampClientConfig.ConnectionConfig;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.virtual.threads.VirtualThreads;
import io.vertx.core.Vertx;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The application's WAMP connections, one per configured connection (the default one and each of
 * {@code quarkbar.wamp.connections}): each joins its realm at start-up, registers and subscribes
 * the methods bound to it, comes back after every disconnect, and says GOODBYE at shutdown.
 */
@Singleton
public class WampClients {

  private static final Logger LOG = Logger.getLogger(WampClients.class);

  /** The name of the default connection in logs, metrics and health data. */
  static final String DEFAULT = "<default>";

  @Inject WampClientConfig config;
  @Inject ObjectMapper mapper;
  @Inject Vertx vertx;
  @Inject Instance<ClientMetrics> metricsBean;
  @Inject Instance<ClientTracing> tracingBean;
  @Inject Event<WampSessionEvent> sessionEvents;

  @Inject @VirtualThreads ExecutorService virtualThreads;

  private final Map<String, Client> clients = new LinkedHashMap<>();
  private ClientTracing tracing = ClientTracing.NONE;
  private RequestScope requestScope;

  /** One connection and what the application sees of it. */
  record Client(String name, ConnectionConfig config, Connection connection, WampApi api) {}

  /** Creates the connections and binds the methods to them; nothing connects yet. */
  @PostConstruct
  void init() {
    ClientMetrics metrics = metricsBean.isResolvable() ? metricsBean.get() : ClientMetrics.NONE;
    tracing = tracingBean.isResolvable() ? tracingBean.get() : ClientTracing.NONE;
    Execution execution = new Execution(vertx, virtualThreads);
    requestScope = RequestScope.forApplication();
    create(DEFAULT, config.defaultConnection(), metrics);
    config.connections().forEach((name, c) -> create(name, c, metrics));
    for (WampBindings.Binding b : WampBindings.all()) {
      String name = b.method().getConnection().isEmpty() ? DEFAULT : b.method().getConnection();
      Client client = clients.get(name);
      if (client == null) {
        throw new IllegalStateException(
            b.method().getDescription()
                + " names connection '"
                + name
                + "', which quarkbar.wamp.connections does not configure");
      }
      bind(client, b, execution, metrics);
    }
  }

  /** Connects, and waits for readiness as {@code startup-wait} says. */
  void start(@Observes StartupEvent event) {
    clients.values().forEach(c -> c.connection().start());
    awaitReady();
  }

  private void create(String name, ConnectionConfig c, ClientMetrics metrics) {
    String key = name.equals(DEFAULT) ? "quarkbar.wamp" : "quarkbar.wamp.connections." + name;
    java.net.URI url =
        c.url()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        key
                            + ".url is not set: give the router's WebSocket URL, e.g."
                            + " ws://localhost:8080/ws (in dev mode and tests an embedded router"
                            + " starts when it is absent)"));
    Serializer serializer =
        Serializer.forSubprotocol("wamp.2." + c.serializer().toLowerCase(Locale.ROOT))
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        key
                            + ".serializer: '"
                            + c.serializer()
                            + "' is not one of json, msgpack, cbor"));
    Connection.Settings settings =
        new Connection.Settings(
            c.realm(),
            credentials(key, c.auth()),
            new Connection.Backoff(
                c.reconnect().initialDelay(), c.reconnect().maxDelay(), c.reconnect().jitter()),
            c.offlineCalls() == WampClientConfig.OfflineCalls.WAIT
                ? c.offlineWait()
                : Duration.ZERO,
            c.onRefused() == WampClientConfig.OnRefused.RETRY);
    ClientListener listener = new ClientListener(name, c.realm());
    Connection connection =
        new Connection(
            new WebSocketConnector(url, serializer, c.tlsConfigurationName()),
            settings,
            this::schedule,
            listener);
    listener.connection = connection;
    clients.put(
        name,
        new Client(
            name,
            c,
            connection,
            new WampApi(name, connection, mapper, metrics, tracing, this::api)));
    LOG.infof("WAMP connection %s: %s, realm %s, %s", name, url, c.realm(), c.auth().method());
  }

  private static Credentials credentials(String key, WampClientConfig.AuthConfig auth) {
    String method = auth.method().toLowerCase(Locale.ROOT);
    if (method.equals("anonymous")) {
      return new Credentials.Anonymous();
    }
    String authid =
        auth.authid()
            .orElseThrow(
                () -> new IllegalStateException(key + ".auth.authid is needed for " + method));
    String secret =
        auth.secret()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        key + ".auth.secret is needed for " + method + " (give it as ${ENV_VAR})"));
    return switch (method) {
      case "ticket" -> new Credentials.Ticket(authid, secret);
      case "wampcra" -> new Credentials.WampCra(authid, secret);
      case "cryptosign" -> new Credentials.Cryptosign(authid, secret);
      default ->
          throw new IllegalStateException(
              key
                  + ".auth.method: '"
                  + auth.method()
                  + "' is not one of anonymous, ticket, wampcra, cryptosign");
    };
  }

  private void bind(
      Client client, WampBindings.Binding b, Execution execution, ClientMetrics metrics) {
    MethodMetadata m = b.method();
    ArgumentMapper arguments = new ArgumentMapper(mapper, m);
    if (m.isProcedure()) {
      Map<String, Object> options = new LinkedHashMap<>();
      if (!m.getMatch().equals("exact")) {
        options.put("match", m.getMatch());
      }
      if (!m.getInvoke().equals("single")) {
        options.put("invoke", m.getInvoke());
      }
      if (m.isDiscloseCaller()) {
        options.put("disclose_caller", true);
      }
      int max = client.config().maxConcurrentBlocking();
      client
          .connection()
          .register(
              m.getUri(),
              options,
              new ProcedureHandler(
                  m,
                  b.invoker(),
                  arguments,
                  execution,
                  blocking(client),
                  max,
                  metrics,
                  tracing,
                  requestScope));
    } else {
      Map<String, Object> options =
          m.getMatch().equals("exact") ? Map.of() : Map.of("match", m.getMatch());
      client
          .connection()
          .subscribe(
              m.getUri(),
              options,
              new SubscriptionHandler(
                  m,
                  b.invoker(),
                  arguments,
                  execution.serial(m.getExecution()),
                  metrics,
                  tracing,
                  requestScope));
    }
  }

  private final Map<String, Semaphore> blockingPermits = new LinkedHashMap<>();

  /** The bound on blocking invocations, shared by all procedures of one connection. */
  private synchronized Semaphore blocking(Client client) {
    return blockingPermits.computeIfAbsent(
        client.name(), n -> new Semaphore(client.config().maxConcurrentBlocking()));
  }

  /**
   * Waits for every connection to be ready, up to its {@code startup-wait}: a refused registration
   * fails start-up (unless refusals are retried); a router that cannot be reached does not.
   */
  private void awaitReady() {
    long deadline =
        System.nanoTime()
            + clients.values().stream()
                .mapToLong(c -> c.config().startupWait().toNanos())
                .max()
                .orElse(0);
    while (System.nanoTime() < deadline) {
      List<String> refused = new ArrayList<>();
      boolean allReady = true;
      for (Client c : clients.values()) {
        Connection.Status s = c.connection().status();
        if (s == Connection.Status.REFUSED
            && c.config().onRefused() == WampClientConfig.OnRefused.FAIL) {
          refusals.stream().filter(r -> r.startsWith(c.name() + ": ")).forEach(refused::add);
        }
        allReady &= s == Connection.Status.READY;
      }
      if (!refused.isEmpty()) {
        throw new IllegalStateException(
            "the router refused what this service registers or subscribes: "
                + String.join("; ", refused)
                + " (quarkbar.wamp.on-refused=retry keeps trying instead)");
      }
      if (allReady) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    clients.values().stream()
        .filter(c -> c.connection().status() != Connection.Status.READY)
        .forEach(
            c ->
                LOG.warnf(
                    "WAMP connection %s is not ready after %s (%s); start-up goes on, readiness is DOWN until it is",
                    c.name(), c.config().startupWait(), c.connection().status()));
  }

  private final List<String> refusals = new java.util.concurrent.CopyOnWriteArrayList<>();

  void stop(@Observes ShutdownEvent event) {
    List<CompletableFuture<Void>> leaving = new ArrayList<>();
    clients.values().forEach(c -> leaving.add(c.connection().stop()));
    try {
      CompletableFuture.allOf(leaving.toArray(CompletableFuture[]::new)).get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.debugf("not every WAMP session said goodbye in time: %s", e.toString());
    }
  }

  private Runnable schedule(Duration delay, Runnable task) {
    long id = vertx.setTimer(Math.max(1, delay.toMillis()), t -> task.run());
    return () -> vertx.cancelTimer(id);
  }

  /** The API of connection {@code name}. */
  WampApi api(String name) {
    Client c = clients.get(name == null || name.isEmpty() ? DEFAULT : name);
    if (c == null) {
      throw new IllegalArgumentException(
          "no WAMP connection '"
              + name
              + "': configure quarkbar.wamp.connections."
              + name
              + ".url");
    }
    return c.api();
  }

  /** Every connection with its status, for the readiness check. */
  Map<String, Connection.Status> statuses() {
    Map<String, Connection.Status> all = new LinkedHashMap<>();
    clients.forEach((name, c) -> all.put(name, c.connection().status()));
    return all;
  }

  /** Realm, authid and status of each connection, for the readiness check's data. */
  Map<String, String> describe() {
    Map<String, String> all = new LinkedHashMap<>();
    clients.forEach(
        (name, c) -> {
          var session = c.connection().session();
          all.put(
              name,
              c.config().realm()
                  + " "
                  + c.connection().status().name().toLowerCase(Locale.ROOT)
                  + (session == null ? "" : " session " + session.id()));
        });
    return all;
  }

  /** Hears of one connection's status and refusals. */
  private final class ClientListener implements Connection.Listener {
    private final String name;
    private final String realm;
    private volatile Connection connection;

    ClientListener(String name, String realm) {
      this.name = name;
      this.realm = realm;
    }

    /** The session that was last announced ready; 0 when none is. */
    private long readySession;

    @Override
    public void statusChanged(Connection.Status status) {
      LOG.debugf("WAMP connection %s (realm %s): %s", name, realm, status);
      String connectionName = name.equals(DEFAULT) ? "" : name;
      WampSessionEvent event = null;
      synchronized (this) {
        var session = connection == null ? null : connection.session();
        if (status == Connection.Status.READY && session != null) {
          if (readySession != session.id()) {
            readySession = session.id();
            Map<String, Object> details = session.welcomeDetails();
            event =
                new WampSessionEvent.Ready(
                    connectionName,
                    realm,
                    session.id(),
                    String.valueOf(details.get("authid")),
                    String.valueOf(details.get("authrole")));
          }
        } else if (status != Connection.Status.READY && readySession != 0) {
          event = new WampSessionEvent.Lost(connectionName, realm, readySession);
          readySession = 0;
        }
      }
      if (event != null) {
        sessionEvents.fire(event);
        sessionEvents.fireAsync(event);
      }
    }

    @Override
    public void refused(String uri, WampError error) {
      String refusal = uri + ": " + error.getMessage();
      refusals.add(name + ": " + refusal);
      LOG.errorf("WAMP connection %s: the router refused %s", name, refusal);
    }
  }

  Optional<Wamp> defaultApi() {
    return Optional.ofNullable(clients.get(DEFAULT)).map(Client::api);
  }
}
