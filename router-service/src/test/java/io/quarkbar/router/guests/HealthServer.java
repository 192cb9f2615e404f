package io.quarkbar.router.guests;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A guest for the tests, run as its own process ({@code java -cp target/test-classes}): an HTTP
 * server whose {@code /health} answers 503 until {@code delay-ms} after its start, then 200, as a
 * service that takes a while to become ready does. With a {@code gate} file, it answers 200 only
 * once that file also exists, so that a test decides when the guest becomes ready.
 *
 * <p>Usage: {@code HealthServer <port> <delay-ms> [gate]}.
 */
public final class HealthServer {

  private HealthServer() {}

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(args[0]);
    long readyAt = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000;
    Path gate = args.length > 2 ? Path.of(args[2]) : null;
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.createContext(
        "/health",
        exchange -> {
          boolean ready = System.nanoTime() >= readyAt && (gate == null || Files.exists(gate));
          exchange.sendResponseHeaders(ready ? 200 : 503, -1);
          exchange.close();
        });
    server.start();
    System.out.println("health server listening on port " + port);
  }
}
