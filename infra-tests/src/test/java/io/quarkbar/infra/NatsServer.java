package io.quarkbar.infra;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A NATS server as its command-line flags configure it: the official image's entrypoint runs {@code
 * nats-server} with the container's arguments when the first one is a flag, so compose's {@code
 * command:} and a Kubernetes container's {@code args:} are nats-server flags. Only flags are read:
 * a configuration file ({@code -c}) cannot be checked here, and is a problem for the checks.
 *
 * @param image the image it runs, e.g. {@code nats:2.10-alpine}
 * @param jetStream {@code -js} / {@code --jetstream}
 * @param storeDir {@code -sd} / {@code --store_dir}: where JetStream keeps its files
 * @param monitorPort {@code -m} / {@code --http_port}: the monitoring port, with {@code /healthz}
 * @param clientPort {@code -p} / {@code --port}: where clients connect, 4222 unless set
 * @param configFile {@code -c} / {@code --config}, which these checks cannot read
 */
record NatsServer(
    String image,
    boolean jetStream,
    Optional<String> storeDir,
    OptionalInt monitorPort,
    int clientPort,
    Optional<String> configFile) {

  /** The port nats-server takes clients on by default. */
  static final int DEFAULT_CLIENT_PORT = 4222;

  /** Whether {@code image} is the official NATS server image ({@code nats:TAG}). */
  static boolean isNatsImage(String image) {
    return image != null
        && (image.startsWith("nats:") || image.startsWith("docker.io/library/nats:"));
  }

  /** The server {@code args} (the container's command or args) configure in {@code image}. */
  static NatsServer parse(String image, List<String> args) {
    boolean jetStream = false;
    Optional<String> storeDir = Optional.empty();
    OptionalInt monitorPort = OptionalInt.empty();
    int clientPort = DEFAULT_CLIENT_PORT;
    Optional<String> configFile = args.isEmpty() ? Optional.of("(the image's)") : Optional.empty();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      String inline = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
      boolean takesValue =
          List.of("-sd", "--store_dir", "-m", "--http_port", "-p", "--port", "-c", "--config")
              .contains(flag);
      String value = null;
      if (takesValue) {
        value = inline != null ? inline : i + 1 < args.size() ? args.get(++i) : "";
      }
      switch (flag) {
        case "-js", "--jetstream" -> jetStream = inline == null || !inline.equals("false");
        case "-sd", "--store_dir" -> storeDir = Optional.of(value);
        case "-m", "--http_port" -> monitorPort = OptionalInt.of(Integer.parseInt(value));
        case "-p", "--port" -> clientPort = Integer.parseInt(value);
        case "-c", "--config" -> configFile = Optional.of(value);
        default -> {}
      }
    }
    return new NatsServer(image, jetStream, storeDir, monitorPort, clientPort, configFile);
  }

  /** What the checks expect of a NATS server for a router cluster, as sentences; empty: fine. */
  List<String> clusterProblems() {
    List<String> problems = new java.util.ArrayList<>();
    configFile.ifPresent(
        f ->
            problems.add(
                "runs nats-server with the configuration file "
                    + f
                    + "; pass flags instead (-js -sd /data -m 8222), which these checks read"));
    if (!jetStream) {
      problems.add(
          "runs nats-server without JetStream (-js): the cluster keeps its registrations in a"
              + " JetStream key-value bucket (docs/cluster.md)");
    }
    if (storeDir.isEmpty()) {
      problems.add(
          "gives JetStream no store directory (-sd DIR), so its files are not on a volume");
    }
    if (monitorPort.isEmpty()) {
      problems.add("has no monitoring port (-m 8222), which its health check asks");
    }
    return problems;
  }

  /** The health endpoint that answers OK only once JetStream runs. */
  String healthPath() {
    return "/healthz?js-enabled-only=true";
  }
}
