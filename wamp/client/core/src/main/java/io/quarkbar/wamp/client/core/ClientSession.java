package io.quarkbar.wamp.client.core;

import io.quarkbar.wamp.protocol.id.IdSequence;
import io.quarkbar.wamp.protocol.message.Abort;
import io.quarkbar.wamp.protocol.message.Authenticate;
import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Cancel;
import io.quarkbar.wamp.protocol.message.Challenge;
import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.Goodbye;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.Interrupt;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Publish;
import io.quarkbar.wamp.protocol.message.Published;
import io.quarkbar.wamp.protocol.message.Register;
import io.quarkbar.wamp.protocol.message.Registered;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.Subscribe;
import io.quarkbar.wamp.protocol.message.Subscribed;
import io.quarkbar.wamp.protocol.message.Unregister;
import io.quarkbar.wamp.protocol.message.Unregistered;
import io.quarkbar.wamp.protocol.message.Unsubscribe;
import io.quarkbar.wamp.protocol.message.Unsubscribed;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.protocol.uri.WampUris;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The client's side of one WAMP session over one {@link ClientTransport}: it joins (HELLO, the
 * authentication exchange, WELCOME), makes requests and matches their answers, hands INVOCATIONs
 * and EVENTs to their handlers, and fails whatever waits when the session ends. A session does not
 * outlive its connection; {@link Connection} makes new ones.
 *
 * <p>Threads: messages arrive one at a time on the transport's thread ({@link #receive}); requests
 * may be made, and invocations answered, from any thread.
 */
public final class ClientSession {

  private static final Logger LOG = Logger.getLogger(ClientSession.class);

  /** The roles and features this client announces in HELLO; each is implemented. */
  public static final Map<String, Object> ROLES =
      Map.of(
          "caller",
          features(
              "caller_identification",
              "progressive_call_results",
              "call_canceling",
              "call_timeout"),
          "callee",
          features(
              "caller_identification",
              "progressive_call_results",
              "pattern_based_registration",
              "shared_registration",
              "call_canceling",
              "call_timeout"),
          "publisher",
          features("publisher_exclusion", "publisher_identification"),
          "subscriber",
          features("pattern_based_subscription", "publisher_identification"));

  private static Map<String, Object> features(String... names) {
    Map<String, Object> f = new HashMap<>();
    for (String n : names) {
      f.put(n, true);
    }
    return Map.of("features", Map.copyOf(f));
  }

  /** Where a session's beginning and end are reported. */
  public interface Listener {

    /** WELCOME: the session is open. */
    void joined(ClientSession session, Welcome welcome);

    /**
     * The session ended or never opened: ABORT, GOODBYE from the router, or the connection lost
     * ({@code reason} {@link WampError#SESSION_LOST}). Called once.
     */
    void left(ClientSession session, String reason, String message);
  }

  /** Handles one INVOCATION; answers through {@code reply}, on any thread, once. */
  @FunctionalInterface
  public interface InvocationHandler {
    void invoke(Invocation invocation, Reply reply);
  }

  /** Handles one EVENT. */
  @FunctionalInterface
  public interface EventHandler {
    void onEvent(Event event);
  }

  /** The answer to one INVOCATION: progressive results, then a result or an error, once. */
  public final class Reply {
    private final long request;
    private final AtomicReference<Runnable> onInterrupt = new AtomicReference<>();
    private volatile boolean done;
    private volatile boolean interrupted;

    private Reply(long request) {
      this.request = request;
    }

    /** A progressive result; the call goes on. */
    public void progress(List<Object> args, Map<String, Object> kwargs) {
      if (!done) {
        transport.send(new Yield(request, Map.of("progress", true), args, kwargs));
      }
    }

    public void result(List<Object> args, Map<String, Object> kwargs) {
      if (finish()) {
        transport.send(new Yield(request, Map.of(), args, kwargs));
      }
    }

    public void error(String uri, List<Object> args, Map<String, Object> kwargs) {
      if (finish()) {
        transport.send(new Error(Invocation.CODE, request, Map.of(), uri, args, kwargs));
      }
    }

    /** Whether the dealer interrupted the call (the caller canceled it, or it timed out). */
    public boolean isInterrupted() {
      return interrupted;
    }

    /** Runs {@code action} when the dealer interrupts the call (at once if it has already). */
    public void onInterrupt(Runnable action) {
      onInterrupt.set(action);
      if (interrupted && onInterrupt.compareAndSet(action, null)) {
        action.run();
      }
    }

    private boolean finish() {
      synchronized (this) {
        if (done) {
          return false;
        }
        done = true;
      }
      replies.remove(request, this);
      return true;
    }

    private void interrupt(String mode) {
      interrupted = true;
      Runnable action = onInterrupt.getAndSet(null);
      if (action != null) {
        action.run();
      }
      // After killnowait the dealer has answered the caller; it would drop our answer anyway.
      if ("killnowait".equals(mode)) {
        finish();
      }
    }
  }

  /** A call made, waiting for its result; {@link #cancel} gives up on it. */
  public final class OutgoingCall {
    private final long request;
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private final Consumer<Result> progress;

    private OutgoingCall(long request, Consumer<Result> progress) {
      this.request = request;
      this.progress = progress;
    }

    /** The final RESULT, or a {@link WampError}. */
    public CompletableFuture<Result> result() {
      return result;
    }

    /**
     * Asks the dealer to cancel the call ({@code skip}, {@code kill} or {@code killnowait}); the
     * result then fails with {@code wamp.error.canceled}, unless the answer came first.
     */
    public void cancel(String mode) {
      if (!result.isDone()) {
        transport.send(new Cancel(request, Map.of("mode", mode)));
      }
    }
  }

  private enum State {
    JOINING,
    OPEN,
    CLOSING,
    CLOSED
  }

  private final ClientTransport transport;
  private final String realm;
  private final Credentials credentials;
  private final Listener listener;
  private final AtomicReference<State> state = new AtomicReference<>(State.JOINING);
  private final IdSequence requests = new IdSequence();
  private volatile long id;
  private volatile Map<String, Object> welcomeDetails = Map.of();

  private final Map<Long, CompletableFuture<Long>> registering = new ConcurrentHashMap<>();
  private final Map<Long, CompletableFuture<Long>> subscribing = new ConcurrentHashMap<>();
  private final Map<Long, CompletableFuture<Void>> unregistering = new ConcurrentHashMap<>();
  private final Map<Long, CompletableFuture<Void>> unsubscribing = new ConcurrentHashMap<>();
  private final Map<Long, CompletableFuture<Long>> publishing = new ConcurrentHashMap<>();
  private final Map<Long, OutgoingCall> calls = new ConcurrentHashMap<>();
  private final Map<Long, InvocationHandler> procedures = new ConcurrentHashMap<>();
  private final Map<Long, PendingHandler> pendingProcedures = new ConcurrentHashMap<>();
  private final Map<Long, List<EventHandler>> topics = new ConcurrentHashMap<>();
  private final Map<Long, EventHandler> pendingTopics = new ConcurrentHashMap<>();
  private final Map<Long, Reply> replies = new ConcurrentHashMap<>();

  private record PendingHandler(InvocationHandler handler) {}

  public ClientSession(
      ClientTransport transport, String realm, Credentials credentials, Listener listener) {
    this.transport = transport;
    this.realm = realm;
    this.credentials = credentials;
    this.listener = listener;
  }

  /** Sends HELLO. */
  public void join() {
    Map<String, Object> details = new HashMap<>();
    details.put("roles", ROLES);
    details.put("agent", "Quarkbar client");
    details.put("authmethods", List.of(credentials.authmethod()));
    if (credentials.authid() != null) {
      details.put("authid", credentials.authid());
    }
    if (!credentials.authextra().isEmpty()) {
      details.put("authextra", credentials.authextra());
    }
    transport.send(new Hello(realm, details));
  }

  /** The session ID the router gave, 0 before WELCOME. */
  public long id() {
    return id;
  }

  /** WELCOME.Details: the identity granted (authid, authrole, ...) and the router's roles. */
  public Map<String, Object> welcomeDetails() {
    return welcomeDetails;
  }

  public boolean isOpen() {
    return state.get() == State.OPEN;
  }

  /** Handles one message from the router. */
  public void receive(WampMessage message) {
    try {
      switch (message) {
        case Welcome w -> welcomed(w);
        case Challenge c -> challenged(c);
        case Abort a -> ended(a.reason(), message(a.details()));
        case Goodbye g -> goodbye(g);
        case Registered r ->
            complete(registering.remove(r.request()), r.registration(), r.request());
        case Unregistered u -> complete(unregistering.remove(u.request()), null, 0);
        case Subscribed s ->
            complete(subscribing.remove(s.request()), s.subscription(), s.request());
        case Unsubscribed u -> complete(unsubscribing.remove(u.request()), null, 0);
        case Published p -> complete(publishing.remove(p.request()), p.publication(), 0);
        case Result r -> result(r);
        case Error e -> error(e);
        case Invocation i -> invocation(i);
        case Interrupt i -> interrupt(i);
        case Event e -> event(e);
        default -> LOG.debugf("session %d: ignored %s", id, message);
      }
    } catch (RuntimeException e) {
      // A bug of ours, or of a handler: the session goes on, the log says what happened.
      LOG.errorf(e, "session %d: failed to handle %s", id, message.getClass().getSimpleName());
    }
  }

  private void welcomed(Welcome w) {
    if (state.compareAndSet(State.JOINING, State.OPEN)) {
      id = w.session();
      welcomeDetails = w.details();
      listener.joined(this, w);
    }
  }

  private void challenged(Challenge c) {
    if (!c.authMethod().equals(credentials.authmethod())) {
      transport.send(
          new Abort(
              Map.of("message", "challenged for " + c.authMethod()),
              WampUris.AUTHENTICATION_FAILED,
              List.of(),
              Map.of()));
      ended(WampUris.AUTHENTICATION_FAILED, "the router challenged for another method");
      return;
    }
    transport.send(new Authenticate(credentials.answer(c), Map.of()));
  }

  private void goodbye(Goodbye g) {
    State before = state.getAndSet(State.CLOSED);
    if (before == State.OPEN) {
      transport.send(new Goodbye(Map.of(), WampUris.GOODBYE_AND_OUT));
    }
    if (before != State.CLOSED) {
      failAll(g.reason(), message(g.details()));
      listener.left(this, g.reason(), message(g.details()));
    }
    transport.close();
  }

  /** The connection ended under the session. */
  public void transportClosed(String why) {
    ended(WampError.SESSION_LOST, why);
  }

  private void ended(String reason, String message) {
    if (state.getAndSet(State.CLOSED) != State.CLOSED) {
      failAll(reason, message);
      listener.left(this, reason, message);
    }
    transport.close();
  }

  /** Leaves the realm: GOODBYE, and the router's GOODBYE in reply closes the connection. */
  public void leave(String reason, String message) {
    if (state.compareAndSet(State.OPEN, State.CLOSING)) {
      transport.send(new Goodbye(message == null ? Map.of() : Map.of("message", message), reason));
    } else {
      ended(reason, message);
    }
  }

  private void failAll(String reason, String message) {
    WampError lost =
        new WampError(
            WampError.SESSION_LOST,
            "the session ended (" + reason + (message == null ? "" : ": " + message) + ")");
    for (Map<Long, ? extends CompletableFuture<?>> waiting :
        List.of(registering, subscribing, unregistering, unsubscribing, publishing)) {
      waiting.values().forEach(f -> f.completeExceptionally(lost));
      waiting.clear();
    }
    calls.values().forEach(c -> c.result.completeExceptionally(lost));
    calls.clear();
    replies.values().forEach(r -> r.interrupt("killnowait"));
    replies.clear();
  }

  private static String message(Map<String, Object> details) {
    return details.get("message") instanceof String s ? s : null;
  }

  @SuppressWarnings("unchecked")
  private <T> void complete(CompletableFuture<T> waiting, Object value, long request) {
    if (waiting == null) {
      return;
    }
    PendingHandler p = pendingProcedures.remove(request);
    if (p != null && value instanceof Long registration) {
      procedures.put(registration, p.handler());
    }
    EventHandler h = pendingTopics.remove(request);
    if (h != null && value instanceof Long subscription) {
      topics.computeIfAbsent(subscription, s -> new CopyOnWriteArrayList<>()).add(h);
    }
    waiting.complete((T) value);
  }

  private void result(Result r) {
    OutgoingCall call = calls.get(r.request());
    if (call == null) {
      return;
    }
    if (Boolean.TRUE.equals(r.details().get("progress"))) {
      if (call.progress != null) {
        call.progress.accept(r);
      }
      return;
    }
    calls.remove(r.request(), call);
    call.result.complete(r);
  }

  private void error(Error e) {
    WampError error = new WampError(e.error(), e.arguments(), e.argumentsKw());
    CompletableFuture<?> waiting =
        switch (e.requestType()) {
          case Register.CODE -> {
            pendingProcedures.remove(e.request());
            yield registering.remove(e.request());
          }
          case Subscribe.CODE -> {
            pendingTopics.remove(e.request());
            yield subscribing.remove(e.request());
          }
          case Unregister.CODE -> unregistering.remove(e.request());
          case Unsubscribe.CODE -> unsubscribing.remove(e.request());
          case Publish.CODE -> publishing.remove(e.request());
          case Call.CODE -> {
            OutgoingCall call = calls.remove(e.request());
            yield call == null ? null : call.result;
          }
          default -> null;
        };
    if (waiting != null) {
      waiting.completeExceptionally(error);
    }
  }

  private void invocation(Invocation i) {
    InvocationHandler handler = procedures.get(i.registration());
    if (handler == null) {
      transport.send(
          new Error(
              Invocation.CODE,
              i.request(),
              Map.of(),
              WampUris.NO_SUCH_PROCEDURE,
              List.of("this client has no registration " + i.registration()),
              Map.of()));
      return;
    }
    Reply reply = new Reply(i.request());
    replies.put(i.request(), reply);
    handler.invoke(i, reply);
  }

  private void interrupt(Interrupt i) {
    Reply reply = replies.get(i.request());
    if (reply != null) {
      Object mode = i.options().get("mode");
      reply.interrupt(mode == null ? "killnowait" : mode.toString());
    }
  }

  private void event(Event e) {
    List<EventHandler> handlers = topics.get(e.subscription());
    if (handlers != null) {
      for (EventHandler h : handlers) {
        h.onEvent(e);
      }
    }
  }

  // --- requests ---

  private void requireOpen() {
    if (state.get() != State.OPEN) {
      throw new WampError(WampError.NOT_CONNECTED, "the session is not open");
    }
  }

  /** REGISTER; the future has the registration ID, or fails with the router's ERROR. */
  public CompletableFuture<Long> register(
      String procedure, Map<String, Object> options, InvocationHandler handler) {
    requireOpen();
    long request = requests.next();
    CompletableFuture<Long> registered = new CompletableFuture<>();
    pendingProcedures.put(request, new PendingHandler(handler));
    registering.put(request, registered);
    transport.send(new Register(request, options, procedure));
    return registered;
  }

  public CompletableFuture<Void> unregister(long registration) {
    requireOpen();
    long request = requests.next();
    CompletableFuture<Void> done = new CompletableFuture<>();
    unregistering.put(request, done);
    procedures.remove(registration);
    transport.send(new Unregister(request, registration));
    return done;
  }

  /** SUBSCRIBE; the future has the subscription ID, or fails with the router's ERROR. */
  public CompletableFuture<Long> subscribe(
      String topic, Map<String, Object> options, EventHandler handler) {
    requireOpen();
    long request = requests.next();
    CompletableFuture<Long> subscribed = new CompletableFuture<>();
    pendingTopics.put(request, handler);
    subscribing.put(request, subscribed);
    transport.send(new Subscribe(request, options, topic));
    return subscribed;
  }

  /** UNSUBSCRIBE of every handler of {@code subscription} in this session. */
  public CompletableFuture<Void> unsubscribe(long subscription) {
    requireOpen();
    long request = requests.next();
    CompletableFuture<Void> done = new CompletableFuture<>();
    unsubscribing.put(request, done);
    topics.remove(subscription);
    transport.send(new Unsubscribe(request, subscription));
    return done;
  }

  /**
   * PUBLISH; with {@code acknowledge} in the options, the future has the publication ID once the
   * broker confirms, else it completes (with 0) once the message is sent.
   */
  public CompletableFuture<Long> publish(
      String topic, Map<String, Object> options, List<Object> args, Map<String, Object> kwargs) {
    requireOpen();
    long request = requests.next();
    CompletableFuture<Long> published = new CompletableFuture<>();
    boolean acknowledge = Boolean.TRUE.equals(options.get("acknowledge"));
    if (acknowledge) {
      publishing.put(request, published);
    }
    transport.send(new Publish(request, options, topic, args, kwargs));
    if (!acknowledge) {
      published.complete(0L);
    }
    return published;
  }

  /** CALL; progressive results, if asked for, go to {@code progress}. */
  public OutgoingCall call(
      String procedure,
      Map<String, Object> options,
      List<Object> args,
      Map<String, Object> kwargs,
      Consumer<Result> progress) {
    requireOpen();
    long request = requests.next();
    OutgoingCall call = new OutgoingCall(request, progress);
    calls.put(request, call);
    transport.send(new Call(request, options, procedure, args, kwargs));
    return call;
  }

  @Override
  public String toString() {
    return "ClientSession["
        + realm
        + ", "
        + id
        + ", "
        + state.get().name().toLowerCase(Locale.ROOT)
        + "]";
  }
}
