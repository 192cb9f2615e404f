package io.quarkbar.wamp.router.session;

import io.quarkbar.wamp.protocol.id.IdSequence;
import io.quarkbar.wamp.protocol.message.Abort;
import io.quarkbar.wamp.protocol.message.Authenticate;
import io.quarkbar.wamp.protocol.message.Challenge;
import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Goodbye;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.serialization.SharedDict;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.transport.OutgoingMessage;
import io.quarkbar.wamp.router.transport.Transport;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The router's side of one client session, from HELLO to its end.
 *
 * <p>Threads: a transport delivers a session's incoming messages one at a time, in order ({@link
 * #receive}, {@link #transportClosed}); other sessions' threads may send to it at the same time,
 * and the router may end it from any thread. So its state changes by compare-and-set, and whatever
 * another session's thread touches is thread-safe.
 */
public final class Session {

  private static final Logger LOG = Logger.getLogger(Session.class);

  /** Where a session is in its life. */
  public enum State {
    /** Connected, waiting for HELLO. */
    ESTABLISHING,
    /**
     * HELLO received; the router is deciding who the client is: a CHALLENGE waits for its
     * AUTHENTICATE, or a dynamic authenticator for its answer.
     */
    AUTHENTICATING,
    /** WELCOME sent; the session is attached to its realm. */
    OPEN,
    /** The router sent GOODBYE and waits for the client's reply. */
    CLOSING,
    /** Ended; nothing more is sent or processed. */
    CLOSED
  }

  private final Transport transport;
  private final JoinHandler joinHandler;
  private volatile SessionListener listener;
  private final AtomicReference<State> state = new AtomicReference<>(State.ESTABLISHING);
  private final IdSequence outgoingRequests = new IdSequence();
  private volatile SessionIdentity identity;

  /** What handles the AUTHENTICATE that answers the CHALLENGE sent; null when none is awaited. */
  private final AtomicReference<Handshake> handshake = new AtomicReference<>();

  /** Closes the session if the client takes too long to join; cancelled once it has. */
  private volatile ScheduledFuture<?> deadline;

  /** Messages that arrived while the session was suspended ({@link #suspend}); null when not. */
  private volatile Deque<WampMessage> held;

  /** Set when a message processed during {@link #resume} suspends the session again. */
  private boolean suspendedAgain;

  /** False for a session killed by {@code kill_all}, whose leaving fires no meta event. */
  private volatile boolean announceLeave = true;

  /** Calls this session made that wait for their result (the dealer counts them). */
  private final AtomicInteger pendingCalls = new AtomicInteger();

  /** {@link #callerDetails()} and {@link #publisherDetails()}, once built. */
  private volatile Map<String, Object> callerDetails;

  private volatile Map<String, Object> publisherDetails;

  public Session(Transport transport, JoinHandler joinHandler) {
    this.transport = transport;
    this.joinHandler = joinHandler;
  }

  /** What answers a CHALLENGE: the authentication method that sent it. */
  @FunctionalInterface
  public interface Handshake {

    /** The client's AUTHENTICATE, on the session's thread; called at most once. */
    void authenticate(Session session, Authenticate authenticate);
  }

  /** Handles one message from the client. */
  public void receive(WampMessage message) {
    switch (state.get()) {
      case ESTABLISHING -> {
        if (message instanceof Hello hello
            && state.compareAndSet(State.ESTABLISHING, State.AUTHENTICATING)) {
          cancelDeadline();
          joinHandler.hello(this, hello);
        } else {
          protocolViolation("the first message must be HELLO, got " + name(message));
        }
      }
      case AUTHENTICATING -> receiveWhileJoining(message);
      case OPEN, CLOSING -> {
        if (held == null || !holdWhileSuspended(message)) {
          listener.message(this, message);
        }
      }
      case CLOSED -> {}
    }
  }

  /**
   * Holds this session's further messages until {@link #resume}: the message being processed waits
   * for an answer from elsewhere (a dynamic authorizer), and the ones after it must not overtake
   * it. Called while processing that message.
   */
  public synchronized void suspend() {
    if (held == null) {
      held = new ArrayDeque<>();
    } else {
      // Processing a held message asked to wait again: resume() stops draining.
      suspendedAgain = true;
    }
  }

  /**
   * Processes {@code retry} (the message that waited) and then the messages held since, in order,
   * on the calling thread; stops if one of them has to wait in turn.
   */
  public void resume(WampMessage retry) {
    synchronized (this) {
      held.addFirst(retry);
    }
    while (true) {
      WampMessage next;
      synchronized (this) {
        if (suspendedAgain) {
          suspendedAgain = false;
          return;
        }
        next = held.pollFirst();
        if (next == null) {
          held = null;
          return;
        }
      }
      if (isAlive()) {
        listener.message(this, next);
      }
    }
  }

  private synchronized boolean holdWhileSuspended(WampMessage message) {
    if (held == null) {
      return false;
    }
    held.addLast(message);
    return true;
  }

  private void receiveWhileJoining(WampMessage message) {
    switch (message) {
      case Authenticate a -> {
        Handshake next = handshake.getAndSet(null);
        if (next == null) {
          protocolViolation("AUTHENTICATE without a CHALLENGE to answer");
        } else {
          cancelDeadline();
          next.authenticate(this, a);
        }
      }
      case Abort a -> end();
      default ->
          protocolViolation(
              name(message) + " before the session is open (the router is authenticating it)");
    }
  }

  /** Marks a session the router opens itself, without a HELLO, as joining. */
  public void beginJoin() {
    state.compareAndSet(State.ESTABLISHING, State.AUTHENTICATING);
  }

  /**
   * The client did not join in time: a connection without HELLO is closed, a client that does not
   * answer its CHALLENGE gets ABORT. Does nothing to a session that has opened meanwhile.
   */
  public void joinTimedOut(String reason, String message) {
    if (state.compareAndSet(State.ESTABLISHING, State.CLOSED)) {
      LOG.debugf("connection %s: %s", transport.describe(), message);
      transport.close();
      ended(State.ESTABLISHING);
    } else if (state.compareAndSet(State.AUTHENTICATING, State.CLOSED)) {
      LOG.debugf("connection %s: %s", transport.describe(), message);
      transport.send(
          new OutgoingMessage(new Abort(Map.of("message", message), reason, List.of(), Map.of())));
      transport.close();
      ended(State.AUTHENTICATING);
    }
  }

  /**
   * Sends a CHALLENGE; {@code next} gets the client's AUTHENTICATE, which must come within {@code
   * deadline} (armed by the caller with {@link #armDeadline}).
   */
  public void challenge(Challenge challenge, Handshake next) {
    if (state.get() != State.AUTHENTICATING) {
      return;
    }
    handshake.set(next);
    transport.send(new OutgoingMessage(challenge));
  }

  /**
   * Arms the timer that ends the session if it does not join in time, replacing the one armed
   * before. Cancelled when HELLO or AUTHENTICATE arrives, and when the session ends.
   */
  public void armDeadline(ScheduledFuture<?> timer) {
    ScheduledFuture<?> old = deadline;
    deadline = timer;
    if (old != null) {
      old.cancel(false);
    }
    State s = state.get();
    if (s != State.ESTABLISHING && s != State.AUTHENTICATING) {
      cancelDeadline();
    }
  }

  private void cancelDeadline() {
    ScheduledFuture<?> d = deadline;
    if (d != null) {
      deadline = null;
      d.cancel(false);
    }
  }

  /**
   * The client sent something that is not a valid WAMP message: ABORT and close this session only.
   */
  public void protocolViolation(String why) {
    LOG.debugf("session %s (%s): protocol violation: %s", idText(), transport.describe(), why);
    joinHandler.telemetry().protocolViolation();
    abort(WampUris.PROTOCOL_VIOLATION, why);
  }

  /** The connection is gone (closed by the client, the network or the transport's own limits). */
  public void transportClosed() {
    end();
  }

  /**
   * Marks the session open under {@code identity}, hands its further messages to {@code realm}, and
   * sends WELCOME with {@code details}. False if the session ended in the meantime.
   */
  public boolean open(
      SessionIdentity identity, SessionListener realm, Map<String, Object> welcomeDetails) {
    this.identity = identity;
    this.listener = realm;
    if (!state.compareAndSet(State.AUTHENTICATING, State.OPEN)) {
      return false;
    }
    cancelDeadline();
    send(new Welcome(identity.sessionId(), welcomeDetails));
    return true;
  }

  /** Sends ABORT with {@code reason} and a human-readable {@code message}, then closes. */
  public void abort(String reason, String message) {
    State before = state.getAndSet(State.CLOSED);
    if (before == State.CLOSED) {
      return;
    }
    transport.send(
        new OutgoingMessage(new Abort(Map.of("message", message), reason, List.of(), Map.of())));
    transport.close();
    ended(before);
  }

  /** The client said GOODBYE: answer it (unless this was the answer to ours) and close. */
  public void goodbyeReceived(Goodbye goodbye) {
    State before = state.getAndSet(State.CLOSED);
    if (before == State.CLOSED) {
      return;
    }
    if (before == State.OPEN) {
      transport.send(new OutgoingMessage(new Goodbye(Map.of(), WampUris.GOODBYE_AND_OUT)));
    }
    transport.close();
    ended(before);
  }

  /**
   * The router ends the session (shutdown, kill): GOODBYE now, close when the client answers. A
   * {@code null} message is left out of GOODBYE.Details.
   */
  public void goodbye(String reason, String message) {
    if (state.compareAndSet(State.OPEN, State.CLOSING)) {
      Map<String, Object> details = message == null ? Map.of() : Map.of("message", message);
      transport.send(new OutgoingMessage(new Goodbye(details, reason)));
    }
  }

  /** This session's end is to fire no {@code wamp.session.on_leave}. */
  public void leaveUnannounced() {
    announceLeave = false;
  }

  public boolean announcesLeave() {
    return announceLeave;
  }

  private volatile boolean endAnnounced;

  /**
   * The cluster has announced this session's end already (its node was taken for gone): as it ends
   * here, no meta event about it goes out again, neither {@code on_leave} nor those of its
   * registrations and subscriptions.
   */
  public void endAnnouncedElsewhere() {
    endAnnounced = true;
    announceLeave = false;
  }

  public boolean endAnnouncedAlready() {
    return endAnnounced;
  }

  /** Ends the session without another word: the client aborted, or its connection is gone. */
  public void end() {
    State before = state.getAndSet(State.CLOSED);
    if (before == State.CLOSED) {
      return;
    }
    transport.close();
    ended(before);
  }

  /** Whatever ended the session, from state {@code before}: tell whoever knew of it, once. */
  private void ended(State before) {
    cancelDeadline();
    handshake.set(null);
    if (before == State.OPEN || before == State.CLOSING) {
      listener.closed(this);
    }
    joinHandler.ended(this);
  }

  /** Queues one message for the client, unless the session has ended. */
  public void send(WampMessage message) {
    if (isAlive()) {
      transport.send(new OutgoingMessage(message));
    }
  }

  /**
   * Runs {@code task} where this session's messages keep their order ({@link Transport#execute}).
   */
  public void execute(Runnable task) {
    transport.execute(task);
  }

  /** Queues one message that is shared with other sessions (and encoded once per serializer). */
  public void send(OutgoingMessage message) {
    if (isAlive()) {
      transport.send(message);
    }
  }

  /**
   * Answers a request with ERROR {@code uri}; {@code message} says in words what went wrong and
   * goes as the first positional argument, as Crossbar and Autobahn do.
   */
  public void error(int requestType, long request, String uri, String message) {
    send(new Error(requestType, request, Map.of(), uri, List.of(message), Map.of()));
  }

  /** The next request ID for a message the router starts towards this client (INVOCATION). */
  public long nextRequestId() {
    return outgoingRequests.next();
  }

  /** The calls this session made that wait for their result; the dealer keeps the count. */
  public AtomicInteger pendingCalls() {
    return pendingCalls;
  }

  public boolean isAlive() {
    State s = state.get();
    return s == State.OPEN || s == State.CLOSING;
  }

  public State state() {
    return state.get();
  }

  /** Who the session is; {@code null} before WELCOME. */
  public SessionIdentity identity() {
    return identity;
  }

  /**
   * The Details that disclose this session to a callee: {@code caller}, {@code caller_authid} and
   * {@code caller_authrole}. Built on first use and kept, encoded once per serializer ({@link
   * SharedDict}): a session calling a disclosing callee sends the same three keys with every call.
   */
  public Map<String, Object> callerDetails() {
    Map<String, Object> d = callerDetails;
    if (d == null) {
      d = disclosure("caller");
      callerDetails = d;
    }
    return d;
  }

  /**
   * As {@link #callerDetails()}, to subscribers: {@code publisher}, {@code publisher_authid}, ...
   */
  public Map<String, Object> publisherDetails() {
    Map<String, Object> d = publisherDetails;
    if (d == null) {
      d = disclosure("publisher");
      publisherDetails = d;
    }
    return d;
  }

  private Map<String, Object> disclosure(String role) {
    SessionIdentity i = identity;
    Map<String, Object> d = new LinkedHashMap<>();
    d.put(role, i.sessionId());
    d.put(role + "_authid", i.authid());
    d.put(role + "_authrole", i.authrole());
    return SharedDict.of(d);
  }

  /** The session ID, 0 before WELCOME. */
  public long id() {
    SessionIdentity i = identity;
    return i == null ? 0 : i.sessionId();
  }

  public Transport transport() {
    return transport;
  }

  private String idText() {
    return identity == null ? "-" : Long.toString(identity.sessionId());
  }

  static String name(WampMessage message) {
    return message.getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT);
  }
}
