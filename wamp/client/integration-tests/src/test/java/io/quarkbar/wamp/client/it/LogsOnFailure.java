package io.quarkbar.wamp.client.it;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * When a test fails, prints the tail of every router and peer log of this run (they are all kept in
 * target/client-it-logs).
 */
public class LogsOnFailure implements TestWatcher {

  private static final long STARTED = ManagementFactory.getRuntimeMXBean().getStartTime();

  private static boolean ofThisRun(Path log) {
    try {
      return Files.getLastModifiedTime(log).toMillis() >= STARTED;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    Path dir = RouterServiceResource.logDir();
    try (Stream<Path> logs = Files.list(dir)) {
      logs.filter(p -> p.getFileName().toString().endsWith(".log"))
          .filter(LogsOnFailure::ofThisRun)
          .sorted()
          .forEach(
              log ->
                  System.out.printf(
                      "--- %s (tail) after %s failed ---%n%s%n",
                      log.getFileName(), context.getDisplayName(), RouterProcess.tail(log, 40)));
    } catch (IOException e) {
      System.out.println("(no logs in " + dir + ": " + e + ")");
    }
  }
}
