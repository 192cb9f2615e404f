package io.quarkbar.router.guests;

import java.util.Locale;

/** Where a guest is in its life, as the readiness check shows it. */
public enum GuestState {
  /** Not started yet: waits for the guests in its {@code after} to be ready. */
  WAITING,
  /** Started; its health URL does not answer 2xx yet. */
  STARTING,
  /** Started and, with a health URL, answered 2xx once. */
  READY,
  /** Exited; to be started again after the backoff. */
  RESTARTING,
  /** Exited with status 0 and not restarted, or stopped with the router. */
  STOPPED,
  /** Exited with a failure and not restarted ({@code restart: never}). */
  FAILED,
  /** Switched off in the configuration ({@code enabled: false}). */
  DISABLED;

  /** The state as the health check and the log write it: {@code restarting}. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
