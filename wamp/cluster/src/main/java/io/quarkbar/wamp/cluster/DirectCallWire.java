package io.quarkbar.wamp.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Calls between nodes on direct connections, one from each node to each other node it sends to,
 * instead of through the NATS server: NATS stays the cluster's directory (registrations, sessions,
 * heartbeats) and carries the events, while a call and its answers skip a process. Measured on one
 * machine, the NATS server spent a third of the CPU of a call across nodes, and its two hops were a
 * third of the call's round trip (bench/README.md, "Calls on direct connections").
 *
 * <p>Each node listens ({@link CallListener}) on a port of its own and tells the others where, and
 * the secret it takes, in its heartbeat; a connection that does not show the secret is closed. A
 * node sends to another on a {@link NatsWire} pointed at that node's listener: the listener speaks
 * as much of a NATS server as the wire needs, so that writing once per event-loop turn, reading on
 * an event loop, pinging and connecting again are the same code as towards NATS.
 *
 * <p>What it keeps of the NATS connection's promises:
 *
 * <ul>
 *   <li>Order: everything this node sends to one node goes on one connection, in the order it was
 *       sent (per thread). Before a node is heard (its address unknown) or while its first
 *       connection is being made, what is sent to it waits, in order, for up to {@code grace}. A
 *       node not heard by then gets "no responders" (below) until it is; a node heard whose address
 *       does not answer by then is sent to through NATS from then on (it also subscribes there),
 *       with a warning: slower, never lost to a wrong {@code call-host}. A link never goes from
 *       NATS back to direct, which could reorder.
 *   <li>"No responders": where the connection to a node is broken (its process is gone, or it is
 *       cut off from NATS), a message with a reply subject gets the status {@link
 *       CallWire#NO_RESPONDERS} on that subject, as NATS answers when nobody subscribes; others are
 *       dropped (at most once).
 *   <li>Cut off from NATS: a node whose NATS connection for calls is down neither sends (as before:
 *       its callers get {@code quarkbar.error.cluster_unavailable}) nor takes connections (the
 *       others' calls to it end as towards a node NATS no longer reaches).
 * </ul>
 *
 * <p>A node whose heartbeat names no address (direct calls turned off, or an older version) is sent
 * to through NATS, as before. Both ways of receiving stay open.
 */
final class DirectCallWire implements CallWire {

  private static final Logger LOG = Logger.getLogger(DirectCallWire.class);

  /** How one node is reached; its address and secret come with its heartbeat. */
  record Address(String host, int port, String secret) {

    /** The address in the rest of a heartbeat ({@code [host, port, secret]}), if it gives one. */
    static Optional<Address> of(List<Object> rest) {
      if (rest.size() >= 3
          && rest.get(0) instanceof String host
          && rest.get(1) instanceof Number port
          && rest.get(2) instanceof String secret) {
        return Optional.of(new Address(host, port.intValue(), secret));
      }
      return Optional.empty();
    }

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  private final CallWire nats;
  private final Subjects subjects;
  private final String node;
  private final java.time.Duration grace;
  private final WireFactory wires;
  private final CallListener listener;
  private final List<String> patterns = new ArrayList<>();
  private final List<Receiver> receivers = new ArrayList<>();
  private final Object deliveries = new Object();
  private final Map<String, Link> links = new ConcurrentHashMap<>();

  /** Nodes taken for gone and not heard since: what is sent to them gets no responders at once. */
  private final java.util.Set<String> gone = ConcurrentHashMap.newKeySet();

  /** "No responders" answers, closing links and expiring what waits: never a caller's thread. */
  private final ScheduledExecutorService chores;

  private volatile boolean closed;

  /** Makes the wire that sends to one node (a {@link NatsWire}, not started). */
  @FunctionalInterface
  interface WireFactory {
    NatsWire to(String node, Address address);
  }

  /**
   * @param nats the NATS connection for calls: what nodes without an address are sent, and what
   *     decides whether this node is cut off
   * @param grace how long what is sent to a node waits for its address and first connection
   * @param listener where this node takes the others' connections (not started)
   */
  DirectCallWire(
      CallWire nats,
      Subjects subjects,
      String node,
      java.time.Duration grace,
      WireFactory wires,
      CallListener listener) {
    this.nats = nats;
    this.subjects = subjects;
    this.node = node;
    this.grace = grace;
    this.wires = wires;
    this.listener = listener;
    this.chores =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "quarkbar-cluster-links-" + node);
              t.setDaemon(true);
              return t;
            });
    listener.deliverTo(this::received, nats::isConnected);
  }

  /** Where the others reach this node: what its heartbeat says. */
  Address address() {
    return listener.address();
  }

  @Override
  public void subscribe(String subject, Receiver receiver) {
    // One message at a time to a receiver, whichever connection it came on.
    Receiver serial =
        (s, status, data) -> {
          synchronized (deliveries) {
            receiver.received(s, status, data);
          }
        };
    patterns.add(subject);
    receivers.add(serial);
    nats.subscribe(subject, serial);
  }

  /** Starts taking connections; the others learn where from the heartbeat. */
  void start() {
    listener.start();
    if (nats instanceof NatsWire wire) {
      wire.start();
    }
  }

  @Override
  public void publish(String subject, String replyTo, byte[] body) {
    if (!nats.isConnected()) {
      throw new IllegalStateException("this node's NATS connection for calls is " + nats.state());
    }
    String to = subjects.nodeOf(subject);
    if (to == null) {
      nats.publish(subject, replyTo, body);
      return;
    }
    Link link = links.get(to);
    if (link == null && gone.contains(to)) {
      noResponders(replyTo);
      return;
    }
    (link != null ? link : links.computeIfAbsent(to, Link::new)).publish(subject, replyTo, body);
  }

  /**
   * Node {@code other}, process {@code incarnation}, was heard: sent to at {@code address} from now
   * on (through NATS when empty). A new process gets a new connection.
   */
  void heard(String other, long incarnation, Optional<Address> address) {
    if (closed || other.equals(node)) {
      return;
    }
    gone.remove(other);
    Link link = links.computeIfAbsent(other, Link::new);
    if (!link.learn(incarnation, address)) {
      // A new process of that node: what the old connection had is lost with the old process.
      Link fresh = new Link(other);
      if (links.replace(other, link, fresh)) {
        link.close(true);
        fresh.learn(incarnation, address);
      }
    }
  }

  /** Node {@code other} is taken for gone: its connection goes (made again once it is heard). */
  void forget(String other) {
    gone.add(other);
    Link link = links.remove(other);
    if (link != null) {
      link.close(true);
    }
  }

  /**
   * Runs {@code link}'s {@link Link#expire} on the chores' thread after {@code nanos}: only while
   * something waits, so that an idle node has no timer of its own for its links.
   */
  private void expireLater(Link link, long nanos) {
    try {
      chores.schedule(
          () -> {
            try {
              link.expire();
            } catch (RuntimeException e) {
              LOG.warnf(e, "node %s: the link to node %s", node, link.other);
            }
          },
          nanos,
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      // The node is closing: what waits ends with it.
    }
  }

  /** A message from another node's connection, on the thread that read it. */
  private void received(String subject, byte[] data) {
    dispatch(subject, 0, data);
  }

  private void dispatch(String subject, int status, byte[] data) {
    for (int i = 0; i < patterns.size(); i++) {
      if (Subjects.matches(patterns.get(i), subject)) {
        try {
          receivers.get(i).received(subject, status, data);
        } catch (RuntimeException e) {
          LOG.warnf(e, "node %s: a message on %s was not handled", node, subject);
        }
        return;
      }
    }
  }

  /** NATS's answer to a request nobody takes, for {@code replyTo}, after the current call. */
  private void noResponders(String replyTo) {
    if (replyTo == null) {
      return;
    }
    try {
      chores.execute(() -> dispatch(replyTo, NO_RESPONDERS, new byte[0]));
    } catch (RejectedExecutionException closing) {
      // The node is closing: its calls end with it.
    }
  }

  @Override
  public boolean isConnected() {
    return nats.isConnected();
  }

  @Override
  public String state() {
    return nats.state();
  }

  @Override
  public long maxPayload() {
    return nats.maxPayload();
  }

  /**
   * How each other node is sent to, for the health check: {@code direct}, {@code direct (down)},
   * {@code waiting}, {@code via NATS} or {@code not reached}.
   */
  Map<String, String> links() {
    Map<String, String> how = new java.util.TreeMap<>();
    links.forEach((other, link) -> how.put(other, link.describe()));
    return how;
  }

  @Override
  public void close() {
    closed = true;
    listener.close();
    for (Link link : links.values()) {
      link.close(false);
    }
    links.clear();
    chores.shutdown();
    nats.close();
  }

  private record Pending(String subject, String replyTo, byte[] body) {}

  /** How a link sends, see {@link Link}. */
  private enum Route {
    /** Not heard yet: what is sent waits. */
    UNHEARD,
    /** Not heard within the grace: "no responders" until it is. */
    UNREACHED,
    /** Heard; its first connection is being made: what is sent waits. */
    CONNECTING,
    /** On the node's own connection; while it is down, "no responders". */
    DIRECT,
    /** Through NATS: the node gives no address, or its address did not answer in time. */
    NATS
  }

  /**
   * What this node sends to one other node. Sending never holds the link's lock while it writes on
   * the node's connection (the connection's lock is taken first when it is made and what waited
   * goes out); it may while it writes to NATS, whose connection never calls back into a link.
   */
  private final class Link {

    private final String other;

    // Guarded by this.
    private Route route = Route.UNHEARD;
    private List<Pending> pending = new ArrayList<>();
    private long pendingBytes;
    private long heldSince;
    private long incarnation = -1;
    private Address address;
    private NatsWire wire;
    private boolean closedLink;

    Link(String other) {
      this.other = other;
    }

    /**
     * The node's process and address: starts its connection, or sends through NATS. False when this
     * link is for another process of the node.
     */
    synchronized boolean learn(long heardIncarnation, Optional<Address> address) {
      if (closedLink) {
        return true;
      }
      if (incarnation != -1) {
        return incarnation == heardIncarnation;
      }
      incarnation = heardIncarnation;
      if (address.isEmpty()) {
        throughNats();
        return true;
      }
      this.address = address.get();
      try {
        wire = wires.to(other, address.get());
        wire.peer("router node " + other, this::connected);
        wire.start();
      } catch (RuntimeException e) {
        LOG.warnf(
            "node %s: cannot connect to router node %s at %s (%s): its calls go through NATS",
            node, other, address.get(), e.getMessage());
        wire = null;
        throughNats();
        return true;
      }
      LOG.debugf("node %s: sends its calls to node %s at %s", node, other, address.get());
      if (route == Route.UNREACHED) {
        // Nothing went anywhere meanwhile ("no responders"): waiting again reorders nothing.
        pending = new ArrayList<>();
      }
      route = Route.CONNECTING;
      return true;
    }

    /** This holds its lock: through NATS from now on, what waited first. */
    private void throughNats() {
      route = Route.NATS;
      for (Pending p : takePending()) {
        sendViaNats(p);
      }
    }

    /** The wire's connection is made (its reader thread, its lock held): what waited goes first. */
    private void connected() {
      List<Pending> waiting;
      synchronized (this) {
        if (route != Route.CONNECTING) {
          // Given up for NATS meanwhile (or reconnected later): nothing waits.
          return;
        }
        route = Route.DIRECT;
        waiting = takePending();
      }
      for (int i = 0; i < waiting.size(); i++) {
        try {
          sendOn(wire, waiting.get(i));
        } catch (RuntimeException e) {
          for (Pending p : waiting.subList(i, waiting.size())) {
            noResponders(p.replyTo());
          }
          return;
        }
      }
    }

    /** This holds its lock: what waits, and nothing waits any more. */
    private List<Pending> takePending() {
      if (pending == null) {
        return List.of();
      }
      List<Pending> waiting = pending;
      pending = null;
      pendingBytes = 0;
      return waiting;
    }

    void publish(String subject, String replyTo, byte[] body) {
      NatsWire w;
      synchronized (this) {
        switch (closedLink ? Route.UNREACHED : route) {
          case UNHEARD, CONNECTING -> {
            // The PUB line's bytes too, as the wire counts them.
            long size = body.length + subject.length() + 64L;
            if (pendingBytes + size > NatsWire.MAX_PENDING) {
              throw new IllegalStateException(
                  "router node " + other + " is not reached yet, and too much waits for it");
            }
            if (pending.isEmpty()) {
              heldSince = System.nanoTime();
              expireLater(this, grace.toNanos());
            }
            pending.add(new Pending(subject, replyTo, body));
            pendingBytes += size;
            return;
          }
          case UNREACHED -> {
            noResponders(replyTo);
            return;
          }
          case NATS -> {
            w = null;
          }
          default -> w = wire;
        }
      }
      if (w == null) {
        nats.publish(subject, replyTo, body);
      } else {
        sendOn(w, new Pending(subject, replyTo, body));
      }
    }

    private void sendViaNats(Pending p) {
      try {
        nats.publish(p.subject(), p.replyTo(), p.body());
      } catch (RuntimeException e) {
        noResponders(p.replyTo());
      }
    }

    /** On a connection that is down, the message gets no responders. */
    private void sendOn(NatsWire w, Pending p) {
      try {
        w.publish(p.subject(), p.replyTo(), p.body());
      } catch (IllegalStateException refused) {
        if (w.isConnected()) {
          // Connected, but too much waits to be written: the sender hears it, as towards NATS.
          throw refused;
        }
        noResponders(p.replyTo());
      }
    }

    /**
     * What waited longer than the grace goes another way: a node not heard gets "no responders"
     * until it is; a node whose address does not answer is sent to through NATS from now on.
     */
    void expire() {
      NatsWire giveUp = null;
      List<Pending> unanswered = List.of();
      synchronized (this) {
        if (closedLink || pending == null || pending.isEmpty()) {
          return;
        }
        long left = grace.toNanos() - (System.nanoTime() - heldSince);
        if (left > 0) {
          // What waits now came after an earlier wait ended: its own grace.
          expireLater(this, left);
          return;
        }
        if (route == Route.CONNECTING) {
          LOG.warnf(
              "node %s: router node %s does not answer at %s within %d ms: its calls go through"
                  + " NATS; set router.cluster.call-host on that node to an address this one"
                  + " reaches",
              node, other, address, grace.toMillis());
          giveUp = wire;
          wire = null;
          throughNats();
        } else if (route == Route.UNHEARD) {
          LOG.warnf(
              "node %s: no heartbeat of router node %s within %d ms: calls to it fail until it is"
                  + " heard",
              node, other, grace.toMillis());
          route = Route.UNREACHED;
          unanswered = takePending();
        }
      }
      for (Pending p : unanswered) {
        noResponders(p.replyTo());
      }
      if (giveUp != null) {
        chores.execute(giveUp::close);
      }
    }

    synchronized String describe() {
      return switch (route) {
        case UNHEARD, CONNECTING -> "waiting";
        case UNREACHED -> "not reached";
        case NATS -> "via NATS";
        case DIRECT -> wire.isConnected() ? "direct" : "direct (down)";
      };
    }

    /** Ends the link; its connection closes on the chores' thread unless {@code now}. */
    void close(boolean later) {
      NatsWire w;
      List<Pending> waiting;
      synchronized (this) {
        closedLink = true;
        w = wire;
        waiting = takePending();
      }
      for (Pending p : waiting) {
        noResponders(p.replyTo());
      }
      if (w != null) {
        if (later) {
          try {
            chores.execute(w::close);
            return;
          } catch (RejectedExecutionException closing) {
            // The node is closing: now, then.
          }
        }
        w.close();
      }
    }
  }
}
