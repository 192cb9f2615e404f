package io.quarkbar.wamp.client.core;

import io.quarkbar.wamp.client.core.ClientSession.EventHandler;
import io.quarkbar.wamp.client.core.ClientSession.InvocationHandler;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.uri.WampUris;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * A client's lasting connection to one realm of a router: it connects, joins, registers every
 * procedure and subscribes every topic declared on it; when the session ends for any reason but
 * {@link #stop}, it connects again after a backoff (exponential, with jitter) and restores them
 * all. Calls and publications go through the current session.
 *
 * <p>Its state, which a readiness check reports: {@link Status#READY} once the session is open and
 * every declaration is in place.
 */
public final class Connection {

  private static final Logger LOG = Logger.getLogger(Connection.class);

  /** Where the connection is. */
  public enum Status {
    /** Not connected: the first attempt, or waiting to try again. */
    CONNECTING,
    /** Joined; registrations and subscriptions are being made. */
    JOINED,
    /** Joined, and every registration and subscription is in place. */
    READY,
    /** Joined, but a registration or subscription was refused and is not retried. */
    REFUSED,
    /** Stopped for good. */
    CLOSED
  }

  /** Runs tasks later; answers something that cancels the task. */
  @FunctionalInterface
  public interface Scheduler {
    Runnable schedule(Duration delay, Runnable task);
  }

  /** Hears of the connection's changes. */
  public interface Listener {

    default void statusChanged(Status status) {}

    /**
     * The router refused a registration or subscription ({@code uri}), with its ERROR; unless the
     * configuration retries refusals, the connection stays {@link Status#REFUSED}.
     */
    default void refused(String uri, WampError error) {}
  }

  /** How to reconnect: delays from {@code initial}, doubled up to {@code max}, with jitter. */
  public record Backoff(Duration initial, Duration max, double jitter) {
    public static final Backoff DEFAULT =
        new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), 0.5);

    Duration delay(int attempt) {
      long base = initial.toMillis() << Math.min(20, attempt);
      long capped = Math.min(max.toMillis(), base);
      return Duration.ofMillis(
          capped + (long) (capped * jitter * ThreadLocalRandom.current().nextDouble()));
    }
  }

  /**
   * What a call made while not joined does: fails at once ({@code waitFor} zero) or waits up to
   * {@code waitFor} for the session.
   */
  public record Settings(
      String realm,
      Credentials credentials,
      Backoff backoff,
      Duration waitFor,
      boolean retryRefused) {}

  private record Procedure(String uri, Map<String, Object> options, InvocationHandler handler) {}

  private record Topic(String uri, Map<String, Object> options, EventHandler handler) {}

  private final ClientTransport.Connector connector;
  private final Settings settings;
  private final Scheduler scheduler;
  private final Listener listener;
  private final List<Procedure> procedures = new CopyOnWriteArrayList<>();
  private final List<Topic> topics = new CopyOnWriteArrayList<>();
  private final List<Runnable> waitingForSession = new ArrayList<>();
  private final AtomicInteger attempts = new AtomicInteger();
  private volatile ClientSession session;
  private volatile Status status = Status.CONNECTING;
  private volatile boolean stopped;

  public Connection(
      ClientTransport.Connector connector,
      Settings settings,
      Scheduler scheduler,
      Listener listener) {
    this.connector = connector;
    this.settings = settings;
    this.scheduler = scheduler;
    this.listener = listener;
  }

  /** Declares a procedure, registered in every session from now on (in this one if open). */
  public void register(String uri, Map<String, Object> options, InvocationHandler handler) {
    Procedure p = new Procedure(uri, options, handler);
    procedures.add(p);
    ClientSession s = session;
    if (s != null && s.isOpen()) {
      registerIn(s, p, new AtomicInteger(1));
    }
  }

  /** Declares a subscription, made in every session from now on (in this one if open). */
  public void subscribe(String uri, Map<String, Object> options, EventHandler handler) {
    Topic t = new Topic(uri, options, handler);
    topics.add(t);
    ClientSession s = session;
    if (s != null && s.isOpen()) {
      subscribeIn(s, t, new AtomicInteger(1));
    }
  }

  /** Connects; the connection then lives until {@link #stop}. */
  public void start() {
    connect();
  }

  public Status status() {
    return status;
  }

  /** The current session, if one is open. */
  public ClientSession session() {
    ClientSession s = session;
    return s != null && s.isOpen() ? s : null;
  }

  /** Says GOODBYE and stops reconnecting; the future completes when the session has ended. */
  public CompletableFuture<Void> stop() {
    stopped = true;
    ClientSession s = session;
    setStatus(Status.CLOSED);
    failWaiting();
    if (s == null || !s.isOpen()) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    closing = done;
    s.leave(WampUris.CLOSE_REALM, "the client is shutting down");
    return done;
  }

  private volatile CompletableFuture<Void> closing;

  private void connect() {
    if (stopped) {
      return;
    }
    setStatus(Status.CONNECTING);
    SessionHolder holder = new SessionHolder();
    connector
        .connect(holder)
        .whenComplete(
            (transport, error) -> {
              if (error != null) {
                LOG.debugf("cannot reach the router: %s", error.toString());
                retryLater("the router could not be reached: " + rootMessage(error));
                return;
              }
              ClientSession s =
                  new ClientSession(
                      transport, settings.realm(), settings.credentials(), new SessionEvents());
              holder.attach(s);
              session = s;
              s.join();
            });
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }

  /**
   * The transport listener of one connection attempt: messages go to the session once it exists
   * (the transport may deliver nothing before the connector's future completes).
   */
  private static final class SessionHolder implements ClientTransport.Listener {
    private volatile ClientSession session;
    private volatile String closedBefore;

    void attach(ClientSession s) {
      session = s;
      if (closedBefore != null) {
        s.transportClosed(closedBefore);
      }
    }

    @Override
    public void onMessage(io.quarkbar.wamp.protocol.message.WampMessage message) {
      ClientSession s = session;
      if (s != null) {
        s.receive(message);
      }
    }

    @Override
    public void onClose(String why) {
      ClientSession s = session;
      if (s != null) {
        s.transportClosed(why);
      } else {
        closedBefore = why;
      }
    }
  }

  private final class SessionEvents implements ClientSession.Listener {

    @Override
    public void joined(ClientSession s, Welcome welcome) {
      attempts.set(0);
      LOG.infof(
          "joined realm %s as %s (%s), session %d",
          settings.realm(),
          welcome.details().get("authid"),
          welcome.details().get("authrole"),
          s.id());
      setStatus(Status.JOINED);
      runWaiting();
      restore(s);
    }

    @Override
    public void left(ClientSession s, String reason, String message) {
      if (session == s) {
        session = null;
      }
      if (stopped) {
        CompletableFuture<Void> done = closing;
        if (done != null) {
          done.complete(null);
        }
        return;
      }
      retryLater(reason + (message == null ? "" : ": " + message));
    }
  }

  private void retryLater(String why) {
    if (stopped) {
      return;
    }
    setStatus(Status.CONNECTING);
    Duration delay = settings.backoff().delay(attempts.getAndIncrement());
    LOG.infof(
        "connection to realm %s lost or refused (%s); trying again in %d ms",
        settings.realm(), why, delay.toMillis());
    scheduler.schedule(delay, this::connect);
  }

  /** Registers and subscribes everything declared, in a new session. */
  private void restore(ClientSession s) {
    int total = procedures.size() + topics.size();
    if (total == 0) {
      setStatus(Status.READY);
      return;
    }
    AtomicInteger left = new AtomicInteger(total);
    procedures.forEach(p -> registerIn(s, p, left));
    topics.forEach(t -> subscribeIn(s, t, left));
  }

  private void registerIn(ClientSession s, Procedure p, AtomicInteger left) {
    s.register(p.uri(), p.options(), p.handler())
        .whenComplete((id, error) -> placed(s, p.uri(), error, left, () -> registerIn(s, p, left)));
  }

  private void subscribeIn(ClientSession s, Topic t, AtomicInteger left) {
    s.subscribe(t.uri(), t.options(), t.handler())
        .whenComplete(
            (id, error) -> placed(s, t.uri(), error, left, () -> subscribeIn(s, t, left)));
  }

  private void placed(
      ClientSession s, String uri, Throwable error, AtomicInteger left, Runnable retry) {
    if (error == null) {
      if (left.decrementAndGet() == 0 && session == s && status == Status.JOINED) {
        setStatus(Status.READY);
      }
      return;
    }
    if (!(error instanceof WampError refusal) || refusal.uri().equals(WampError.SESSION_LOST)) {
      return; // the session ended; the next one restores everything again
    }
    listener.refused(uri, refusal);
    if (settings.retryRefused()) {
      LOG.warnf("the router refused %s (%s); trying again", uri, refusal.getMessage());
      scheduler.schedule(
          settings.backoff().delay(3),
          () -> {
            if (session == s && s.isOpen()) {
              retry.run();
            }
          });
    } else if (session == s) {
      setStatus(Status.REFUSED);
    }
  }

  private void setStatus(Status s) {
    if (status != s && (status != Status.CLOSED || s == Status.CLOSED)) {
      status = s;
      listener.statusChanged(s);
    }
  }

  // --- calls and publications through whatever session is open ---

  /**
   * Calls {@code procedure} in the current session; when none is open, fails at once or waits for
   * one, as configured. {@code cancelMode} is what cancelling the returned call sends.
   */
  public Call call(
      String procedure,
      Map<String, Object> options,
      List<Object> args,
      Map<String, Object> kwargs,
      Consumer<Result> progress) {
    Call call = new Call();
    whenJoined(
        call.result,
        s -> {
          ClientSession.OutgoingCall out = s.call(procedure, options, args, kwargs, progress);
          call.attach(out);
        });
    return call;
  }

  /** A call through the connection: its result, and a way to cancel it. */
  public static final class Call {
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private volatile ClientSession.OutgoingCall out;
    private volatile String canceled;

    private void attach(ClientSession.OutgoingCall o) {
      out = o;
      o.result()
          .whenComplete(
              (r, e) -> {
                if (e != null) {
                  result.completeExceptionally(e);
                } else {
                  result.complete(r);
                }
              });
      if (canceled != null) {
        o.cancel(canceled);
      }
    }

    public CompletableFuture<Result> result() {
      return result;
    }

    /** Cancels the call: CANCEL with {@code mode} if it was made, or never makes it. */
    public void cancel(String mode) {
      canceled = mode;
      ClientSession.OutgoingCall o = out;
      if (o != null) {
        o.cancel(mode);
      } else {
        result.completeExceptionally(
            new WampError(WampUris.CANCELED, "canceled before it was made"));
      }
    }
  }

  /** PUBLISH in the current session, or waiting for one as calls do. */
  public CompletableFuture<Long> publish(
      String topic, Map<String, Object> options, List<Object> args, Map<String, Object> kwargs) {
    CompletableFuture<Long> published = new CompletableFuture<>();
    whenJoined(
        published,
        s ->
            s.publish(topic, options, args, kwargs)
                .whenComplete(
                    (id, e) -> {
                      if (e != null) {
                        published.completeExceptionally(e);
                      } else {
                        published.complete(id);
                      }
                    }));
    return published;
  }

  private void whenJoined(CompletableFuture<?> outcome, Consumer<ClientSession> action) {
    ClientSession s = session();
    if (s != null) {
      run(outcome, s, action);
      return;
    }
    if (stopped || settings.waitFor().isZero()) {
      outcome.completeExceptionally(
          new WampError(
              WampError.NOT_CONNECTED,
              "not connected to the router (realm " + settings.realm() + ")"));
      return;
    }
    Runnable go =
        () -> {
          ClientSession now = session();
          if (now == null) {
            outcome.completeExceptionally(
                new WampError(WampError.NOT_CONNECTED, "the client stopped"));
          } else {
            run(outcome, now, action);
          }
        };
    synchronized (waitingForSession) {
      waitingForSession.add(go);
    }
    Runnable cancelTimer =
        scheduler.schedule(
            settings.waitFor(),
            () -> {
              boolean removed;
              synchronized (waitingForSession) {
                removed = waitingForSession.remove(go);
              }
              if (removed) {
                outcome.completeExceptionally(
                    new WampError(
                        WampError.NOT_CONNECTED,
                        "not connected to the router within "
                            + settings.waitFor().toMillis()
                            + " ms"));
              }
            });
    outcome.whenComplete((r, e) -> cancelTimer.run());
    // The session may have opened between the check and now.
    if (session() != null) {
      runWaiting();
    }
  }

  private static void run(
      CompletableFuture<?> outcome, ClientSession s, Consumer<ClientSession> action) {
    try {
      action.accept(s);
    } catch (RuntimeException e) {
      outcome.completeExceptionally(e);
    }
  }

  private void runWaiting() {
    List<Runnable> ready;
    synchronized (waitingForSession) {
      ready = new ArrayList<>(waitingForSession);
      waitingForSession.clear();
    }
    ready.forEach(Runnable::run);
  }

  private void failWaiting() {
    runWaiting();
  }
}
