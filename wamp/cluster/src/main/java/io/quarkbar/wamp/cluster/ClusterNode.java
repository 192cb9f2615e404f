package io.quarkbar.wamp.cluster;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.quarkbar.wamp.router.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One router node of a cluster: its connection to NATS and what it shares over it: publications
 * ({@link NatsEventExchange}), so that a client on any node receives the events published on any
 * node, the router's meta events included; registrations ({@link NatsRegistry}) and calls ({@link
 * NatsCallExchange}), so that a client on any node calls the procedures registered on any node; and
 * heartbeats ({@link Liveness}), so that a node that is gone is noticed.
 *
 * <p>The connection is made on a thread of its own and kept: NATS down at start-up or later is
 * retried for ever, and the router serves its own sessions meanwhile; {@link #isConnected} says how
 * it stands. Nothing is buffered while disconnected.
 */
public final class ClusterNode implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ClusterNode.class);

  /** Publications queued towards NATS at most; past it, new ones are dropped, never waited for. */
  private static final int MAX_QUEUED = 100_000;

  private final ClusterSettings settings;
  private final Router router;
  private final ExecutorService control;
  private final NatsEventExchange events;
  private final ExecutorService registryWorker;
  private final ScheduledExecutorService beat;
  private final NatsRegistry registry;
  private final NatsSubscriptions subscriptions;
  private final ExecutorService retainedWorker;
  private final NatsRetained retained;
  private final ExecutorService sessionsWorker;
  private final NatsSessions sessions;
  private final NatsCallExchange calls;
  private final CallWire callWire;
  private final Liveness liveness;
  private final Thread connector;
  private final Options options;
  private volatile Connection connection;
  private volatile boolean closed;

  private ClusterNode(
      ClusterSettings settings, Router router, AfterTurn afterTurn, LoopWatch loops) {
    this.settings = settings;
    this.router = router;
    this.control =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "quarkbar-cluster-" + settings.node());
              t.setDaemon(true);
              return t;
            });
    Subjects subjects = new Subjects(settings.cluster(), settings.node());
    this.events = new NatsEventExchange(subjects, router, control, settings.requestTimeout());
    // Built here, on the caller's thread: a malformed URL is a start-up error, not a dead thread.
    this.options = options();
    this.registryWorker = Executors.newSingleThreadExecutor(daemon("registry", settings));
    this.beat = Executors.newSingleThreadScheduledExecutor(daemon("heartbeat", settings));
    this.registry =
        new NatsRegistry(
            settings.cluster(), settings.node(), router, registryWorker, settings.requestTimeout());
    this.subscriptions =
        new NatsSubscriptions(
            settings.cluster(), settings.node(), registryWorker, settings.requestTimeout());
    events.shareSubscriptions(subscriptions);
    // A worker of its own: a publisher that retains often never delays registrations.
    this.retainedWorker = Executors.newSingleThreadExecutor(daemon("retained", settings));
    this.retained =
        new NatsRetained(
            settings.cluster(), settings.node(), router, retainedWorker, settings.requestTimeout());
    events.keepRetained(retained);
    // Once the exchange knows where subscriptions and retained events go: the broker claims the
    // subscriptions its rules keep as soon as it has the exchange.
    router.shareEvents(events);
    long incarnation = ThreadLocalRandom.current().nextLong();
    this.sessionsWorker = Executors.newSingleThreadExecutor(daemon("sessions", settings));
    this.sessions =
        new NatsSessions(
            settings.cluster(),
            settings.node(),
            incarnation,
            subjects,
            router,
            sessionsWorker,
            settings.requestTimeout());
    this.calls = new NatsCallExchange(subjects, settings.node(), incarnation, router, registry);
    events.askWith(calls);
    this.liveness =
        new Liveness(
            subjects,
            settings.node(),
            incarnation,
            settings.heartbeat(),
            settings.deathTimeout(),
            beat,
            () -> {
              java.util.Set<String> named = new java.util.HashSet<>(registry.nodes());
              named.addAll(sessions.nodes());
              return named;
            },
            this::lost,
            router::nodeRestarted,
            (gone, lastIncarnation) -> {
              registry.purge(gone);
              subscriptions.purge(gone);
              sessions.purge(gone, lastIncarnation);
            },
            this::tidy,
            sessions::fence);
    calls.follow(liveness);
    // Calls take a connection of their own that skips the NATS client library's threads, unless
    // the URLs need what only the library speaks (TLS).
    Duration staleAfter =
        // Not shorter than 2 s: a busy machine does not make it reconnect for nothing.
        settings.deathTimeout().compareTo(Duration.ofSeconds(2)) > 0
            ? settings.deathTimeout()
            : Duration.ofSeconds(2);
    boolean own = NatsWire.speaks(settings.natsUrl());
    CallWire natsWire =
        own
            ? new NatsWire(
                settings.natsUrl(),
                "quarkbar-" + settings.cluster() + "-" + settings.node(),
                settings.user(),
                settings.password(),
                settings.token(),
                settings.requestTimeout(),
                staleAfter,
                afterTurn,
                loops)
            : new JnatsCallWire();
    // And, unless turned off, skip the NATS server too: straight to the callee's node.
    this.callWire =
        own && settings.directCalls()
            ? direct(settings, subjects, natsWire, staleAfter, afterTurn, loops)
            : natsWire;
    calls.attach(callWire);
    router.shareCalls(calls);
    router.shareSessions(sessions);
    this.connector = new Thread(this::connect, "quarkbar-cluster-connect-" + settings.node());
    connector.setDaemon(true);
  }

  private DirectCallWire direct(
      ClusterSettings settings,
      Subjects subjects,
      CallWire natsWire,
      Duration staleAfter,
      AfterTurn afterTurn,
      LoopWatch loops) {
    CallListener listener;
    try {
      listener =
          new CallListener(
              settings.node(),
              "0.0.0.0",
              settings.callPort(),
              settings.callHost().orElseGet(() -> thisHost(settings.natsUrl())),
              loops,
              natsWire::maxPayload,
              settings.requestTimeout(),
              staleAfter);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e.getMessage() + " (router.cluster.call-port)", e);
    }
    DirectCallWire wire =
        new DirectCallWire(
            natsWire,
            subjects,
            settings.node(),
            settings.requestTimeout(),
            (other, address) ->
                new NatsWire(
                    "nats://"
                        + (address.host().contains(":")
                            ? "[" + address.host() + "]"
                            : address.host())
                        + ":"
                        + address.port(),
                    "quarkbar-" + settings.cluster() + "-" + settings.node() + "-to-" + other,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(address.secret()),
                    settings.requestTimeout(),
                    staleAfter,
                    afterTurn,
                    loops),
            listener);
    DirectCallWire.Address at = wire.address();
    liveness.announce(
        List.of(at.host(), at.port(), at.secret()),
        (other, otherIncarnation, rest) ->
            wire.heard(other, otherIncarnation, DirectCallWire.Address.of(rest)));
    return wire;
  }

  /**
   * The address this host reaches the first NATS server from: the one the other nodes, which reach
   * the same server, most likely reach this one at (a container's or pod's own address; the
   * loopback address when NATS is on this host's). Asking the kernel which local address a UDP
   * socket connected there would use sends nothing. This host's name when that fails.
   */
  private static String thisHost(String natsUrls) {
    try {
      String url = natsUrls.split(",")[0].trim();
      java.net.URI first = new java.net.URI(url.contains("://") ? url : "nats://" + url);
      try (java.net.DatagramSocket probe = new java.net.DatagramSocket()) {
        probe.connect(
            new java.net.InetSocketAddress(
                first.getHost(), first.getPort() < 0 ? 4222 : first.getPort()));
        java.net.InetAddress local = probe.getLocalAddress();
        if (local != null && !local.isAnyLocalAddress()) {
          return local.getHostAddress();
        }
      }
    } catch (java.net.URISyntaxException | java.io.IOException | RuntimeException e) {
      LOG.debugf("the address towards NATS is not known: %s", e.toString());
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostAddress();
    } catch (java.net.UnknownHostException e) {
      LOG.warnf(
          "this host's name does not resolve (%s): the other router nodes are told to send calls"
              + " to 127.0.0.1; set router.cluster.call-host",
          e.getMessage());
      return "127.0.0.1";
    }
  }

  /** Node {@code other} is taken for gone: calls to it end, and so does its direct connection. */
  private void lost(String other) {
    if (callWire instanceof DirectCallWire direct) {
      direct.forget(other);
    }
    router.nodeLost(other);
  }

  /** Each heartbeat while connected. */
  private void tidy() {
    registry.tidy();
    subscriptions.tidy();
    retained.tidy();
    sessions.tidy(liveness.alive());
    // Calls longer than two heartbeats are asked after, each heartbeat.
    calls.probe(settings.heartbeat().multipliedBy(2));
  }

  private static java.util.concurrent.ThreadFactory daemon(String role, ClusterSettings settings) {
    return r -> {
      Thread t = new Thread(r, "quarkbar-cluster-" + role + "-" + settings.node());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Makes {@code router} a node of its cluster and starts connecting to NATS; returns at once. The
   * router must not take sessions before this returns.
   *
   * @throws IllegalArgumentException for settings NATS's client refuses (a malformed URL)
   */
  public static ClusterNode join(ClusterSettings settings, Router router) {
    return join(settings, router, AfterTurn.NONE, LoopWatch.NONE);
  }

  /**
   * Like {@link #join(ClusterSettings, Router)}, with the calls a turn of an event loop publishes
   * to other nodes written together at the turn's end ({@link AfterTurn}), and the calls' NATS
   * connection read on an event loop ({@link LoopWatch}).
   */
  public static ClusterNode join(
      ClusterSettings settings, Router router, AfterTurn afterTurn, LoopWatch loops) {
    ClusterNode node = new ClusterNode(settings, router, afterTurn, loops);
    node.connector.start();
    if (node.callWire instanceof NatsWire wire) {
      wire.start();
    } else if (node.callWire instanceof DirectCallWire direct) {
      direct.start();
    }
    return node;
  }

  private Options options() {
    Options.Builder options =
        Options.builder()
            .server(settings.natsUrl())
            .connectionName("quarkbar-" + settings.cluster() + "-" + settings.node())
            // A node's own publications were delivered locally already.
            .noEcho()
            // Nothing kept for replay while disconnected: at most once, as promised.
            .reconnectBufferSize(0)
            .maxReconnects(-1)
            .reconnectWait(Duration.ofMillis(250))
            .pingInterval(Duration.ofSeconds(2))
            // A subscription's confirmation is a PING of its own beside the keep-alive's.
            .maxPingsOut(4)
            .connectionTimeout(settings.requestTimeout())
            // A routing thread never waits for NATS: past the bound, a publication is dropped.
            .maxMessagesInOutgoingQueue(MAX_QUEUED)
            .discardMessagesWhenOutgoingQueueFull()
            .connectionListener(this::connectionEvent)
            .errorListener(
                new ErrorListener() {
                  @Override
                  public void errorOccurred(Connection conn, String error) {
                    LOG.warnf("%s: NATS says: %s", name(), error);
                  }

                  @Override
                  public void messageDiscarded(Connection conn, Message message) {
                    events.discarded();
                  }
                });
    settings.user().ifPresent(u -> options.userInfo(u, settings.password().orElseThrow()));
    settings.token().ifPresent(t -> options.token(t.toCharArray()));
    return options.build();
  }

  private void connect() {
    try {
      Connection c = Nats.connectReconnectOnConnect(options);
      // Set before closed is read: close() either sees the connection or this sees closed.
      connection = c;
      if (closed) {
        c.close();
        return;
      }
      events.connected(c);
      if (callWire instanceof JnatsCallWire wire) {
        wire.connected(c);
      }
      registry.connected(c);
      subscriptions.connected(c);
      retained.connected(c);
      sessions.connected(c);
      liveness.connected(c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      if (!closed) {
        LOG.errorf(
            "%s: cannot connect to NATS at %s, and stops trying: %s",
            name(), settings.natsUrl(), e.toString());
      }
    }
  }

  private void connectionEvent(Connection conn, ConnectionListener.Events event) {
    switch (event) {
      case CONNECTED, RESUBSCRIBED ->
          LOG.infof(
              "%s: NATS %s (%s)",
              name(), event.name().toLowerCase(Locale.ROOT), conn.getConnectedUrl());
      case RECONNECTED -> {
        LOG.infof("%s: NATS reconnected (%s)", name(), conn.getConnectedUrl());
        registry.reconnected();
        subscriptions.reconnected();
        retained.reconnected();
        sessions.reconnected();
      }
      case DISCONNECTED ->
          LOG.warnf("%s: lost NATS; events from other nodes stop until it is back", name());
      case CLOSED -> {
        if (!closed) {
          LOG.errorf("%s: the NATS connection is closed for good (credentials refused?)", name());
        }
      }
      default -> LOG.debugf("%s: NATS %s", name(), event);
    }
  }

  private String name() {
    return "cluster " + settings.cluster() + ", node " + settings.node();
  }

  /**
   * Whether the node is connected to NATS and has the cluster's registrations open, and so is part
   * of the cluster.
   */
  public boolean isConnected() {
    return events.isConnected() && waitingFor().isEmpty();
  }

  /** What keeps the node out of its cluster while NATS is connected, if anything. */
  private List<String> waitingFor() {
    List<String> waiting = new ArrayList<>();
    if (!registry.isReady()) {
      waiting.add("registrations");
    }
    if (!subscriptions.isReady()) {
      waiting.add("subscriptions");
    }
    if (!sessions.isReady()) {
      waiting.add("sessions");
    }
    if (!calls.isConnected()) {
      waiting.add("calls' connection");
    }
    return waiting;
  }

  /** What the health check and the logs say about the node. */
  public String describe() {
    List<String> waiting = waitingFor();
    return name()
        + ", NATS "
        + events.status()
        + " ("
        + settings.natsUrl()
        + ")"
        + (waiting.isEmpty() ? "" : ", waiting for the cluster's " + String.join(", ", waiting))
        + "; events sent "
        + events.sent()
        + ", received "
        + events.received()
        + ", dropped "
        + events.dropped()
        + "; calls' connection "
        + callWire.state()
        + (callWire instanceof DirectCallWire direct
            ? ", direct to other nodes " + direct.links()
            : "")
        + ", calls forwarded "
        + calls.forwarded()
        + ", invoked for other nodes "
        + calls.invoked()
        + "; other nodes alive "
        + liveness.alive();
  }

  /**
   * Where this node takes the other nodes' calls ({@code host:port}), when calls between nodes
   * travel on direct connections; empty when they go through NATS.
   */
  public Optional<String> callsAt() {
    return callWire instanceof DirectCallWire direct
        ? Optional.of(direct.address().toString())
        : Optional.empty();
  }

  /** Publications sent to the other nodes so far. */
  public long eventsSent() {
    return events.sent();
  }

  /** Publications received from the other nodes so far. */
  public long eventsReceived() {
    return events.received();
  }

  /** Publications that could not be sent to the other nodes (NATS away, too large, ...). */
  public long eventsDropped() {
    return events.dropped();
  }

  NatsEventExchange events() {
    return events;
  }

  NatsRegistry registry() {
    return registry;
  }

  NatsSessions sessions() {
    return sessions;
  }

  /**
   * Leaves the cluster: what was published is given a moment to go out (the sessions' on_leave
   * after the router's GOODBYE), then the connection closes.
   */
  @Override
  public void close() {
    closed = true;
    connector.interrupt();
    beat.shutdownNow();
    // The sessions' last unregistrations reach the cluster before the connection goes.
    registryWorker.shutdown();
    sessionsWorker.shutdown();
    retainedWorker.shutdown();
    sessions.drain(Duration.ofSeconds(2));
    try {
      registryWorker.awaitTermination(2, TimeUnit.SECONDS);
      sessionsWorker.awaitTermination(2, TimeUnit.SECONDS);
      retainedWorker.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    callWire.close();
    Connection c = connection;
    if (c != null) {
      try {
        if (c.getStatus() == Connection.Status.CONNECTED) {
          c.flush(Duration.ofSeconds(1));
        }
      } catch (Exception e) {
        LOG.debugf("%s: flush at close: %s", name(), e.toString());
      }
      try {
        c.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    control.shutdownNow();
    try {
      control.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
