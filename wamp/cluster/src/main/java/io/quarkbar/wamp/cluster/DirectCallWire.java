package io.quarkbar.wamp.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
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
 *       connection is being made, what is sent to it waits, in order, for up to {@code grace}; then
 *       it is handled as below.
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

  private final ExecutorService answers;
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
    this.answers =
        Executors.newSingleThreadExecutor(
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
        link.close();
        fresh.learn(incarnation, address);
      }
    }
  }

  /** Node {@code other} is taken for gone: its connection goes (made again once it is heard). */
  void forget(String other) {
    gone.add(other);
    Link link = links.remove(other);
    if (link != null) {
      link.close();
    }
  }

  /** Each heartbeat: what waited longer than {@code grace} for a node is given up. */
  void tidy() {
    for (Link link : links.values()) {
      link.expire();
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
      answers.execute(() -> dispatch(replyTo, NO_RESPONDERS, new byte[0]));
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

  /** The nodes sent to directly and whether each connection is up, for the health check. */
  Map<String, Boolean> links() {
    Map<String, Boolean> up = new java.util.TreeMap<>();
    links.forEach((other, link) -> up.put(other, link.isUp()));
    return up;
  }

  @Override
  public void close() {
    closed = true;
    listener.close();
    for (Link link : links.values()) {
      link.close();
    }
    links.clear();
    answers.shutdown();
  }

  private record Pending(String subject, String replyTo, byte[] body) {}

  /**
   * What this node sends to one other node: a connection of its own, or NATS for a node that gives
   * no address. Sending never holds the link's lock while it writes (the wire's lock is taken first
   * when a connection is made and the messages that waited go out).
   */
  private final class Link {

    private final String other;
    private final long since = System.nanoTime();

    // Guarded by this.
    private List<Pending> pending = new ArrayList<>();
    private long pendingBytes;
    private long incarnation = -1;
    private NatsWire wire;
    private boolean viaNats;
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
        viaNats = true;
        List<Pending> waiting = takePending();
        for (Pending p : waiting) {
          sendViaNats(p);
        }
        return true;
      }
      LOG.debugf("node %s: sends its calls to node %s at %s", node, other, address.get());
      wire = wires.to(other, address.get());
      wire.peer("router node " + other, this::connected);
      wire.start();
      return true;
    }

    /** The wire's connection is made (its reader thread, its lock held): what waited goes first. */
    private void connected() {
      List<Pending> waiting;
      synchronized (this) {
        waiting = takePending();
      }
      for (Pending p : waiting) {
        sendOn(wire, p);
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
        if (closedLink) {
          noResponders(replyTo);
          return;
        }
        if (pending != null) {
          if (pendingBytes + body.length > NatsWire.MAX_PENDING) {
            throw new IllegalStateException(
                "router node " + other + " is not reached yet, and too much waits for it");
          }
          pending.add(new Pending(subject, replyTo, body));
          pendingBytes += body.length;
          return;
        }
        if (viaNats) {
          w = null;
        } else {
          w = wire;
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
      if (w == null) {
        noResponders(p.replyTo());
        return;
      }
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

    /** What waited longer than the grace is given up, and what comes next is not held. */
    void expire() {
      List<Pending> waiting;
      synchronized (this) {
        if (pending == null || System.nanoTime() - since < grace.toNanos()) {
          return;
        }
        waiting = takePending();
        LOG.warnf(
            "node %s: cannot reach router node %s for calls (%s) within %d ms; its callees' calls"
                + " fail until it is reached",
            node,
            other,
            wire == null ? "no heartbeat heard from it" : "its address does not answer",
            grace.toMillis());
      }
      for (Pending p : waiting) {
        noResponders(p.replyTo());
      }
    }

    synchronized boolean isUp() {
      return viaNats ? nats.isConnected() : wire != null && wire.isConnected();
    }

    void close() {
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
        w.close();
      }
    }
  }
}
