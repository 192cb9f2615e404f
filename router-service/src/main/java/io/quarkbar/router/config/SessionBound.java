package io.quarkbar.router.config;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * How many sessions this router process can hold: {@code router.limits.max-sessions}, or fewer when
 * the process may not open enough files for that many connections.
 *
 * <p>Every connection is a file descriptor. A process that runs out of them cannot accept even the
 * connection it would refuse: Netty logs "Too many open files" on every attempt and new clients
 * wait for a handshake that never comes (measured here, where a process may open 20,000 files: at
 * 19,961 sessions, 30 s handshake timeouts). So the bound is the open-files limit, less the files
 * open at start-up (the JVM's own, jars, listening sockets) and {@code
 * router.limits.reserved-files} kept for what else needs one: health checks and metrics scrapes,
 * outgoing connections, clients being told 503 or ABORT.
 *
 * @param sessions the bound the router enforces
 * @param configured {@code router.limits.max-sessions}
 * @param openFilesLimit the process' open-files limit (its soft limit, which the JVM raises to the
 *     hard one at start-up), empty where the platform does not tell
 * @param openAtStart files open when the bound was computed
 * @param reserved {@code router.limits.reserved-files}
 */
public record SessionBound(
    int sessions, int configured, OptionalLong openFilesLimit, long openAtStart, int reserved) {

  /** The bound for this process, read from the operating system. */
  public static SessionBound forThisProcess(int configured, int reserved) {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof UnixOperatingSystemMXBean unix && unix.getMaxFileDescriptorCount() > 0) {
      return of(
          configured,
          OptionalLong.of(unix.getMaxFileDescriptorCount()),
          Math.max(0, unix.getOpenFileDescriptorCount()),
          reserved);
    }
    return of(configured, OptionalLong.empty(), 0, reserved);
  }

  /** The bound for a process with {@code openFilesLimit} of which {@code openNow} are in use. */
  static SessionBound of(int configured, OptionalLong openFilesLimit, long openNow, int reserved) {
    long room =
        openFilesLimit.isPresent() ? openFilesLimit.getAsLong() - openNow - reserved : configured;
    int sessions = (int) Math.max(0, Math.min(configured, room));
    return new SessionBound(sessions, configured, openFilesLimit, openNow, reserved);
  }

  /** Whether the open-files limit, not the configuration, sets the bound. */
  public boolean limitedByFiles() {
    return sessions < configured;
  }

  /** A sentence for the log: the bound and where it comes from. */
  public String describe() {
    if (!limitedByFiles()) {
      return String.format(
          Locale.ROOT, "at most %d sessions (router.limits.max-sessions)", sessions);
    }
    return String.format(
        Locale.ROOT,
        "at most %d sessions, fewer than router.limits.max-sessions (%d): the process may open %d"
            + " files, %d are open, and router.limits.reserved-files keeps %d free; raise the"
            + " open-files limit (ulimit -n, LimitNOFILE, ulimits in compose) for more",
        sessions,
        configured,
        openFilesLimit.getAsLong(),
        openAtStart,
        reserved);
  }
}
