package io.quarkbar.wamp.router.match;

import io.quarkbar.wamp.router.config.MatchPolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Patterns (exact, prefix, wildcard) mapped to values: the one structure behind subscriptions,
 * registrations and permissions.
 *
 * <p>Lookups run on every publish and call, from any event-loop thread, without locks: exact
 * patterns live in a concurrent map, prefix and wildcard patterns in immutable arrays replaced on
 * change. Changes (subscribe, register) are rare next to lookups and are serialized by the caller.
 */
public final class UriMatcher<T> {

  private record Entry<T>(String pattern, String[] components, T value) {}

  /** Longest prefix first: the first prefix that matches is the most specific. */
  private static final Comparator<Entry<?>> PREFIX_ORDER =
      Comparator.comparingInt((Entry<?> e) -> e.pattern().length()).reversed();

  private final ConcurrentHashMap<String, T> exact = new ConcurrentHashMap<>();
  private volatile List<Entry<T>> prefixes = List.of();
  private volatile List<Entry<T>> wildcards = List.of();

  /** The value stored for exactly this pattern and policy, or {@code null}. */
  public T get(String pattern, MatchPolicy policy) {
    return switch (policy) {
      case EXACT -> exact.get(pattern);
      case PREFIX -> find(prefixes, pattern);
      case WILDCARD -> find(wildcards, pattern);
    };
  }

  /** Stores {@code value} for the pattern, replacing what was there. */
  public synchronized void put(String pattern, MatchPolicy policy, T value) {
    remove(pattern, policy);
    switch (policy) {
      case EXACT -> exact.put(pattern, value);
      case PREFIX -> prefixes = with(prefixes, new Entry<>(pattern, null, value), PREFIX_ORDER);
      case WILDCARD ->
          wildcards = with(wildcards, new Entry<>(pattern, split(pattern), value), null);
    }
  }

  /** Removes the pattern; does nothing when it is not there. */
  public synchronized void remove(String pattern, MatchPolicy policy) {
    switch (policy) {
      case EXACT -> exact.remove(pattern);
      case PREFIX -> prefixes = without(prefixes, pattern);
      case WILDCARD -> wildcards = without(wildcards, pattern);
    }
  }

  /** Calls {@code action} with the value of every pattern that matches {@code uri}. */
  public void forEachMatch(String uri, Consumer<? super T> action) {
    T e = exact.get(uri);
    if (e != null) {
      action.accept(e);
    }
    List<Entry<T>> p = prefixes;
    for (int i = 0, n = p.size(); i < n; i++) {
      if (uri.startsWith(p.get(i).pattern())) {
        action.accept(p.get(i).value());
      }
    }
    List<Entry<T>> w = wildcards;
    if (!w.isEmpty()) {
      String[] components = split(uri);
      for (Entry<T> entry : w) {
        if (matchesWildcard(entry.components(), components)) {
          action.accept(entry.value());
        }
      }
    }
  }

  /**
   * The value of the most specific pattern that matches {@code uri}, or {@code null}: an exact
   * pattern, else the longest prefix, else the wildcard pattern whose first wildcard comes latest
   * (then the next one, and so on), as rpc_pattern_based_registration.md ranks them.
   */
  public T best(String uri) {
    T e = exact.get(uri);
    if (e != null) {
      return e;
    }
    for (Entry<T> entry : prefixes) {
      if (uri.startsWith(entry.pattern())) {
        return entry.value();
      }
    }
    List<Entry<T>> w = wildcards;
    if (w.isEmpty()) {
      return null;
    }
    String[] components = split(uri);
    Entry<T> best = null;
    for (Entry<T> entry : w) {
      if (matchesWildcard(entry.components(), components)
          && (best == null || moreSpecific(entry.components(), best.components()))) {
        best = entry;
      }
    }
    return best == null ? null : best.value();
  }

  /** Whether nothing is stored. */
  public boolean isEmpty() {
    return exact.isEmpty() && prefixes.isEmpty() && wildcards.isEmpty();
  }

  /** Whether {@code pattern} under {@code policy} matches the concrete {@code uri}. */
  public static boolean matches(String pattern, MatchPolicy policy, String uri) {
    return switch (policy) {
      case EXACT -> pattern.equals(uri);
      case PREFIX -> uri.startsWith(pattern);
      case WILDCARD -> matchesWildcard(split(pattern), split(uri));
    };
  }

  private static boolean matchesWildcard(String[] pattern, String[] uri) {
    if (pattern.length != uri.length) {
      return false;
    }
    for (int i = 0; i < pattern.length; i++) {
      if (!pattern[i].isEmpty() && !pattern[i].equals(uri[i])) {
        return false;
      }
    }
    return true;
  }

  private static boolean moreSpecific(String[] a, String[] b) {
    for (int i = 0; i < a.length; i++) {
      boolean aWild = a[i].isEmpty();
      boolean bWild = b[i].isEmpty();
      if (aWild != bWild) {
        return bWild;
      }
    }
    return false;
  }

  private static String[] split(String uri) {
    return uri.split("\\.", -1);
  }

  private static <T> T find(List<Entry<T>> entries, String pattern) {
    for (Entry<T> e : entries) {
      if (e.pattern().equals(pattern)) {
        return e.value();
      }
    }
    return null;
  }

  private static <T> List<Entry<T>> with(
      List<Entry<T>> entries, Entry<T> added, Comparator<Entry<?>> order) {
    List<Entry<T>> copy = new ArrayList<>(entries);
    copy.add(added);
    if (order != null) {
      copy.sort(order);
    }
    return List.copyOf(copy);
  }

  private static <T> List<Entry<T>> without(List<Entry<T>> entries, String pattern) {
    if (find(entries, pattern) == null) {
      return entries;
    }
    List<Entry<T>> copy = new ArrayList<>(entries);
    copy.removeIf(e -> e.pattern().equals(pattern));
    return List.copyOf(copy);
  }
}
