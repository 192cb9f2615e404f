package io.quarkbar.wamp.client.it;

import io.quarkbar.testing.processes.AppProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The packaged router-service running as a child process ({@link AppProcess}) on a free port, with
 * a YAML config file and environment variables of the test's choosing.
 */
final class RouterProcess implements AutoCloseable {

  private final AppProcess app;

  private RouterProcess(AppProcess app) {
    this.app = app;
  }

  /**
   * Starts {@code runJar} with {@code configFile} and {@code env} added to this JVM's environment
   * (the secrets the config file references as {@code ${VAR}}: a process's environment is not on
   * its command line, which any user of the machine can read), and waits until it is ready.
   */
  static RouterProcess start(Path runJar, Path configFile, Map<String, String> env, Path log) {
    AppProcess.Builder router =
        AppProcess.builder("router-service", runJar)
            .systemProperty("quarkus.config.locations", configFile.toAbsolutePath().toString())
            .log(log);
    env.forEach(router::env);
    return new RouterProcess(router.start());
  }

  String webSocketUrl() {
    return "ws://127.0.0.1:" + app.port() + "/ws";
  }

  /** The last {@code lines} lines of a log file, for a failure message. */
  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(" + file + " unreadable: " + e + ")";
    }
  }

  @Override
  public void close() {
    app.close();
  }
}
