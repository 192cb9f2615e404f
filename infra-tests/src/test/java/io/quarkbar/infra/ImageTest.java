package io.quarkbar.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * infra/docker/Dockerfile and .dockerignore, checked as a clean clone would build them: every file
 * a {@code COPY} takes is in the build context (or is the output of a module the build stage
 * packages), the context holds every source the Maven build needs and no secret, every application
 * has a non-root image target, and every base image has a pinned tag.
 */
class ImageTest {

  private static final Path DOCKERFILE = Repository.path("infra/docker/Dockerfile");
  private static final Pattern PROJECTS = Pattern.compile("-pl\\s+(\\S+)");

  private final Dockerfile dockerfile = Dockerfile.parse(DOCKERFILE);
  private final DockerIgnore ignore = Repository.dockerIgnore();
  private final Problems problems = new Problems();

  @Test
  void everyCopySourceIsInTheContextOrBuiltByTheBuildStage() {
    List<String> built = builtModules();
    for (Dockerfile.Stage stage : dockerfile.stages().values()) {
      for (Dockerfile.Copy copy : stage.copies()) {
        for (String source : copy.sources()) {
          String where = "Dockerfile line " + copy.line() + " (stage " + stage.name() + ")";
          if (copy.from().isEmpty()) {
            checkInContext(source.equals(".") ? "" : source.replaceFirst("/$", ""), where);
            continue;
          }
          Optional<Dockerfile.Stage> from = dockerfile.stage(copy.from().get());
          if (from.isEmpty()) {
            continue; // a file of another image, e.g. node's: not ours to check
          }
          Optional<String> path =
              dockerfile.contextPathOf(from.get(), source.replaceFirst("/$", ""));
          if (path.isEmpty()) {
            problems.add(
                "%s copies %s from stage %s, where no COPY put it",
                where, source, from.get().name());
            continue;
          }
          Matcher output = Pattern.compile("(.+?)/target/.*").matcher(path.get());
          if (output.matches()) {
            String module = output.group(1);
            problems.check(
                built.contains(module) && producesQuarkusApp(module),
                "%s copies %s, the build output of %s, which the build stage's `./mvnw -pl %s`"
                    + " does not package as a Quarkus application",
                where,
                source,
                module,
                String.join(",", built));
          } else {
            checkInContext(path.get(), where);
          }
        }
      }
    }
    problems.assertNone();
  }

  @Test
  void theBuildStagePackagesEveryApplicationOfTheReactor() {
    List<String> built = builtModules();
    List<String> modules = Repository.modules();
    for (String app : Repository.APPS) {
      problems.check(
          built.contains(app),
          "the build stage of %s does not package %s (add it to -pl)",
          Repository.ROOT.relativize(DOCKERFILE),
          app);
    }
    for (String module : built) {
      problems.check(
          modules.contains(module),
          "the build stage packages %s, which is not a module of the root pom.xml",
          module);
    }
    problems.assertNone();
  }

  @Test
  void theContextHoldsTheSourcesAndNeitherBuildOutputNorSecrets() {
    List<String> needed =
        new ArrayList<>(List.of("pom.xml", "mvnw", ".mvn/wrapper/maven-wrapper.properties"));
    for (String module : Repository.modules()) {
      needed.add(module + "/pom.xml");
      needed.addAll(sources(module));
    }
    for (String path : needed) {
      problems.check(
          !ignore.excludes(path),
          ".dockerignore keeps %s out of the build context; the build needs it",
          path);
    }
    for (String path :
        List.of(
            ".env",
            "infra/k8s/base/secrets.env",
            ".git/HEAD",
            "router-service/target/quarkus-app/quarkus-run.jar",
            "wamp/client/runtime/target/classes/x.class",
            "web-ui/src/main/frontend/node_modules/autobahn-browser/package.json")) {
      problems.check(ignore.excludes(path), ".dockerignore lets %s into the build context", path);
    }
    problems.assertNone();
  }

  @Test
  void everyApplicationHasAnImageTargetThatRunsAsAnUnprivilegedUser() {
    for (String app : Repository.APPS) {
      Optional<Dockerfile.Stage> stage = dockerfile.stage(app);
      if (stage.isEmpty()) {
        problems.add("%s has no target %s", Repository.ROOT.relativize(DOCKERFILE), app);
        continue;
      }
      String user = stage.get().user().orElse("root");
      problems.check(
          user.matches("[1-9][0-9]*(:[0-9]+)?"),
          "image target %s runs as %s; use a numeric non-root USER, which Kubernetes'"
              + " runAsNonRoot can check",
          app,
          user);
    }
    problems.assertNone();
  }

  @Test
  void everyBaseImageHasAPinnedTag() {
    List<String> images = new ArrayList<>();
    for (Dockerfile.Stage stage : dockerfile.stages().values()) {
      if (!dockerfile.stages().containsKey(stage.base())) {
        images.add(stage.base());
      }
      stage.copies().stream()
          .flatMap(c -> c.from().stream())
          .filter(from -> !dockerfile.stages().containsKey(from))
          .forEach(images::add);
    }
    Repository.composeCluster().services().values().stream()
        .filter(s -> s.build().isEmpty())
        .flatMap(s -> s.image().stream())
        .forEach(images::add);
    for (String image : images) {
      String tag = image.contains(":") ? image.substring(image.lastIndexOf(':') + 1) : "";
      problems.check(
          !tag.isEmpty() && !tag.equals("latest"),
          "image %s has no pinned tag (latest changes under you)",
          image);
    }
    problems.assertNone();
  }

  private void checkInContext(String path, String where) {
    Path file = Repository.ROOT.resolve(path.isEmpty() ? "." : path);
    problems.check(Files.exists(file), "%s copies %s, which is not in the repository", where, path);
    problems.check(
        path.isEmpty() || !ignore.excludes(path),
        "%s copies %s, which .dockerignore keeps out of the build context",
        where,
        path);
  }

  /** The modules the build stage's Maven command packages ({@code -pl a,b,c}). */
  private List<String> builtModules() {
    for (Dockerfile.Stage stage : dockerfile.stages().values()) {
      for (String run : stage.runs()) {
        Matcher projects = PROJECTS.matcher(run);
        if (run.contains("mvnw") && projects.find()) {
          return List.of(projects.group(1).split(","));
        }
      }
    }
    problems.add("no stage of %s runs ./mvnw -pl ...", Repository.ROOT.relativize(DOCKERFILE));
    return List.of();
  }

  private static boolean producesQuarkusApp(String module) {
    String pom = Repository.read(Repository.path(module + "/pom.xml"));
    return pom.contains("<artifactId>quarkus-maven-plugin</artifactId>")
        && pom.contains("<goal>build</goal>");
  }

  /** The files under a module's src/ (installed npm packages aside), relative to the root. */
  private static List<String> sources(String module) {
    Path src = Repository.path(module + "/src");
    if (!Files.isDirectory(src)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(src)) {
      return files
          .filter(Files::isRegularFile)
          .map(f -> Repository.ROOT.relativize(f).toString().replace('\\', '/'))
          .filter(f -> !f.contains("/node_modules/"))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
