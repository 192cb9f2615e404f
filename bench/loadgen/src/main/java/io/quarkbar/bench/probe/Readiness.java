package io.quarkbar.bench.probe;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/** A Quarkus application's readiness ({@code /q/health/ready}), as the benches wait for it. */
public final class Readiness {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private Readiness() {}

  /**
   * Whether the application on {@code httpPort} answers its readiness with 200 and a body {@code
   * body} accepts; false while it does not listen yet.
   */
  public static boolean isReady(int httpPort, Predicate<String> body) throws InterruptedException {
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready"))
            .timeout(Duration.ofSeconds(2))
            .build();
    try {
      HttpResponse<String> r = HTTP.send(ready, HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 && body.test(r.body());
    } catch (IOException notYet) {
      return false;
    }
  }

  /**
   * Waits until {@link #isReady}; fails, naming {@code what} and where its log is, when {@code
   * process} exits first or {@code timeout} passes.
   */
  public static void await(
      Process process,
      int httpPort,
      Predicate<String> body,
      Duration timeout,
      String what,
      String log)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            what + " exited with code " + process.exitValue() + " before it was ready; see " + log);
      }
      if (isReady(httpPort, body)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(what + " was not ready within " + timeout + "; see " + log);
  }
}
