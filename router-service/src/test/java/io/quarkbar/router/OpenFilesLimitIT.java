package io.quarkbar.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.quarkbar.testing.processes.AppProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged router under a low open-files limit ({@code prlimit}, as a container's {@code
 * ulimits} or systemd's {@code LimitNOFILE} would set it): it takes as many sessions as its
 * descriptors allow, less a reserve, and tells the next client at once (HTTP 503) instead of
 * running out of descriptors, when it would log "Too many open files" on every accept and leave new
 * clients waiting for a handshake that never comes. Its health check and its sessions keep working.
 */
class OpenFilesLimitIT {

  private static final int OPEN_FILES = 400;
  private static final int RESERVED = 64;
  private static final Pattern BOUND = Pattern.compile("takes at most (\\d+) sessions");
  private static final String WELCOME_PREFIX = "[2,";

  private static AppProcess router;
  private static int bound;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final List<WebSocket> open = new ArrayList<>();

  @BeforeAll
  static void start() {
    router =
        AppProcess.builder("router-service", Path.of("target", "quarkus-app", "quarkus-run.jar"))
            .openFilesLimit(OPEN_FILES)
            .systemProperty("router.limits.reserved-files", String.valueOf(RESERVED))
            .systemProperty("router.limits.max-sessions-per-address", "100000")
            .systemProperty(
                "quarkus.config.locations",
                Path.of("config", "realm1-open.yaml").toAbsolutePath().toString())
            .log(Path.of("target", "logs", "open-files-limit.log"))
            .start();
    // The log file keeps earlier runs (a process appends to it): this run's line is the last.
    Matcher m = BOUND.matcher(router.logTail(400));
    bound = -1;
    while (m.find()) {
      bound = Integer.parseInt(m.group(1));
    }
    assertThat(bound).as("the router logs its session bound:\n" + router.logTail(40)).isPositive();
  }

  @AfterAll
  static void stop() {
    open.forEach(ws -> ws.abort());
    if (router != null) {
      router.close();
    }
  }

  @Test
  void aFullRouterRefusesTheNextClientAtOnceAndKeepsServing() throws Exception {
    assertThat(bound)
        .as("the bound leaves the reserve and the files open at start-up free")
        .isBetween(100, OPEN_FILES - RESERVED);

    for (int i = 0; i < bound; i++) {
      open.add(join());
    }

    for (int i = 0; i < 20; i++) {
      long start = System.nanoTime();
      int status = refusedStatus();
      assertThat(status).as("the client one too many is refused").isEqualTo(503);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
    HttpResponse<String> ready =
        HTTP.send(
            HttpRequest.newBuilder(router.http("/q/health/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).as("readiness while full: " + ready.body()).isEqualTo(200);

    // A place that frees up is taken again.
    for (int i = 0; i < 5; i++) {
      open.removeLast().sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    WebSocket again = null;
    while (again == null && System.nanoTime() < deadline) {
      try {
        again = join();
      } catch (CompletionException e) {
        Thread.sleep(100);
      }
    }
    assertThat(again).as("a session once others left").isNotNull();
    open.add(again);
    assertThat(router.logContains("Too many open files")).isFalse();
  }

  /** A joined session (HELLO answered by WELCOME). */
  private static WebSocket join() throws Exception {
    CompletableFuture<String> first = new CompletableFuture<>();
    WebSocket ws =
        HTTP.newWebSocketBuilder()
            .subprotocols("wamp.2.json")
            .connectTimeout(Duration.ofSeconds(5))
            .buildAsync(wsUri(), listener(first))
            .join();
    ws.sendText("[1,\"realm1\",{\"roles\":{\"caller\":{}}}]", true);
    String welcome = first.get(10, TimeUnit.SECONDS);
    if (!welcome.startsWith(WELCOME_PREFIX)) {
      fail("expected WELCOME, got " + welcome);
    }
    return ws;
  }

  /** The HTTP status of a WebSocket upgrade that fails; fails the test if it succeeds. */
  private static int refusedStatus() {
    try {
      WebSocket ws =
          HTTP.newWebSocketBuilder()
              .subprotocols("wamp.2.json")
              .connectTimeout(Duration.ofSeconds(5))
              .buildAsync(wsUri(), listener(new CompletableFuture<>()))
              .join();
      ws.abort();
      return fail("the upgrade past the bound succeeded");
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        return refused.getResponse().statusCode();
      }
      throw e;
    }
  }

  private static URI wsUri() {
    return URI.create("ws://127.0.0.1:" + router.port() + "/ws");
  }

  private static WebSocket.Listener listener(CompletableFuture<String> first) {
    return new WebSocket.Listener() {
      private final StringBuilder text = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
          first.complete(text.toString());
          text.setLength(0);
        }
        ws.request(1);
        return null;
      }
    };
  }
}
