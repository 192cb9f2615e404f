package io.quarkbar.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * One Autobahn|JS session in a Node.js process ({@code src/test/node/browser.js}), as the forum's
 * web page holds one: the test opens it, calls, subscribes, and reads what it receives. A client we
 * did not write, speaking to the packaged platform exactly as a browser does.
 */
final class JsBrowser implements AutoCloseable {

  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final Process process;
  private final Writer stdin;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
  private final StringBuilder stderr = new StringBuilder();

  private JsBrowser(String name, Process process) {
    this.name = name;
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread.ofPlatform().daemon().name(name + "-stdout").start(this::readReplies);
    Thread.ofPlatform().daemon().name(name + "-stderr").start(this::readErrors);
  }

  /** Starts a browser process named {@code name} (in failure messages). */
  static JsBrowser start(String name) {
    Path script = Path.of(System.getProperty("platform.node.dir", "src/test/node"), "browser.js");
    try {
      Process p =
          new ProcessBuilder("node", script.toAbsolutePath().toString())
              .directory(script.toAbsolutePath().getParent().toFile())
              .start();
      return new JsBrowser(name, p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start node (Node.js 20+ is needed)", e);
    }
  }

  /** Joins anonymously; fails unless the router welcomes the session. */
  Joined openAnonymous(String url) {
    return joined(request("open", Map.of("url", url, "realm", Platform.REALM)));
  }

  /** Joins with ticket authentication, as a logged-in page does; fails unless welcomed. */
  Joined openWithTicket(String url, String username, String token) {
    return joined(tryTicket(url, username, token, false));
  }

  /**
   * A ticket join that reconnects and re-joins after every loss, as the web page does; each later
   * join and loss arrives as an event ({@link #awaitEvent}).
   */
  Joined openWithTicketReconnecting(String url, String username, String token) {
    return joined(tryTicket(url, username, token, true));
  }

  /** A ticket join's answer, refused or not: {@code error} and {@code message} when refused. */
  JsonNode tryTicket(String url, String username, String token, boolean reconnect) {
    return request(
        "open",
        Map.of(
            "url", url,
            "realm", Platform.REALM,
            "authid", username,
            "ticket", token,
            "reconnect", reconnect));
  }

  /** Calls {@code procedure}; fails unless it answers a result, which it returns. */
  JsonNode call(String procedure, Object... args) {
    JsonNode reply = tryCall(procedure, args);
    if (reply.has("error")) {
      throw new AssertionError(name + ": " + procedure + " failed: " + reply);
    }
    return reply.get("result");
  }

  /** Calls {@code procedure}; the reply, {@code result} or {@code error} with {@code args}. */
  JsonNode tryCall(String procedure, Object... args) {
    return request("call", Map.of("procedure", procedure, "args", List.of(args)));
  }

  /** Subscribes to {@code topic}; fails unless the router accepts. */
  void subscribe(String topic) {
    JsonNode reply = request("subscribe", Map.of("topic", topic));
    if (reply.has("error")) {
      throw new AssertionError(name + ": subscribe to " + topic + " refused: " + reply);
    }
  }

  /** Registers {@code procedure}; the reply, with {@code error} when refused. */
  JsonNode tryRegister(String procedure) {
    return request("register", Map.of("procedure", procedure));
  }

  /** Publishes to {@code topic} with acknowledgement; the reply, {@code error} when refused. */
  JsonNode tryPublish(String topic, Object... args) {
    return request("publish", Map.of("topic", topic, "args", List.of(args)));
  }

  /** Closes the session (GOODBYE), as closing the tab does. */
  void closeSession() {
    request("close", Map.of());
  }

  /** The first event so far or within the timeout that {@code test} accepts; others are kept. */
  JsonNode awaitEvent(String what, Predicate<JsonNode> test) {
    return awaitEvent(what, test, TIMEOUT);
  }

  JsonNode awaitEvent(String what, Predicate<JsonNode> test, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    java.util.List<JsonNode> skipped = new java.util.ArrayList<>();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        JsonNode event = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
        if (event == null) {
          throw new AssertionError(
              name + ": no " + what + " within " + timeout + "; received meanwhile: " + skipped);
        }
        if (test.test(event)) {
          return event;
        }
        skipped.add(event);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      events.addAll(skipped);
    }
  }

  /** An event published to {@code topic} whose first argument's {@code field} is {@code value}. */
  JsonNode awaitPublished(String topic, String field, String value) {
    return awaitEvent(
        topic + " with " + field + "=" + value,
        e ->
            "published".equals(e.path("event").asText())
                && topic.equals(e.path("topic").asText())
                && value.equals(e.path("args").path(0).path(field).asText()));
  }

  /** Whether an event matching {@code test} arrives within {@code window}. */
  boolean receives(Predicate<JsonNode> test, Duration window) {
    try {
      awaitEvent("event", test, window);
      return true;
    } catch (AssertionError none) {
      return false;
    }
  }

  /** The session's identity as WELCOME gave it. */
  record Joined(long session, String authid, String authrole) {}

  private Joined joined(JsonNode reply) {
    if (reply.has("error")) {
      throw new AssertionError(name + ": join refused: " + reply);
    }
    return new Joined(
        reply.path("session").asLong(),
        reply.path("authid").asText(),
        reply.path("authrole").asText());
  }

  private JsonNode request(String op, Map<String, Object> fields) {
    long id = ids.incrementAndGet();
    ObjectNode request = JSON.valueToTree(fields);
    request.put("id", id).put("op", op);
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    try {
      synchronized (stdin) {
        stdin.write(JSON.writeValueAsString(request) + "\n");
        stdin.flush();
      }
      return reply.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(
          name + ": no answer to " + request + " within " + TIMEOUT + "; stderr: " + stderr);
    } catch (Exception e) {
      throw new AssertionError(name + ": " + op + " failed; stderr: " + stderr, e);
    } finally {
      pending.remove(id);
    }
  }

  private void readReplies() {
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        JsonNode message = JSON.readTree(line);
        if (message.has("id")) {
          CompletableFuture<JsonNode> reply = pending.get(message.get("id").asLong());
          if (reply != null) {
            reply.complete(message);
          }
        } else {
          events.add(message);
        }
      }
    } catch (IOException e) {
      // The process ended; pending requests time out with stderr in their message.
    }
  }

  private void readErrors() {
    try (BufferedReader err =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = err.readLine()) != null) {
        synchronized (stderr) {
          stderr.append(line).append('\n');
        }
      }
    } catch (IOException e) {
      // Gone with the process.
    }
  }

  @Override
  public void close() {
    try {
      stdin.close();
    } catch (IOException ignored) {
      // The process is going anyway.
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
