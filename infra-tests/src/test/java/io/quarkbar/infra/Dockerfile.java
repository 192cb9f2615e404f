package io.quarkbar.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dockerfile as its stages: for each, the image or stage it starts from, its working directory,
 * environment, {@code COPY}s, {@code EXPOSE}d ports, {@code USER} and {@code RUN} commands, with
 * what a stage inherits from the stage it starts from. Enough of the syntax for what
 * infra/docker/Dockerfile uses; an instruction it does not know fails the parse, so that this stays
 * honest.
 */
final class Dockerfile {

  /** One {@code COPY}: from the build context ({@code from} empty), a stage, or an image. */
  record Copy(Optional<String> from, List<String> sources, String destination, int line) {}

  /** One stage, with what it inherits already applied. */
  record Stage(
      String name,
      String base,
      Optional<Stage> parent,
      String workdir,
      Map<String, String> env,
      List<Copy> copies,
      List<Integer> exposed,
      Optional<String> user,
      List<String> runs) {

    /** Every {@code COPY} of this stage and the stages it starts from. */
    List<Copy> allCopies() {
      List<Copy> all = new ArrayList<>(parent.map(Stage::allCopies).orElse(List.of()));
      all.addAll(copies);
      return all;
    }
  }

  private static final Pattern INSTRUCTION = Pattern.compile("(?s)([A-Za-z]+)\\s+(.*)");
  private static final Pattern FLAG = Pattern.compile("--([a-z-]+)=(\\S+)");

  private final Path file;
  private final Map<String, Stage> stages = new LinkedHashMap<>();

  private Dockerfile(Path file) {
    this.file = file;
  }

  /** Parses {@code file}. */
  static Dockerfile parse(Path file) {
    Dockerfile dockerfile = new Dockerfile(file);
    try {
      dockerfile.read(Files.readAllLines(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dockerfile;
  }

  Path file() {
    return file;
  }

  Map<String, Stage> stages() {
    return stages;
  }

  Optional<Stage> stage(String name) {
    return Optional.ofNullable(stages.get(name));
  }

  /**
   * The file of the build context that is at {@code path} in {@code stage}'s file system, following
   * {@code COPY}s through earlier stages ({@code COPY . .} in a build stage maps everything below
   * its working directory). Empty when no {@code COPY} puts anything there.
   */
  Optional<String> contextPathOf(Stage stage, String path) {
    List<Copy> copies = stage.allCopies();
    for (Copy copy : copies.reversed()) {
      String destination = absolute(stage.workdir(), copy.destination());
      for (String source : copy.sources()) {
        Optional<String> below = below(path, destination, source, copy.sources().size() > 1);
        if (below.isEmpty()) {
          continue;
        }
        if (copy.from().isEmpty()) {
          return below;
        }
        Stage from = stages.get(copy.from().get());
        return from == null ? Optional.empty() : contextPathOf(from, below.get());
      }
    }
    return Optional.empty();
  }

  /**
   * Where {@code path} comes from when {@code source} was copied to {@code destination}, or empty
   * when that copy does not put it there. A source that is {@code .} or ends with {@code /} is a
   * directory whose contents are copied; any other is a file.
   */
  private static Optional<String> below(
      String path, String destination, String source, boolean severalSources) {
    String sourcePath = source.equals(".") ? "" : trimSlash(source);
    if (source.equals(".") || source.endsWith("/")) {
      String root = trimSlash(destination);
      String prefix = root.equals("/") ? "/" : root + "/";
      if (path.equals(root)) {
        return Optional.of(sourcePath.isEmpty() ? "." : sourcePath);
      }
      if (!path.startsWith(prefix)) {
        return Optional.empty();
      }
      String rest = path.substring(prefix.length());
      return Optional.of(sourcePath.isEmpty() ? rest : sourcePath + "/" + rest);
    }
    String target =
        severalSources || destination.endsWith("/")
            ? trimSlash(destination) + "/" + lastSegment(source)
            : destination;
    return path.equals(target) ? Optional.of(sourcePath) : Optional.empty();
  }

  private void read(List<String> lines) {
    StringBuilder instruction = new StringBuilder();
    int startLine = 0;
    Builder current = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (instruction.isEmpty() && (line.isBlank() || line.strip().startsWith("#"))) {
        continue;
      }
      if (instruction.isEmpty()) {
        startLine = i + 1;
      } else if (line.strip().startsWith("#")) {
        continue;
      }
      if (line.endsWith("\\")) {
        instruction.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      instruction.append(line);
      current = apply(current, instruction.toString().strip(), startLine);
      instruction.setLength(0);
    }
    if (current != null) {
      current.finish();
    }
  }

  private Builder apply(Builder current, String text, int line) {
    Matcher matcher = INSTRUCTION.matcher(text);
    if (!matcher.matches()) {
      throw new IllegalStateException(file + ":" + line + ": cannot read " + text);
    }
    String keyword = matcher.group(1).toUpperCase();
    String arguments = matcher.group(2).strip();
    if (keyword.equals("FROM")) {
      if (current != null) {
        current.finish();
      }
      String[] words = arguments.split("\\s+");
      String name = words.length == 3 && words[1].equalsIgnoreCase("AS") ? words[2] : null;
      return new Builder(name, words[0], stages.get(words[0]));
    }
    if (current == null) {
      throw new IllegalStateException(file + ":" + line + ": " + keyword + " before FROM");
    }
    switch (keyword) {
      case "WORKDIR" -> current.workdir = absolute(current.workdir, arguments);
      case "ENV" -> current.env.putAll(envPairs(arguments));
      case "COPY" -> current.copies.add(copy(arguments, line));
      case "EXPOSE" -> {
        for (String port : arguments.split("\\s+")) {
          current.exposed.add(Integer.parseInt(port.replaceFirst("/tcp$", "")));
        }
      }
      case "USER" -> current.user = Optional.of(arguments);
      case "RUN" -> current.runs.add(arguments);
      case "CMD", "ENTRYPOINT", "LABEL", "ARG", "HEALTHCHECK" -> {}
      default ->
          throw new IllegalStateException(
              file + ":" + line + ": " + keyword + " is not supported by this reader; extend it");
    }
    return current;
  }

  private Copy copy(String arguments, int line) {
    Optional<String> from = Optional.empty();
    String rest = arguments;
    while (rest.startsWith("--")) {
      Matcher flag = FLAG.matcher(rest);
      if (!flag.lookingAt()) {
        throw new IllegalStateException(file + ":" + line + ": cannot read COPY " + arguments);
      }
      if (flag.group(1).equals("from")) {
        from = Optional.of(flag.group(2));
      }
      rest = rest.substring(flag.end()).strip();
    }
    List<String> words = List.of(rest.split("\\s+"));
    return new Copy(from, words.subList(0, words.size() - 1), words.getLast(), line);
  }

  /** {@code ENV A=1 B="x y"}, and the old {@code ENV A 1}. */
  private static Map<String, String> envPairs(String arguments) {
    Map<String, String> pairs = new LinkedHashMap<>();
    Matcher pair =
        Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"([^\"]*)\"|\\S*)").matcher(arguments);
    boolean any = false;
    while (pair.find()) {
      any = true;
      pairs.put(pair.group(1), pair.group(3) != null ? pair.group(3) : pair.group(2));
    }
    if (!any) {
      String[] words = arguments.split("\\s+", 2);
      pairs.put(words[0], words.length > 1 ? words[1] : "");
    }
    return pairs;
  }

  private static String absolute(String workdir, String path) {
    if (path.startsWith("/")) {
      return path;
    }
    String base = trimSlash(workdir);
    String relative = path.equals(".") || path.equals("./") ? "" : path.replaceFirst("^\\./", "");
    return relative.isEmpty() ? (base.isEmpty() ? "/" : base) : base + "/" + relative;
  }

  private static String trimSlash(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static String lastSegment(String path) {
    String trimmed = trimSlash(path);
    return trimmed.substring(trimmed.lastIndexOf('/') + 1);
  }

  /** A stage while its instructions are read. */
  private final class Builder {
    final String name;
    final String base;
    final Optional<Stage> parent;
    String workdir;
    final Map<String, String> env;
    final List<Copy> copies = new ArrayList<>();
    final List<Integer> exposed;
    Optional<String> user;
    final List<String> runs = new ArrayList<>();

    Builder(String name, String base, Stage parent) {
      this.name = name;
      this.base = base;
      this.parent = Optional.ofNullable(parent);
      this.workdir = parent == null ? "/" : parent.workdir();
      this.env = new LinkedHashMap<>(parent == null ? Map.of() : parent.env());
      this.exposed = new ArrayList<>(parent == null ? List.of() : parent.exposed());
      this.user = parent == null ? Optional.empty() : parent.user();
    }

    void finish() {
      String key = name != null ? name : "#" + stages.size();
      stages.put(
          key,
          new Stage(
              key,
              base,
              parent,
              workdir,
              Map.copyOf(env),
              List.copyOf(copies),
              List.copyOf(exposed),
              user,
              List.copyOf(runs)));
    }
  }
}
