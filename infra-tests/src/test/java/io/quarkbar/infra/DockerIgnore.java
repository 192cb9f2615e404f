package io.quarkbar.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A {@code .dockerignore}, matched as Docker matches it: patterns relative to the context root,
 * {@code *} and {@code ?} within one path segment, {@code **} across any number of them, {@code !}
 * for an exception, the last matching line deciding, and a path excluded when it or one of its
 * parent directories matches.
 */
final class DockerIgnore {

  private record Rule(Pattern pattern, boolean exception) {}

  private final List<Rule> rules;

  private DockerIgnore(List<Rule> rules) {
    this.rules = rules;
  }

  /** The rules of {@code file}; none when it does not exist. */
  static DockerIgnore read(Path file) {
    List<Rule> rules = new ArrayList<>();
    if (Files.exists(file)) {
      try {
        for (String line : Files.readAllLines(file)) {
          String text = line.strip();
          if (text.isEmpty() || text.startsWith("#")) {
            continue;
          }
          boolean exception = text.startsWith("!");
          if (exception) {
            text = text.substring(1).strip();
          }
          text = text.replaceFirst("^/+", "").replaceFirst("/+$", "");
          rules.add(new Rule(Pattern.compile(regex(text)), exception));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new DockerIgnore(rules);
  }

  /** Whether {@code path} (relative to the context root, {@code /}-separated) stays out. */
  boolean excludes(String path) {
    boolean excluded = false;
    for (Rule rule : rules) {
      if (matchesOrParentMatches(rule.pattern(), path)) {
        excluded = !rule.exception();
      }
    }
    return excluded;
  }

  private static boolean matchesOrParentMatches(Pattern pattern, String path) {
    String candidate = path;
    while (true) {
      if (pattern.matcher(candidate).matches()) {
        return true;
      }
      int slash = candidate.lastIndexOf('/');
      if (slash < 0) {
        return false;
      }
      candidate = candidate.substring(0, slash);
    }
  }

  private static String regex(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (pattern.startsWith("**/", i)) {
        regex.append("(.*/)?");
        i += 2;
      } else if (pattern.startsWith("**", i)) {
        regex.append(".*");
        i++;
      } else if (c == '*') {
        regex.append("[^/]*");
      } else if (c == '?') {
        regex.append("[^/]");
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return regex.toString();
  }
}
