package io.quarkbar.platform.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkbar.testing.processes.AppProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./quarkbar.sh run} as a newcomer runs it, on the fresh-machine path: the embedded
 * PostgreSQL in a new state directory, secrets generated, every service a guest of router-service.
 * The test waits for the URL line, uses the page and a WAMP login through the router, then presses
 * Ctrl-C (SIGINT to the script's process group, as a terminal sends it) and checks that every
 * process the run started is gone and every port is free again.
 */
class LocalRunIT {

  static final Path ROOT =
      Path.of(System.getProperty("platform.root", "..")).toAbsolutePath().normalize();

  private static final Duration READY_WITHIN = Duration.ofSeconds(100);
  private static final Duration STOPPED_WITHIN = Duration.ofSeconds(60);
  private static final Pattern READY = Pattern.compile("Quarkbar is ready: open (http://\\S+)");
  private static final String PASSWORD = "correct horse battery";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path state = Path.of("target", "local-run", "state").toAbsolutePath();
  private final Path output = Path.of("target", "local-run", "quarkbar-run.log").toAbsolutePath();
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final CompletableFuture<String> url = new CompletableFuture<>();
  private Process script;
  private boolean ownGroup;
  private final List<ProcessHandle> started = new ArrayList<>();

  @AfterEach
  void leaveNothingRunning() {
    if (script != null && script.isAlive()) {
      signalGroup("KILL");
    }
    started.forEach(ProcessHandle::destroyForcibly);
    if (script != null) {
      script.descendants().forEach(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void oneCommandRunsThePlatformAndCtrlCStopsEverythingItStarted() throws Exception {
    deleteRecursively(state);
    Files.createDirectories(output.getParent());
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (String name : List.of("ROUTER", "AUTH", "FORUM", "WEB", "POSTGRES", "POSTGRES_HEALTH")) {
      int port;
      do {
        port = AppProcess.freePort();
      } while (ports.containsValue(port));
      ports.put(name, port);
    }

    start(ports);
    String page = awaitUrl();

    // The page, from web-ui, pointed at this run's router.
    assertThat(page).isEqualTo("http://localhost:" + ports.get("WEB") + "/");
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> index = get(http, page);
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).contains("<title>Quarkbar forum</title>");
    assertThat(get(http, page + "config.js").body())
        .contains("ws://localhost:" + ports.get("ROUTER") + "/ws");

    // Every guest is ready, as the router says.
    HttpResponse<String> ready =
        get(http, "http://127.0.0.1:" + ports.get("ROUTER") + "/q/health/ready");
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    Map<String, String> guests = new LinkedHashMap<>();
    guestsCheck(ready.body())
        .path("data")
        .properties()
        .forEach(e -> guests.put(e.getKey(), e.getValue().asText()));
    assertThat(guests)
        .containsOnly(
            Map.entry("postgres", "ready"),
            Map.entry("auth-service", "ready"),
            Map.entry("forum-service", "ready"),
            Map.entry("web-ui", "ready"));

    // A WAMP login through the router: register, log in, join again with the token, and read the
    // forum (forum-service and its database) as that user.
    URI router = URI.create("ws://127.0.0.1:" + ports.get("ROUTER") + "/ws");
    String name = "local" + (System.nanoTime() % 1_000_000);
    String token;
    try (WampJsonSession anonymous = WampJsonSession.anonymous(router, "forum")) {
      assertThat(anonymous.call("forum.auth.register", name, PASSWORD).path("username").asText())
          .isEqualTo(name);
      JsonNode login = anonymous.call("forum.auth.login", name, PASSWORD);
      assertThat(login.path("user").path("username").asText()).isEqualTo(name);
      token = login.path("token").asText();
    }
    try (WampJsonSession user = WampJsonSession.ticket(router, "forum", name, token)) {
      assertThat(user.authid()).isEqualTo(name);
      assertThat(user.authrole()).isEqualTo("user");
      assertThat(user.call("forum.thread.list", 1).has("items")).isTrue();
    }

    // The secrets were generated into the state directory, readable by this user only, and never
    // written to the terminal.
    Path secrets = state.resolve("secrets.env");
    assertThat(Files.getPosixFilePermissions(secrets))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    List<String> secretValues =
        Files.readAllLines(secrets).stream()
            .filter(l -> l.startsWith("QUARKBAR_"))
            .map(l -> l.substring(l.indexOf('=') + 1))
            .toList();
    assertThat(secretValues).hasSize(2).allMatch(v -> v.length() >= 32);
    assertThat(String.join("\n", lines)).doesNotContain(secretValues.toArray(String[]::new));
    assertThat(state.resolve(".gitignore")).content().contains("*");

    // What the run started: router-service and its guests (children of the script), and the
    // PostgreSQL server, which pg_ctl detaches from them.
    started.addAll(script.descendants().toList());
    long postmaster =
        Long.parseLong(
            Files.readAllLines(state.resolve("postgres/postmaster.pid")).getFirst().trim());
    ProcessHandle.of(postmaster).ifPresent(started::add);
    assertThat(started.stream().filter(p -> command(p).endsWith("java")).count())
        .as("router-service and four guests, Java processes: %s", started)
        .isGreaterThanOrEqualTo(5);

    // Ctrl-C. A process started with SIGINT ignored (by a shell's `&`, for one) cannot trap it,
    // and the script would never hear it; SIGTERM, handled the same way, stands in then.
    String ctrlC = ignoresSigint(script.pid()) ? "TERM" : "INT";
    if (ctrlC.equals("TERM")) {
      System.err.println("LocalRunIT: this test runs with SIGINT ignored; sending SIGTERM instead");
    }
    signalGroup(ctrlC);

    assertThat(script.waitFor(STOPPED_WITHIN.toSeconds(), TimeUnit.SECONDS))
        .as("the script ends after Ctrl-C; it printed:\n%s", tail())
        .isTrue();
    assertThat(script.exitValue()).as(tail()).isZero();
    assertThat(lines).anyMatch(l -> l.contains("quarkbar.sh: stopped"));
    // The router stopped its guests, the last started first, before it stopped itself.
    assertThat(indexOf("stopping guest web-ui"))
        .isNotNegative()
        .isLessThan(indexOf("stopping guest postgres"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(started)
                    .as("processes the run started")
                    .noneMatch(ProcessHandle::isAlive));
    ports.forEach(
        (name2, port) -> assertThat(free(port)).as("port %d (%s) is free", port, name2).isTrue());
  }

  private void start(Map<String, Integer> ports) throws IOException {
    List<String> command = new ArrayList<>();
    // A session of its own, so that Ctrl-C can be sent as a terminal sends it: to the group.
    ownGroup = Files.isExecutable(Path.of("/usr/bin/setsid"));
    if (ownGroup) {
      command.add("/usr/bin/setsid");
    }
    command.add("./quarkbar.sh");
    command.add("run");
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    // As on a fresh machine: no database, no secrets given.
    env.keySet().removeIf(k -> k.startsWith("QUARKBAR_"));
    String javaHome = System.getProperty("java.home");
    env.put("JAVA_HOME", javaHome);
    env.put("PATH", Path.of(javaHome, "bin") + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("QUARKBAR_STATE_DIR", state.toString());
    ports.forEach((name, port) -> env.put("QUARKBAR_" + name + "_PORT", String.valueOf(port)));
    // Should anything be missing, build it from what this build already downloaded.
    env.put("QUARKBAR_MAVEN_ARGS", "-o");
    script = builder.start();
    Writer log = Files.newBufferedWriter(output, StandardCharsets.UTF_8);
    Thread.ofPlatform()
        .daemon()
        .name("quarkbar-run-output")
        .start(
            () -> {
              try (log;
                  BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(script.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  lines.add(line);
                  log.write(line + "\n");
                  log.flush();
                  Matcher m = READY.matcher(line);
                  if (m.find()) {
                    url.complete(m.group(1));
                  }
                }
              } catch (IOException e) {
                // The script has gone; its exit is checked elsewhere.
              }
              url.completeExceptionally(new AssertionError("the script ended without a URL line"));
            });
  }

  private String awaitUrl() throws Exception {
    try {
      return url.get(READY_WITHIN.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      throw new AssertionError(
          "no \"Quarkbar is ready: open URL\" line within "
              + READY_WITHIN
              + "; the output ends with:\n"
              + tail(),
          e);
    }
  }

  private void signalGroup(String signal) {
    String target = String.valueOf(script.pid());
    String group = ownGroup ? "-" + target : target;
    try {
      new ProcessBuilder("kill", "-" + signal, "--", group).inheritIO().start().waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether {@code pid} ignores SIGINT (bit 1 of SigIgn in /proc/PID/status). */
  private static boolean ignoresSigint(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseLong(line.substring(7).trim(), 16) & 0x2) != 0;
      }
    }
    return false;
  }

  private int indexOf(String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    return -1;
  }

  private String tail() {
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  private static String command(ProcessHandle p) {
    return p.info().command().orElse("");
  }

  private static JsonNode guestsCheck(String readiness) throws IOException {
    for (JsonNode check : JSON.readTree(readiness).path("checks")) {
      if ("guests".equals(check.path("name").asText())) {
        return check;
      }
    }
    throw new AssertionError("no guests check in " + readiness);
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static boolean free(int port) {
    // On the loopback interface (PostgreSQL, the health server) and on all (the services).
    try (ServerSocket loopback = new ServerSocket()) {
      loopback.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      return false;
    }
    try (ServerSocket any = new ServerSocket(port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
