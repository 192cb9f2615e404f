package io.quarkbar.router.guests;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Starts the configured guest processes once the router is ready, each after the guests it waits
 * for are ready; restarts them per their policy, with backoff; and stops them, in the reverse order
 * of their start, before the router ends its sessions. Does nothing unless {@code router.guests}
 * names some.
 *
 * <p>Threads: one thread of its own ({@code guest-supervisor}) makes every decision, so a guest's
 * state changes in one place only; it never waits on a process or a socket: exits and health
 * answers come back to it as tasks. Each guest has two more threads that copy its output into the
 * log. The shutdown stops that thread first, then the processes, one by one.
 */
@ApplicationScoped
public class GuestSupervisor {

  private static final Logger LOG = Logger.getLogger(GuestSupervisor.class);

  private static final Duration HEALTH_POLL_INTERVAL = Duration.ofMillis(500);
  private static final Duration HEALTH_REQUEST_TIMEOUT = Duration.ofSeconds(2);

  @Inject GuestsConfig config;

  /** In start order; set once at start-up. */
  private volatile List<Guest> guests = List.of();

  private volatile List<String> disabled = List.of();

  /** The guests in the order they first started, for stopping in the reverse one. */
  private final List<Guest> started = new ArrayList<>();

  private volatile ScheduledExecutorService supervisor;

  /** Hands a task to the supervisor's thread, or drops it once that has stopped (shutdown). */
  private final Executor onSupervisor = this::run;

  private HttpClient http;

  /**
   * Checks the configuration and starts the guests that wait for no one. Observes start-up after
   * the router's own observers (default priority), so the WebSocket endpoint already takes
   * sessions; the guests start in the background, and readiness ({@code guests}) says when all are
   * ready.
   *
   * @throws IllegalArgumentException for a configuration with mistakes, naming each: the router
   *     does not start
   */
  void start(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) StartupEvent event) {
    GuestPlan plan = GuestPlan.of(config);
    disabled = plan.disabled();
    for (String name : disabled) {
      LOG.infof("guest %s is disabled (router.guests.%s.enabled is false)", name, name);
    }
    if (plan.guests().isEmpty()) {
      return;
    }
    guests = plan.guests().stream().map(Guest::new).toList();
    supervisor =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("guest-supervisor").factory());
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(HEALTH_REQUEST_TIMEOUT)
            .build();
    LOG.infof("starting guests: %s", String.join(", ", guests.stream().map(Guest::name).toList()));
    run(this::startWaitingGuests);
  }

  /**
   * Stops every guest before the router says GOODBYE to its sessions (RouterLifecycle observes the
   * same event at the default priority, a higher number), so that services leave while the router
   * still serves them, and their last words reach it.
   */
  void stop(@Observes @Priority(Interceptor.Priority.APPLICATION) ShutdownEvent event) {
    stopAll();
  }

  /**
   * Stops the supervision, then every guest that runs, in the reverse order of their first start:
   * SIGTERM, and SIGKILL for one still there after its stop timeout. Returns when all are gone.
   */
  synchronized void stopAll() {
    ScheduledExecutorService s = supervisor;
    if (s == null) {
      return;
    }
    supervisor = null;
    s.shutdownNow();
    try {
      // The task running now (it never blocks for long) finishes; none runs after it.
      if (!s.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("the guest supervisor did not stop within 10s; stopping the guests anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    http.shutdownNow();
    List<Guest> order = new ArrayList<>(started.reversed());
    guests.stream().filter(g -> !order.contains(g)).forEach(order::add);
    order.forEach(Guest::stop);
  }

  /** Each guest's state, in start order; the disabled ones last. Empty without guests. */
  public Map<String, GuestState> states() {
    Map<String, GuestState> states = new LinkedHashMap<>();
    guests.forEach(g -> states.put(g.name(), g.state()));
    disabled.forEach(name -> states.put(name, GuestState.DISABLED));
    return states;
  }

  /** Whether every enabled guest is ready (true without guests). */
  public boolean allReady() {
    return guests.stream().allMatch(g -> g.state() == GuestState.READY);
  }

  // Everything below runs on the supervisor's thread.

  private void startWaitingGuests() {
    for (Guest g : guests) {
      if (g.state() == GuestState.WAITING
          && g.spec.after().stream().allMatch(name -> guest(name).state() == GuestState.READY)) {
        launch(g);
      }
    }
  }

  private void launch(Guest g) {
    g.state(GuestState.STARTING);
    Process p;
    try {
      p = g.start();
    } catch (IOException e) {
      LOG.errorf("guest %s could not be started: %s", g.name(), e.getMessage());
      ended(g, "could not be started", true);
      return;
    }
    if (!started.contains(g)) {
      started.add(g);
    }
    // Its last lines (often the reason it exited) reach the log before the line that says it did;
    // waiting for them is done off the supervisor's thread, which never blocks.
    p.onExit().thenRunAsync(g::ended).thenRunAsync(() -> exited(g, p), onSupervisor);
    if (g.spec.healthUrl().isEmpty()) {
      ready(g);
      return;
    }
    pollHealth(g, p, g.spec.healthUrl().get());
    later(() -> checkStartTimeout(g, p), g.spec.startTimeout());
  }

  private void pollHealth(Guest g, Process p, URI url) {
    HttpRequest request = HttpRequest.newBuilder(url).timeout(HEALTH_REQUEST_TIMEOUT).build();
    http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .whenCompleteAsync(
            (response, failure) -> {
              if (g.process() != p || g.state() != GuestState.STARTING) {
                return;
              }
              if (response != null && response.statusCode() / 100 == 2) {
                ready(g);
              } else {
                later(() -> pollHealth(g, p, url), HEALTH_POLL_INTERVAL);
              }
            },
            onSupervisor);
  }

  private void checkStartTimeout(Guest g, Process p) {
    if (g.process() != p || g.state() != GuestState.STARTING || !p.isAlive()) {
      return;
    }
    LOG.warnf(
        "guest %s is not ready within %s (%s does not answer 2xx): SIGTERM",
        g.name(), human(g.spec.startTimeout()), g.spec.healthUrl().orElseThrow());
    g.timedOut = true;
    g.terminate();
    later(() -> g.kill(p), g.spec.stopTimeout());
  }

  private void ready(Guest g) {
    g.state(GuestState.READY);
    LOG.infof("guest %s is ready (%s after its start)", g.name(), human(g.uptime()));
    if (allReady()) {
      LOG.infof("all %d guests are ready", guests.size());
    }
    startWaitingGuests();
  }

  private void exited(Guest g, Process p) {
    if (g.process() != p) {
      return;
    }
    Duration ran = g.uptime();
    int status = p.exitValue();
    String how = "exited with status " + status + " after " + human(ran);
    if (g.timedOut) {
      how += ", stopped for not becoming ready";
    }
    if (ran.compareTo(g.spec.backoffMax()) > 0) {
      g.failures = 0;
    }
    ended(g, how, status != 0 || g.timedOut);
  }

  /** Restarts the guest after the backoff, or leaves it stopped or failed, per its policy. */
  private void ended(Guest g, String how, boolean failed) {
    boolean restart =
        switch (g.spec.restart()) {
          case NEVER -> false;
          case ON_FAILURE -> failed;
          case ALWAYS -> true;
        };
    String policy =
        "restart: " + g.spec.restart().name().toLowerCase(Locale.ROOT).replace('_', '-');
    if (restart) {
      Duration delay = g.spec.backoff(g.failures++);
      g.state(GuestState.RESTARTING);
      LOG.warnf("guest %s %s; restarting in %s (%s)", g.name(), how, human(delay), policy);
      later(() -> launch(g), delay);
      return;
    }
    g.state(failed ? GuestState.FAILED : GuestState.STOPPED);
    if (failed) {
      LOG.errorf("guest %s %s; not restarted (%s)", g.name(), how, policy);
    } else {
      LOG.infof("guest %s %s; not restarted (%s)", g.name(), how, policy);
    }
    for (Guest waiting : guests) {
      if (waiting.state() == GuestState.WAITING && waiting.spec.after().contains(g.name())) {
        LOG.errorf(
            "guest %s will not start: it waits for %s, which is %s",
            waiting.name(), g.name(), g.state());
      }
    }
  }

  private Guest guest(String name) {
    return guests.stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
  }

  private void later(Runnable task, Duration delay) {
    ScheduledExecutorService s = supervisor;
    if (s == null) {
      return;
    }
    try {
      s.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException stopping) {
      // The router is shutting down: the guests are being stopped, nothing more to decide.
    }
  }

  private void run(Runnable task) {
    later(task, Duration.ZERO);
  }

  /** A duration as people write it: {@code 250ms}, {@code 1.5s}, {@code 30s}. */
  static String human(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + "ms";
    }
    if (ms % 1000 == 0) {
      return (ms / 1000) + "s";
    }
    return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
  }
}
