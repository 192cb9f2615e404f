package io.quarkbar.interop.peer;

import io.crossbar.autobahn.wamp.Session;
import io.crossbar.autobahn.wamp.auth.ChallengeResponseAuth;
import io.crossbar.autobahn.wamp.auth.TicketAuth;
import io.crossbar.autobahn.wamp.interfaces.IAuthenticator;
import io.crossbar.autobahn.wamp.transports.NettyWebSocket;
import io.crossbar.autobahn.wamp.types.TransportOptions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Autobahn|Java 20.6.1 authenticating against the router: {@code java -cp
 * autobahn-java-peer.jar:deps/* io.quarkbar.interop.peer.AutobahnJavaAuth static <ws-url>
 * <json|msgpack|cbor>}.
 *
 * <p>Ticket ({@link TicketAuth}) and unsalted WAMP-CRA ({@link ChallengeResponseAuth}) in realm
 * {@code secure} of interop-tests' {@code auth.yaml}, each with a right and a wrong credential. Not
 * covered, because Autobahn|Java cannot do them as shipped: salted WAMP-CRA ({@code
 * ChallengeResponseAuth} ignores the CHALLENGE's salt and signs with the secret as given) and
 * WAMP-Cryptosign ({@code CryptosignAuth} signs through libsodium-jni, whose native library is in
 * no Maven artifact or Debian package: {@code UnsatisfiedLinkError: no sodiumjni}).
 *
 * <p>Credentials come from the environment: {@code INTEROP_TICKET}, {@code INTEROP_CRA_SECRET}.
 * Output is one {@code PASS <check>} or {@code FAIL <check>: <why>} line per check; the exit code
 * is 0 only if all passed.
 */
public final class AutobahnJavaAuth {

  private static final int WELCOME = 2;
  private static final long RUN_TIMEOUT_MS = 20_000;
  private static final String REALM = "secure";

  /** What the router answered a join with, from the raw messages. */
  private record Outcome(String kind, List<Object> message) {

    @SuppressWarnings("unchecked")
    Map<String, Object> welcomeDetails() {
      return (Map<String, Object>) message.get(2);
    }

    String abortReason() {
      return (String) message.get(2);
    }

    @Override
    public String toString() {
      return kind + " " + message;
    }
  }

  private interface Check {
    void run() throws Exception;
  }

  private final ExecutorService executor =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "autobahn-callbacks");
            t.setDaemon(true);
            return t;
          });
  private final String url;
  private final String serializer;
  private int failures;

  private AutobahnJavaAuth(String url, String serializer) {
    this.url = url;
    this.serializer = serializer;
  }

  public static void main(String[] args) {
    if (args.length != 3
        || !args[0].equals("static")
        || !List.of("json", "msgpack", "cbor").contains(args[2])) {
      System.err.println(
          "usage: java -cp autobahn-java-peer.jar:deps/* "
              + AutobahnJavaAuth.class.getName()
              + " static <ws-url> <json|msgpack|cbor>");
      System.exit(2);
    }
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(RUN_TIMEOUT_MS);
              } catch (InterruptedException e) {
                return;
              }
              System.out.printf(
                  "FAIL run: autobahn-java auth static/%s did not finish within %d ms%n",
                  args[2], RUN_TIMEOUT_MS);
              Runtime.getRuntime().halt(3);
            },
            "run-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();

    int failures = new AutobahnJavaAuth(args[1], args[2]).run();
    System.out.printf(
        "autobahn-java auth static/%s: %s%n",
        args[2], failures == 0 ? "all checks passed" : failures + " check(s) failed");
    System.exit(failures == 0 ? 0 : 1);
  }

  private int run() {
    String ticket = env("INTEROP_TICKET");
    String craSecret = env("INTEROP_CRA_SECRET");
    String denied = "wamp.error.authentication_denied";

    check(
        "ticket: right ticket",
        () ->
            expectWelcome(attempt(new TicketAuth("ticket-user", ticket)), "ticket-user", "ticket"));
    check(
        "ticket: wrong ticket",
        () -> expectAbort(attempt(new TicketAuth("ticket-user", ticket + "x")), denied));
    check(
        "wampcra: right secret",
        () ->
            expectWelcome(
                attempt(new ChallengeResponseAuth("cra-user", craSecret)), "cra-user", "wampcra"));
    check(
        "wampcra: wrong secret",
        () -> expectAbort(attempt(new ChallengeResponseAuth("cra-user", craSecret + "x")), denied));
    executor.shutdownNow();
    return failures;
  }

  /** One join; on WELCOME, leaves again (GOODBYE) before returning. */
  private Outcome attempt(IAuthenticator authenticator) throws Exception {
    Session session = new Session(executor);
    ObservedSession observed = new ObservedSession(session);
    CompletableFuture<String> outcome = new CompletableFuture<>();
    session.addOnConnectListener(
        s ->
            s.join(REALM, List.of(authenticator))
                .whenComplete(
                    (details, error) ->
                        outcome.complete(error == null ? "welcome" : "join failed: " + error)));
    // Autobahn|Java reports an ABORT before WELCOME as a leave; its SessionDetails carry neither
    // authid nor authrole, so both verdicts are read from the raw messages.
    session.addOnLeaveListener((s, details) -> outcome.complete("abort"));
    observed.disconnected.thenRun(() -> outcome.complete("disconnected"));
    // An explicit list: exactly one serializer, as in AutobahnJavaScenario.
    new NettyWebSocket(url, List.of("wamp.2." + serializer))
        .connect(observed, new TransportOptions());
    String kind = await(outcome, "WELCOME or ABORT");
    List<List<Object>> welcome = observed.receivedAfter(0, WELCOME);
    List<List<Object>> abort = observed.receivedAfter(0, ObservedSession.ABORT);
    if (kind.equals("welcome") && welcome.size() == 1) {
      session.leave();
      await(observed.disconnected, "the connection to close after GOODBYE");
      return new Outcome("WELCOME", welcome.getFirst());
    }
    // The router closes the connection right after ABORT: Autobahn|Java's leave listener (on its
    // executor) and the close (on Netty's thread) race, so either may come first. The raw
    // messages decide: one ABORT and no WELCOME is an ABORT.
    if ((kind.equals("abort") || kind.equals("disconnected"))
        && abort.size() == 1
        && welcome.isEmpty()) {
      return new Outcome("ABORT", abort.getFirst());
    }
    throw new CheckFailure(
        "expected WELCOME or ABORT, got " + kind + "; WELCOME " + welcome + ", ABORT " + abort);
  }

  private static void expectWelcome(Outcome outcome, String authid, String authmethod) {
    if (!outcome.kind().equals("WELCOME")) {
      throw new CheckFailure("expected WELCOME but got " + outcome);
    }
    Map<String, Object> details = outcome.welcomeDetails();
    List<Object> got =
        Arrays.asList(
            details.get("authid"),
            details.get("authrole"),
            details.get("authmethod"),
            details.get("authprovider"));
    List<Object> want = List.of(authid, "user", authmethod, "static");
    if (!want.equals(got)) {
      throw new CheckFailure(
          "WELCOME (authid, authrole, authmethod, authprovider): expected "
              + want
              + ", got "
              + got);
    }
  }

  private static void expectAbort(Outcome outcome, String reason) {
    if (!outcome.kind().equals("ABORT") || !reason.equals(outcome.abortReason())) {
      throw new CheckFailure("expected ABORT " + reason + " but got " + outcome);
    }
  }

  private void check(String name, Check body) {
    try {
      body.run();
      System.out.println("PASS " + name);
    } catch (Throwable e) {
      failures++;
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof CheckFailure) {
        System.out.println("FAIL " + name + ": " + cause.getMessage());
      } else {
        System.out.println("FAIL " + name + ": " + cause);
        cause.printStackTrace();
      }
    } finally {
      System.out.flush();
    }
  }

  private static <T> T await(CompletableFuture<T> future, String what) throws Exception {
    try {
      return future.get(AutobahnJavaScenario.STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new CheckFailure(
          "timed out after " + AutobahnJavaScenario.STEP_TIMEOUT_MS + " ms waiting for " + what);
    }
  }

  private static String env(String name) {
    String value = System.getenv(name);
    if (value == null || value.isEmpty()) {
      System.err.println("environment variable " + name + " is not set (AuthInteropIT sets it)");
      System.exit(2);
    }
    return value;
  }
}
