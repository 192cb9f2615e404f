package io.quarkbar.interop.peer;

import io.crossbar.autobahn.wamp.Session;
import io.crossbar.autobahn.wamp.exceptions.ApplicationError;
import io.crossbar.autobahn.wamp.interfaces.IInvocationHandler;
import io.crossbar.autobahn.wamp.interfaces.TriConsumer;
import io.crossbar.autobahn.wamp.interfaces.TriFunction;
import io.crossbar.autobahn.wamp.reflectionRoles.WampException;
import io.crossbar.autobahn.wamp.serializers.CBORSerializer;
import io.crossbar.autobahn.wamp.serializers.JSONSerializer;
import io.crossbar.autobahn.wamp.serializers.MessagePackSerializer;
import io.crossbar.autobahn.wamp.transports.NettyWebSocket;
import io.crossbar.autobahn.wamp.types.CallResult;
import io.crossbar.autobahn.wamp.types.EventDetails;
import io.crossbar.autobahn.wamp.types.InvocationDetails;
import io.crossbar.autobahn.wamp.types.InvocationResult;
import io.crossbar.autobahn.wamp.types.PublishOptions;
import io.crossbar.autobahn.wamp.types.Registration;
import io.crossbar.autobahn.wamp.types.SessionDetails;
import io.crossbar.autobahn.wamp.types.Subscription;
import io.crossbar.autobahn.wamp.types.TransportOptions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The interop scenario as an Autobahn|Java 20.6.1 client: {@code java -cp
 * autobahn-java-peer.jar:deps/* io.quarkbar.interop.peer.AutobahnJavaScenario <ws-url> <realm>
 * <json|msgpack|cbor>}.
 *
 * <p>The checks and their names match {@code src/test/node/scenario.js} in interop-tests; output is
 * one line per check, {@code PASS <check>} or {@code FAIL <check>: <why>}, and the exit code is 0
 * only if all passed.
 */
public final class AutobahnJavaScenario {

  static final long STEP_TIMEOUT_MS = 5_000;
  // How long "nothing arrived" is watched for; events on loopback arrive within milliseconds.
  static final long GRACE_MS = 300;
  private static final long SCENARIO_TIMEOUT_MS = 20_000;
  private static final Map<String, Class<?>> SERIALIZERS =
      Map.of(
          "json", JSONSerializer.class,
          "msgpack", MessagePackSerializer.class,
          "cbor", CBORSerializer.class);

  // Handlers run here; the default common pool is also where a GOODBYE blocks for netty's
  // graceful shutdown, which would delay every other callback of the run.
  private final ExecutorService executor =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "autobahn-callbacks");
            t.setDaemon(true);
            return t;
          });
  private final String url;
  private final String realm;
  private final String serializer;
  private int failures;

  private AutobahnJavaScenario(String url, String realm, String serializer) {
    this.url = url;
    this.realm = realm;
    this.serializer = serializer;
  }

  public static void main(String[] args) {
    if (args.length != 3 || !SERIALIZERS.containsKey(args[2])) {
      System.err.println(
          "usage: java -cp autobahn-java-peer.jar:deps/* "
              + AutobahnJavaScenario.class.getName()
              + " <ws-url> <realm> <json|msgpack|cbor>");
      System.exit(2);
    }
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(SCENARIO_TIMEOUT_MS);
              } catch (InterruptedException e) {
                return;
              }
              System.out.printf(
                  "FAIL scenario: autobahn-java/%s did not finish within %d ms%n",
                  args[2], SCENARIO_TIMEOUT_MS);
              Runtime.getRuntime().halt(3);
            },
            "scenario-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();

    int failures = new AutobahnJavaScenario(args[0], args[1], args[2]).run();
    System.out.printf(
        "autobahn-java/%s: %s%n",
        args[2], failures == 0 ? "all checks passed" : failures + " check(s) failed");
    // Netty's event loops and Autobahn's executors outlive the sessions; the verdict is final.
    System.exit(failures == 0 ? 0 : 1);
  }

  private int run() {
    byte[] random = new byte[4];
    new SecureRandom().nextBytes(random);
    String suffix = serializer + "_" + HexFormat.of().formatHex(random);
    String add2 = "com.example.add2." + suffix;
    String failing = "com.example.failing." + suffix;
    String nonexistent = "com.example.nonexistent." + suffix;
    String topic = "com.example.topic." + suffix;

    ObservedSession[] sessions = new ObservedSession[2];
    if (!check(
        "join",
        () -> {
          CompletableFuture<ObservedSession> a = CompletableFuture.supplyAsync(this::connect);
          CompletableFuture<ObservedSession> b = CompletableFuture.supplyAsync(this::connect);
          sessions[0] = await(a, "session A to join");
          sessions[1] = await(b, "session B to join");
          Class<?> negotiated = sessions[0].serializer().getClass();
          expectEqual(negotiated, SERIALIZERS.get(serializer), "negotiated serializer");
        })) {
      return failures;
    }
    ObservedSession a = sessions[0];
    ObservedSession b = sessions[1];

    Registration[] add2Registration = new Registration[1];
    check(
        "register+call",
        () -> {
          IInvocationHandler add =
              (args, kwargs, details) ->
                  new InvocationResult(
                      List.of(
                          ((Number) args.get(0)).longValue() + ((Number) args.get(1)).longValue()));
          add2Registration[0] = await(b.session.register(add2, add), "REGISTERED");
          CallResult result = await(a.session.call(add2, 2, 3), "the call result");
          expectEqual(normalize(result.results), List.of(5L), "result args");
        });

    check(
        "call no_such_procedure",
        () -> expectCallError(a.session.call(nonexistent, 1), "wamp.error.no_such_procedure"));

    check(
        "call application error",
        () -> {
          // Autobahn|Java turns a WampException into ERROR with its URI, args and kwargs only when
          // it completes the returned future; thrown, it arrives wrapped and becomes runtime_error.
          TriFunction<
                  List<Object>,
                  Map<String, Object>,
                  InvocationDetails,
                  CompletableFuture<InvocationResult>>
              oops =
                  (args, kwargs, details) ->
                      CompletableFuture.failedFuture(
                          new WampException(
                              "com.example.error.oops",
                              Map.of(),
                              List.of(1, "two"),
                              Map.of("three", 3)));
          await(b.session.register(failing, oops), "REGISTERED");
          expectCallError(
              a.session.call(failing),
              "com.example.error.oops",
              List.of(1L, "two"),
              Map.of("three", 3L));
        });

    Inbox inboxA = new Inbox();
    Inbox inboxB = new Inbox();
    TriConsumer<List<Object>, Map<String, Object>, EventDetails> toA =
        (args, kwargs, details) -> inboxA.push(args, kwargs);
    TriConsumer<List<Object>, Map<String, Object>, EventDetails> toB =
        (args, kwargs, details) -> inboxB.push(args, kwargs);
    // Autobahn|Java always writes exclude_me; true is the spec's default.
    PublishOptions excludeMe = new PublishOptions(true, true);
    Subscription[] subscriptionB = new Subscription[1];

    check(
        "publish+event",
        () -> {
          subscriptionB[0] = await(b.session.subscribe(topic, toB), "SUBSCRIBED");
          await(a.session.publish(topic, List.of("hello"), Map.of("n", 1), excludeMe), "PUBLISHED");
          Inbox.Received event = inboxB.next("B's event");
          expectEqual(normalize(event.args()), List.of("hello"), "event args");
          expectEqual(normalize(event.kwargs()), Map.of("n", 1L), "event kwargs");
        });

    check(
        "publisher exclusion (default)",
        () -> {
          await(a.session.subscribe(topic, toA), "SUBSCRIBED");
          await(a.session.publish(topic, List.of("excluded"), null, excludeMe), "PUBLISHED");
          expectEqual(inboxB.next("B's event").args(), List.of("excluded"), "event args at B");
          inboxA.expectNone("A (the publisher, excluded by default)");
        });

    check(
        "publisher exclusion (exclude_me=false)",
        () -> {
          PublishOptions includeMe = new PublishOptions(true, false);
          await(a.session.publish(topic, List.of("included"), null, includeMe), "PUBLISHED");
          expectEqual(inboxB.next("B's event").args(), List.of("included"), "event args at B");
          expectEqual(inboxA.next("A's own event").args(), List.of("included"), "event args at A");
        });

    check(
        "unsubscribe",
        () -> {
          await(b.session.unsubscribe(subscriptionB[0]), "UNSUBSCRIBED");
          int mark = b.mark();
          await(
              a.session.publish(topic, List.of("after-unsubscribe"), null, excludeMe), "PUBLISHED");
          inboxB.expectNone("B (unsubscribed)");
          List<List<Object>> stray = b.receivedAfter(mark, ObservedSession.EVENT);
          if (!stray.isEmpty()) {
            throw new CheckFailure("router still sent EVENT to B after UNSUBSCRIBED: " + stray);
          }
        });

    check(
        "unregister",
        () -> {
          await(b.session.unregister(add2Registration[0]), "UNREGISTERED");
          expectCallError(a.session.call(add2, 2, 3), "wamp.error.no_such_procedure");
        });

    check(
        "goodbye",
        () -> {
          a.session.leave();
          b.session.leave();
          boolean cleanA = await(a.disconnected, "A to close");
          boolean cleanB = await(b.disconnected, "B to close");
          boolean goodbyeA = a.receivedAny(ObservedSession.GOODBYE);
          boolean goodbyeB = b.receivedAny(ObservedSession.GOODBYE);
          if (!(cleanA && cleanB && goodbyeA && goodbyeB)) {
            throw new CheckFailure(
                String.format(
                    "unclean close: A GOODBYE received %s, clean %s; B GOODBYE received %s, clean %s",
                    goodbyeA, cleanA, goodbyeB, cleanB));
          }
        });
    executor.shutdownNow();
    return failures;
  }

  private ObservedSession connect() {
    Session session = new Session(executor);
    ObservedSession observed = new ObservedSession(session);
    CompletableFuture<SessionDetails> joined = new CompletableFuture<>();
    session.addOnConnectListener(
        s ->
            s.join(realm)
                .whenComplete(
                    (details, error) -> {
                      if (error != null) {
                        joined.completeExceptionally(error);
                      } else {
                        joined.complete(details);
                      }
                    }));
    session.addOnLeaveListener(
        (s, details) ->
            joined.completeExceptionally(
                new CheckFailure("left before joining: " + details.reason)));
    observed.disconnected.thenRun(
        () ->
            joined.completeExceptionally(
                new CheckFailure(
                    "connection closed before WELCOME (handshake refused, or ABORT): received "
                        + observed.receivedAfter(0, 3))));
    // An explicit list makes Autobahn|Java send "wamp.2.<serializer>," with a trailing comma:
    // exactly one serializer, so the router cannot fall back to another one unnoticed.
    NettyWebSocket transport = new NettyWebSocket(url, List.of("wamp.2." + serializer));
    try {
      transport.connect(observed, new TransportOptions());
      await(joined, "WELCOME");
    } catch (Exception e) {
      throw new IllegalStateException("could not join " + realm + " at " + url + ": " + e, e);
    }
    return observed;
  }

  private interface Check {
    void run() throws Exception;
  }

  private boolean check(String name, Check body) {
    try {
      body.run();
      System.out.println("PASS " + name);
      return true;
    } catch (Throwable e) {
      failures++;
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof CheckFailure) {
        System.out.println("FAIL " + name + ": " + cause.getMessage());
      } else {
        System.out.println("FAIL " + name + ": " + cause);
        cause.printStackTrace();
      }
      return false;
    } finally {
      System.out.flush();
    }
  }

  private static <T> T await(Future<T> future, String what) throws Exception {
    try {
      return future.get(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new CheckFailure("timed out after " + STEP_TIMEOUT_MS + " ms waiting for " + what);
    }
  }

  private static void expectCallError(
      CompletableFuture<CallResult> call, String uri, List<Object> args, Map<String, Object> kwargs)
      throws Exception {
    CallResult result;
    try {
      result = await(call, "the call error");
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof ApplicationError error)) {
        throw e;
      }
      expectEqual(error.getMessage(), uri, "error URI");
      if (args != null) {
        expectEqual(normalize(error.args == null ? List.of() : error.args), args, "error args");
        expectEqual(
            normalize(error.kwargs == null ? Map.of() : error.kwargs), kwargs, "error kwargs");
      }
      return;
    }
    throw new CheckFailure(
        "expected error " + uri + " but the call returned " + result.results + result.kwresults);
  }

  private static void expectCallError(CompletableFuture<CallResult> call, String uri)
      throws Exception {
    expectCallError(call, uri, null, null);
  }

  private static void expectEqual(Object actual, Object expected, String what) {
    if (!expected.equals(actual)) {
      throw new CheckFailure(what + ": expected " + expected + " but got " + actual);
    }
  }

  /** Integral numbers as Long: the three decoders pick Integer, Long or Short as they like. */
  private static Object normalize(Object value) {
    if (value instanceof Number n
        && !(value instanceof Double)
        && !(value instanceof Float)
        && n.longValue() == n.doubleValue()) {
      return n.longValue();
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(item -> copy.add(normalize(item)));
      return copy;
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(k, normalize(v)));
      return copy;
    }
    return value;
  }
}
