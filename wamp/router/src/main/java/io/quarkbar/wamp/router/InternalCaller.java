package io.quarkbar.wamp.router;

import io.quarkbar.wamp.protocol.id.IdGenerator;
import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.session.Session;
import io.quarkbar.wamp.router.session.SessionIdentity;
import io.quarkbar.wamp.router.transport.OutgoingMessage;
import io.quarkbar.wamp.router.transport.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The router's own session in one realm, through which it calls procedures that clients provide:
 * dynamic authenticators and authorizers. It is a session like any other to the dealer (its calls
 * are routed, its callee sees a caller), but it needs no permission, is in no session list, and its
 * "transport" hands results straight to the futures waiting for them.
 */
final class InternalCaller implements Transport {

  /** The authid and authrole the router's session has. */
  static final String AUTHID = "quarkbar.router";

  private final Realm realm;
  private final ScheduledExecutorService timer;
  private final Session session;
  private final AtomicLong requests = new AtomicLong();
  private final Map<Long, CompletableFuture<Result>> waiting = new ConcurrentHashMap<>();

  InternalCaller(Realm realm, ScheduledExecutorService timer) {
    this.realm = realm;
    this.timer = timer;
    this.session = new Session(this, (s, hello) -> {});
    session.beginJoin();
    session.open(
        new SessionIdentity(
            IdGenerator.globalId(),
            realm.name(),
            AUTHID,
            AUTHID,
            "trusted",
            "router",
            Map.of(),
            Map.of("caller", Map.of("features", Map.of()))),
        realm,
        Map.of());
  }

  /**
   * Calls {@code procedure} with {@code args}; the future fails with a {@link CallFailure} when the
   * callee (or the dealer) answers ERROR, and with {@link WampUris#TIMEOUT} when nothing comes
   * within {@code timeout}. A late answer is dropped.
   */
  CompletableFuture<Result> call(
      String procedure, List<Object> args, Map<String, Object> kwargs, Duration timeout) {
    long request = requests.incrementAndGet();
    CompletableFuture<Result> answer = new CompletableFuture<>();
    waiting.put(request, answer);
    var timeoutTask =
        timer.schedule(
            () -> {
              CompletableFuture<Result> late = waiting.remove(request);
              if (late != null) {
                late.completeExceptionally(
                    new CallFailure(
                        WampUris.TIMEOUT,
                        List.of(procedure + " did not answer within " + timeout.toMillis() + " ms"),
                        Map.of()));
              }
            },
            timeout.toNanos(),
            TimeUnit.NANOSECONDS);
    answer.whenComplete((r, e) -> timeoutTask.cancel(false));
    realm.callAsRouter(session, new Call(request, Map.of(), procedure, args, kwargs));
    return answer;
  }

  @Override
  public void send(OutgoingMessage message) {
    switch (message.message()) {
      case Result r when !Boolean.TRUE.equals(r.details().get("progress")) -> {
        CompletableFuture<Result> answer = waiting.remove(r.request());
        if (answer != null) {
          answer.complete(r);
        }
      }
      case Error e -> {
        CompletableFuture<Result> answer = waiting.remove(e.request());
        if (answer != null) {
          answer.completeExceptionally(new CallFailure(e.error(), e.arguments(), e.argumentsKw()));
        }
      }
      default -> {}
    }
  }

  @Override
  public void close() {}

  @Override
  public String describe() {
    return "router-internal";
  }
}
