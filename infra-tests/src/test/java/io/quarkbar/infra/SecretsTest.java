package io.quarkbar.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Secrets come from .env (compose) or secrets.env (Kubernetes), never from a committed file:
 * docker-compose.yml and docker-compose.cluster.yml take each one from .env, .env.example lists
 * exactly the variables it takes and holds no value, and git, the image build and the Kustomize
 * generator keep the real files where they belong.
 */
class SecretsTest {

  /** docker-compose.yml with its override: together they take what .env must hold. */
  private final ComposeFile compose = Repository.composeCluster();

  private final Map<String, String> example = Repository.envExample();
  private final Problems problems = new Problems();

  @Test
  void envExampleListsExactlyTheVariablesComposeTakesFromEnv() {
    Set<String> used = compose.interpolatedVariables();
    for (String variable : used) {
      problems.check(
          example.containsKey(variable),
          "%s takes ${%s} from .env, but .env.example does not list it",
          compose.name(),
          variable);
    }
    for (String variable : example.keySet()) {
      problems.check(
          used.contains(variable),
          ".env.example lists %s, which %s does not use",
          variable,
          compose.name());
    }
    problems.assertNone();
  }

  @Test
  void envExampleHoldsNoValues() {
    example.forEach(
        (variable, value) ->
            problems.check(
                value.isEmpty(),
                ".env.example gives %s a value; leave it empty, so that compose refuses to start"
                    + " until a real one is generated",
                variable));
    problems.assertNone();
  }

  @Test
  void everyValueComposeTakesFromEnvIsRequired() throws IOException {
    // ${VAR:?message} stops `docker compose up` with the message; ${VAR} would start with "".
    for (Path file : compose.files()) {
      String text = Files.readString(file);
      for (String variable : compose.interpolatedVariables()) {
        problems.check(
            !text.contains("${" + variable + "}") && !text.contains("${" + variable + ":-"),
            "%s takes %s from .env without :? (${%s:?message}); an unset secret would start the"
                + " platform with an empty one",
            file.getFileName(),
            variable,
            variable);
      }
    }
    problems.assertNone();
  }

  @Test
  void theRealSecretFilesStayOutOfGitAndOfTheImages() throws Exception {
    DockerIgnore dockerIgnore = Repository.dockerIgnore();
    for (String file : new String[] {".env", "infra/k8s/base/secrets.env"}) {
      problems.check(dockerIgnore.excludes(file), ".dockerignore must exclude %s", file);
    }
    problems.assertNone();

    assumeTrue(
        Files.exists(Repository.path(".git")),
        "not a git clone: .gitignore cannot be checked with git check-ignore");
    for (String file : new String[] {".env", "infra/k8s/base/secrets.env"}) {
      Process git =
          new ProcessBuilder("git", "check-ignore", "--no-index", "--quiet", file)
              .directory(Repository.ROOT.toFile())
              .redirectErrorStream(true)
              .start();
      assertThat(git.waitFor(30, TimeUnit.SECONDS)).as("git check-ignore finished").isTrue();
      assertThat(git.exitValue()).as("git check-ignore %s: .gitignore must list it", file).isZero();
    }
  }
}
