package io.quarkbar.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One application as a deployment runs it: the image stage it runs (with the environment the image
 * sets), the environment the deployment adds, and the application's configuration as it reads it
 * then, including the files {@code QUARKUS_CONFIG_LOCATIONS} names. Values from a secret store read
 * {@code <.env VAR>} (compose) or {@code <secret NAME/KEY>} (Kubernetes).
 *
 * @param app the application (its module and image target)
 * @param workload what runs it, as the network names it: the compose service ({@code
 *     router-service-2}) or the Kubernetes Deployment
 * @param where how messages name it, e.g. {@code compose service auth-service}
 */
record Deployed(
    String app,
    String workload,
    String where,
    Dockerfile.Stage stage,
    Map<String, String> deploymentEnv,
    AppConfig config) {

  /**
   * The application {@code app} run from {@code stage} of {@code dockerfile} with {@code
   * deploymentEnv}; a configuration file that the image does not hold is a problem.
   */
  static Deployed of(
      String app,
      String workload,
      String where,
      Dockerfile dockerfile,
      Dockerfile.Stage stage,
      Map<String, String> deploymentEnv,
      Problems problems) {
    Map<String, String> environment = new LinkedHashMap<>(stage.env());
    environment.putAll(deploymentEnv);
    List<Path> extraFiles = new ArrayList<>();
    String locations = environment.get("QUARKUS_CONFIG_LOCATIONS");
    if (locations != null) {
      for (String location : locations.split(",")) {
        String path = location.strip().replaceFirst("^file:", "");
        Optional<String> source =
            dockerfile.contextPathOf(
                stage, path.startsWith("/") ? path : stage.workdir() + "/" + path);
        Path file = source.map(Repository::path).orElse(null);
        if (file == null || !Files.isRegularFile(file)) {
          problems.add(
              "%s: QUARKUS_CONFIG_LOCATIONS names %s, but no COPY in image target %s of %s puts a"
                  + " file of the repository there",
              where, path, stage.name(), Repository.ROOT.relativize(dockerfile.file()));
        } else {
          extraFiles.add(file);
        }
      }
    }
    return new Deployed(
        app,
        workload,
        where,
        stage,
        deploymentEnv,
        AppConfig.read(Repository.ROOT, app, extraFiles));
  }

  /** The image's environment with the deployment's on top. */
  Map<String, String> environment() {
    Map<String, String> environment = new LinkedHashMap<>(stage.env());
    environment.putAll(deploymentEnv);
    return environment;
  }

  /** The value of a configuration key as the application sees it here. */
  Optional<String> resolve(String key) {
    return config.resolve(key, environment());
  }

  int httpPort() {
    return config.httpPort(environment());
  }

  String healthPath(String check) {
    return config.healthPath(check, environment());
  }
}
