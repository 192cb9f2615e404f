package io.quarkbar.router.guests;

import io.quarkbar.router.guests.GuestsConfig.GuestSettings;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The guests to run, checked, each after the guests it waits for; and the disabled ones. {@link
 * #of} refuses, with every mistake listed by its key, a configuration the supervisor could not
 * follow: a guest without a command, a program that is not there, an {@code after} that names no
 * guest or closes a cycle.
 *
 * @param guests the enabled guests, every one after those in its {@code after} (and otherwise by
 *     name)
 * @param disabled the names of the disabled guests
 */
record GuestPlan(List<GuestSpec> guests, List<String> disabled) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

  /**
   * The plan for {@code config}.
   *
   * @throws IllegalArgumentException naming every invalid key
   */
  static GuestPlan of(GuestsConfig config) {
    // By name, so that the order (and every message) is the same from one start to the next.
    Map<String, GuestSettings> all = new TreeMap<>(config.guests());
    List<String> problems = new ArrayList<>();
    Map<String, GuestSpec> enabled = new LinkedHashMap<>();
    List<String> disabled = new ArrayList<>();
    all.forEach(
        (name, settings) -> {
          GuestSpec spec = spec(name, settings, all, problems);
          if (settings.enabled()) {
            enabled.put(name, spec);
          } else {
            disabled.add(name);
          }
        });
    findCycle(all).ifPresent(cycle -> problems.add("router.guests: " + cycle));
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid guest configuration (see docs/guests.md):\n  - "
              + String.join("\n  - ", problems));
    }
    return new GuestPlan(startOrder(enabled), List.copyOf(disabled));
  }

  private static GuestSpec spec(
      String name, GuestSettings s, Map<String, GuestSettings> all, List<String> problems) {
    String key = "router.guests." + name;
    if (!NAME.matcher(name).matches()) {
      problems.add(key + ": a guest's name may hold letters, digits, - and _ only");
    }
    Optional<Path> directory = s.workingDirectory().map(d -> path(key, d, problems));
    directory
        .filter(d -> !Files.isDirectory(d))
        .ifPresent(
            d -> problems.add(key + ".working-directory: no directory " + d.toAbsolutePath()));
    List<String> command = new ArrayList<>();
    String program = s.command().filter(c -> !c.isBlank()).orElse(null);
    if (program == null) {
      problems.add(key + ".command: required: the program to run");
    } else {
      if (!executable(program, directory)) {
        problems.add(
            key
                + ".command: '"
                + program
                + "' is not an executable file"
                + (program.contains("/") ? "" : " on the PATH"));
      }
      command.add(program);
    }
    command.addAll(s.args().orElse(List.of()));
    Optional<URI> health = s.healthUrl().map(u -> healthUrl(key, u, problems));
    List<String> after = new ArrayList<>();
    for (String other : s.after().orElse(List.of())) {
      GuestSettings dependency = all.get(other);
      if (dependency == null) {
        problems.add(key + ".after: names '" + other + "', which is not a guest");
      } else if (dependency.enabled()) {
        after.add(other);
      }
    }
    positive(key + ".start-timeout", s.startTimeout(), problems);
    positive(key + ".stop-timeout", s.stopTimeout(), problems);
    positive(key + ".backoff.initial", s.backoff().initial(), problems);
    if (s.backoff().max().compareTo(s.backoff().initial()) < 0) {
      problems.add(key + ".backoff.max: must be at least backoff.initial");
    }
    return new GuestSpec(
        name,
        List.copyOf(command),
        directory,
        Map.copyOf(s.env()),
        health,
        List.copyOf(after),
        s.startTimeout(),
        s.restart(),
        s.backoff().initial(),
        s.backoff().max(),
        s.stopTimeout());
  }

  private static Path path(String key, String value, List<String> problems) {
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      problems.add(key + ".working-directory: '" + value + "' is not a path");
      return Path.of(".");
    }
  }

  /**
   * Whether the program can be run as the JDK runs it: a name without {@code /} is looked up on the
   * router's {@code PATH}, a relative path starts from the guest's working directory.
   */
  private static boolean executable(String program, Optional<Path> directory) {
    try {
      if (program.contains("/")) {
        Path path = Path.of(program);
        Path resolved = path.isAbsolute() ? path : directory.orElse(Path.of("")).resolve(path);
        return Files.isRegularFile(resolved) && Files.isExecutable(resolved);
      }
      String searchPath = Optional.ofNullable(System.getenv("PATH")).orElse("");
      for (String dir : searchPath.split(File.pathSeparator)) {
        Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return true;
        }
      }
      return false;
    } catch (InvalidPathException e) {
      return false;
    }
  }

  private static URI healthUrl(String key, String value, List<String> problems) {
    try {
      URI uri = URI.create(value);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return uri;
      }
    } catch (IllegalArgumentException e) {
      // Reported below, as every other bad URL.
    }
    problems.add(key + ".health-url: '" + value + "' is not an http:// or https:// URL");
    return URI.create("http://localhost/");
  }

  private static void positive(String key, Duration value, List<String> problems) {
    if (value.isNegative() || value.isZero()) {
      problems.add(key + ": must be longer than 0");
    }
  }

  /**
   * A cycle of {@code after} (enabled and disabled guests alike: enabling one must not make the
   * configuration invalid), as {@code a → b → a}; empty when there is none. Unknown names are
   * reported elsewhere.
   */
  private static Optional<String> findCycle(Map<String, GuestSettings> all) {
    Set<String> done = new HashSet<>();
    for (String start : all.keySet()) {
      Optional<String> cycle = cycleFrom(start, all, new ArrayDeque<>(), done);
      if (cycle.isPresent()) {
        return cycle;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> cycleFrom(
      String name, Map<String, GuestSettings> all, Deque<String> path, Set<String> done) {
    if (path.contains(name)) {
      List<String> cycle = new ArrayList<>(path).reversed();
      cycle = new ArrayList<>(cycle.subList(cycle.indexOf(name), cycle.size()));
      cycle.add(name);
      return Optional.of("the guests wait for each other in a cycle: " + String.join(" → ", cycle));
    }
    if (done.contains(name) || !all.containsKey(name)) {
      return Optional.empty();
    }
    path.push(name);
    for (String next : all.get(name).after().orElse(List.of())) {
      Optional<String> cycle = cycleFrom(next, all, path, done);
      if (cycle.isPresent()) {
        return cycle;
      }
    }
    path.pop();
    done.add(name);
    return Optional.empty();
  }

  /** The guests with each one after those it waits for, and otherwise by name. */
  private static List<GuestSpec> startOrder(Map<String, GuestSpec> guests) {
    List<GuestSpec> order = new ArrayList<>();
    Set<String> placed = new HashSet<>();
    while (order.size() < guests.size()) {
      for (GuestSpec g : guests.values()) {
        if (!placed.contains(g.name()) && placed.containsAll(g.after())) {
          order.add(g);
          placed.add(g.name());
          break;
        }
      }
    }
    return List.copyOf(order);
  }
}
