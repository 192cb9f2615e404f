package io.quarkbar.platform;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/** Shows what the platform's processes logged last when a test fails. */
public final class PlatformLogsOnFailure implements TestWatcher {

  private static volatile Platform watched;

  /** The platform whose logs a failure shows. */
  public static void watch(Platform platform) {
    watched = platform;
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    Platform p = watched;
    if (p != null) {
      System.err.println(
          "---- "
              + context.getDisplayName()
              + " failed; the platform's logs end with:\n"
              + p.logs());
    }
  }
}
