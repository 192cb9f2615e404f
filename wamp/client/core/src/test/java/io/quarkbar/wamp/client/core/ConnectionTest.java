package io.quarkbar.wamp.client.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.protocol.uri.UriValidator;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.Router;
import io.quarkbar.wamp.router.config.Action;
import io.quarkbar.wamp.router.config.AuthMethod;
import io.quarkbar.wamp.router.config.Disclose;
import io.quarkbar.wamp.router.config.MatchPolicy;
import io.quarkbar.wamp.router.config.MethodConfig;
import io.quarkbar.wamp.router.config.Permission;
import io.quarkbar.wamp.router.config.Principal;
import io.quarkbar.wamp.router.config.RealmConfig;
import io.quarkbar.wamp.router.config.RouterConfig;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The client core against the router core, through {@link RouterPipe}: joining with each method,
 * calls and events both ways, errors, cancellation, and the connection coming back after it was cut
 * with everything restored.
 */
class ConnectionTest {

  static final String REALM = "realm1";
  static final Duration WAIT = Duration.ofSeconds(5);

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  private final byte[] seed = randomSeed();
  private final Credentials.Cryptosign signer =
      new Credentials.Cryptosign("signer", HexFormat.of().formatHex(seed));

  private static byte[] randomSeed() {
    byte[] seed = new byte[32];
    new java.security.SecureRandom().nextBytes(seed);
    return seed;
  }

  private final Router router = new Router(config());

  private RouterConfig config() {
    Permission all =
        new Permission(
            "", MatchPolicy.PREFIX, EnumSet.allOf(Action.class), EnumSet.allOf(Disclose.class));
    Map<String, List<Permission>> roles = Map.of("anonymous", List.of(all), "user", List.of(all));
    String derived = Credentials.WampCra.deriveKey("pass", "salt", 10, 32);
    RealmConfig realm =
        new RealmConfig(
            REALM,
            Optional.of("anonymous"),
            roles,
            Map.of(
                AuthMethod.TICKET, MethodConfig.of(Map.of("tick", new Principal("user", "t1"))),
                AuthMethod.WAMPCRA,
                    MethodConfig.of(
                        Map.of(
                            "cra", new Principal("user", "k1"),
                            "salty",
                                new Principal(
                                    "user",
                                    derived,
                                    Optional.of(new Principal.CraSalt("salt", 10, 32))))),
                AuthMethod.CRYPTOSIGN,
                    MethodConfig.of(Map.of("signer", new Principal("user", signerPubkey())))),
            Optional.empty());
    return new RouterConfig(List.of(realm), UriValidator.LOOSE);
  }

  private String signerPubkey() {
    return signer.publicKey();
  }

  private final RouterPipe pipe = new RouterPipe(router, Serializer.MSGPACK);

  @AfterEach
  void stopAll() {
    connections.forEach(Connection::stop);
    timer.shutdownNow();
  }

  private Connection connection(
      Credentials credentials, Duration waitFor, Connection.Listener listener) {
    Connection c =
        new Connection(
            pipe,
            new Connection.Settings(
                REALM,
                credentials,
                new Connection.Backoff(Duration.ofMillis(20), Duration.ofMillis(200), 0.5),
                waitFor,
                false),
            (delay, task) -> {
              var f = timer.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
              return () -> f.cancel(false);
            },
            listener);
    connections.add(c);
    return c;
  }

  private Connection started(Credentials credentials) {
    Connection c = connection(credentials, Duration.ZERO, new Connection.Listener() {});
    c.start();
    awaitStatus(c, Connection.Status.READY);
    return c;
  }

  private static void awaitStatus(Connection c, Connection.Status status) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (c.status() != status) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("status " + c.status() + ", expected " + status);
      }
      Thread.onSpinWait();
    }
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    try {
      return f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private static ClientSession.InvocationHandler echo(AtomicInteger count) {
    return (invocation, reply) -> {
      count.incrementAndGet();
      reply.result(invocation.arguments(), invocation.argumentsKw());
    };
  }

  @ParameterizedTest
  @EnumSource(value = MethodName.class)
  void joinsWithEveryMethodAsItsPrincipal(MethodName method) {
    Credentials credentials =
        switch (method) {
          case ANONYMOUS -> new Credentials.Anonymous();
          case TICKET -> new Credentials.Ticket("tick", "t1");
          case WAMPCRA -> new Credentials.WampCra("cra", "k1");
          case WAMPCRA_SALTED -> new Credentials.WampCra("salty", "pass");
          case CRYPTOSIGN -> signer;
        };
    Connection c = started(credentials);

    Map<String, Object> welcome = c.session().welcomeDetails();
    assertThat(welcome.get("authmethod")).isEqualTo(credentials.authmethod());
    if (credentials.authid() != null) {
      assertThat(welcome.get("authid")).isEqualTo(credentials.authid());
    }
  }

  enum MethodName {
    ANONYMOUS,
    TICKET,
    WAMPCRA,
    WAMPCRA_SALTED,
    CRYPTOSIGN
  }

  @Test
  void wrongCredentialsAreRetriedButNeverJoin() throws Exception {
    Connection c =
        connection(
            new Credentials.Ticket("tick", "wrong"), Duration.ZERO, new Connection.Listener() {});
    c.start();
    Thread.sleep(300);
    assertThat(c.status()).isEqualTo(Connection.Status.CONNECTING);
  }

  @Test
  void callsReachRegisteredProceduresAndComeBackWithTheirResult() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Connection callee =
        connection(new Credentials.Anonymous(), Duration.ZERO, new Connection.Listener() {});
    callee.register("com.example.echo", Map.of(), echo(calls));
    callee.start();
    awaitStatus(callee, Connection.Status.READY);
    Connection caller = started(new Credentials.Anonymous());

    Result r =
        await(
            caller
                .call("com.example.echo", Map.of(), List.of(1, "two"), Map.of("k", true), null)
                .result());

    assertThat(r.arguments()).containsExactly(1L, "two");
    assertThat(r.argumentsKw()).containsEntry("k", true);
    assertThat(calls).hasValue(1);
  }

  @Test
  void errorsComeBackWithTheirUriArgsAndKwargs() {
    Connection callee =
        connection(new Credentials.Anonymous(), Duration.ZERO, new Connection.Listener() {});
    callee.register(
        "com.example.fail",
        Map.of(),
        (inv, reply) -> reply.error("com.example.error.oops", List.of("why"), Map.of("n", 1)));
    callee.start();
    awaitStatus(callee, Connection.Status.READY);
    Connection caller = started(new Credentials.Anonymous());

    assertThatThrownBy(
            () ->
                await(
                    caller.call("com.example.fail", Map.of(), List.of(), Map.of(), null).result()))
        .isInstanceOfSatisfying(
            WampError.class,
            e -> {
              assertThat(e.uri()).isEqualTo("com.example.error.oops");
              assertThat(e.args()).containsExactly("why");
              assertThat(e.kwargs()).containsEntry("n", 1L);
            });
    assertThatThrownBy(
            () ->
                await(
                    caller.call("com.example.none", Map.of(), List.of(), Map.of(), null).result()))
        .isInstanceOfSatisfying(
            WampError.class, e -> assertThat(e.uri()).isEqualTo(WampUris.NO_SUCH_PROCEDURE));
  }

  @Test
  void eventsReachSubscribers() throws Exception {
    CompletableFuture<Object> got = new CompletableFuture<>();
    Connection subscriber =
        connection(new Credentials.Anonymous(), Duration.ZERO, new Connection.Listener() {});
    subscriber.subscribe("com.example.news", Map.of(), e -> got.complete(e.arguments().getFirst()));
    subscriber.start();
    awaitStatus(subscriber, Connection.Status.READY);
    Connection publisher = started(new Credentials.Anonymous());

    long publication =
        await(
            publisher.publish(
                "com.example.news", Map.of("acknowledge", true), List.of("hi"), Map.of()));

    assertThat(publication).isPositive();
    assertThat(await(got)).isEqualTo("hi");
  }

  @Test
  void afterTheConnectionIsCutItComesBackAndRestoresRegistrationsOnce() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Connection callee =
        connection(new Credentials.Anonymous(), Duration.ZERO, new Connection.Listener() {});
    callee.register("com.example.echo", Map.of(), echo(calls));
    callee.start();
    awaitStatus(callee, Connection.Status.READY);
    long firstSession = callee.session().id();

    pipe.cutAll();
    awaitStatus(callee, Connection.Status.CONNECTING);
    awaitStatus(callee, Connection.Status.READY);

    assertThat(callee.session().id()).isNotEqualTo(firstSession);
    Connection caller = started(new Credentials.Anonymous());
    await(caller.call("com.example.echo", Map.of(), List.of(), Map.of(), null).result());
    assertThat(calls).hasValue(1);
  }

  @Test
  void whileTheRouterCannotBeReachedItKeepsTrying() {
    pipe.refuse(true);
    Connection c =
        connection(new Credentials.Anonymous(), Duration.ZERO, new Connection.Listener() {});
    c.start();
    pipe.refuse(false);
    awaitStatus(c, Connection.Status.READY);
  }

  @Test
  void aRefusedRegistrationIsReportedAndLeavesTheConnectionRefused() throws Exception {
    Connection holder =
        connection(new Credentials.Anonymous(), Duration.ZERO, new Connection.Listener() {});
    holder.register("com.example.taken", Map.of(), echo(new AtomicInteger()));
    holder.start();
    awaitStatus(holder, Connection.Status.READY);
    CompletableFuture<WampError> refused = new CompletableFuture<>();
    Connection late =
        connection(
            new Credentials.Anonymous(),
            Duration.ZERO,
            new Connection.Listener() {
              @Override
              public void refused(String uri, WampError error) {
                refused.complete(error);
              }
            });
    late.register("com.example.taken", Map.of(), echo(new AtomicInteger()));
    late.start();

    assertThat(await(refused).uri()).isEqualTo(WampUris.PROCEDURE_ALREADY_EXISTS);
    awaitStatus(late, Connection.Status.REFUSED);
  }

  @Test
  void callsWhileDisconnectedFailAtOnceOrWaitAsConfigured() throws Exception {
    pipe.refuse(true);
    Connection failing =
        connection(new Credentials.Anonymous(), Duration.ZERO, new Connection.Listener() {});
    failing.start();
    assertThatThrownBy(
            () ->
                await(failing.call("com.example.x", Map.of(), List.of(), Map.of(), null).result()))
        .isInstanceOfSatisfying(
            WampError.class, e -> assertThat(e.uri()).isEqualTo(WampError.NOT_CONNECTED));

    Connection waiting =
        connection(
            new Credentials.Anonymous(), Duration.ofSeconds(3), new Connection.Listener() {});
    waiting.start();
    CompletableFuture<Result> call =
        waiting.call("wamp.session.count", Map.of(), List.of(), Map.of(), null).result();
    Thread.sleep(100);
    assertThat(call).isNotDone();
    pipe.refuse(false);
    assertThat(await(call).arguments()).isNotEmpty();
  }

  @Test
  void aCanceledCallFailsAsCanceledAndItsCalleeIsInterrupted() throws Exception {
    CompletableFuture<Void> interrupted = new CompletableFuture<>();
    Connection callee =
        connection(new Credentials.Anonymous(), Duration.ZERO, new Connection.Listener() {});
    callee.register(
        "com.example.slow",
        Map.of(),
        (inv, reply) -> reply.onInterrupt(() -> interrupted.complete(null)));
    callee.start();
    awaitStatus(callee, Connection.Status.READY);
    Connection caller = started(new Credentials.Anonymous());

    Connection.Call call = caller.call("com.example.slow", Map.of(), List.of(), Map.of(), null);
    Thread.sleep(100);
    call.cancel("killnowait");

    assertThatThrownBy(() -> await(call.result()))
        .isInstanceOfSatisfying(
            WampError.class, e -> assertThat(e.uri()).isEqualTo(WampUris.CANCELED));
    await(interrupted);
  }

  @Test
  void progressiveResultsArriveBeforeTheFinalOne() throws Exception {
    Connection callee =
        connection(new Credentials.Anonymous(), Duration.ZERO, new Connection.Listener() {});
    callee.register(
        "com.example.count",
        Map.of(),
        (inv, reply) -> {
          reply.progress(List.of(1), Map.of());
          reply.progress(List.of(2), Map.of());
          reply.result(List.of(3), Map.of());
        });
    callee.start();
    awaitStatus(callee, Connection.Status.READY);
    Connection caller = started(new Credentials.Anonymous());
    List<Object> seen = new CopyOnWriteArrayList<>();

    Result last =
        await(
            caller
                .call(
                    "com.example.count",
                    Map.of("receive_progress", true),
                    List.of(),
                    Map.of(),
                    r -> seen.add(r.arguments().getFirst()))
                .result());

    assertThat(seen).containsExactly(1L, 2L);
    assertThat(last.arguments()).containsExactly(3L);
  }

  @Test
  void stopSaysGoodbye() throws Exception {
    Connection c = started(new Credentials.Anonymous());
    await(c.stop());
    assertThat(c.status()).isEqualTo(Connection.Status.CLOSED);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (router.sessionCount() > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(router.sessionCount()).isZero();
  }
}
