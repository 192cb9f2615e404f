package io.quarkbar.infra;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;

/**
 * The router as a cluster of nodes over NATS (docs/cluster.md), checked the same way in compose and
 * Kubernetes: as soon as more than one router process runs, or one has {@code
 * router.cluster.nats-url}, every router is a node of one cluster, pointed at the client port of a
 * NATS server of the deployment that runs JetStream; node names are valid and unique (one per
 * process: a name set for a Deployment of several replicas is shared by all of them); every node
 * has the same cluster name and the same configuration, its name aside.
 */
final class ClusterChecks {

  /** Names of clusters and nodes: letters, digits, {@code _} and {@code -} (docs/cluster.md). */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

  /** The only variable in which the nodes' environments may differ. */
  static final String NODE_VARIABLE = AppConfig.envName("router.cluster.node");

  private ClusterChecks() {}

  /**
   * @param routers every workload that runs the router: compose services, or Deployments
   * @param replicas how many router processes a workload runs
   * @param network where the NATS URLs lead
   * @param natsAt the NATS server a workload runs, if it runs one (by the endpoint's workload)
   */
  static void checkRouterNodes(
      List<Deployed> routers,
      ToIntFunction<Deployed> replicas,
      Network network,
      Function<String, Optional<NatsServer>> natsAt,
      Problems problems) {
    int processes = routers.stream().mapToInt(replicas).sum();
    boolean clustered =
        processes > 1
            || routers.stream().anyMatch(r -> r.resolve("router.cluster.nats-url").isPresent());
    if (!clustered) {
      return;
    }
    Map<String, List<String>> nodesByName = new TreeMap<>();
    Map<String, NatsServer> natsServers = new LinkedHashMap<>();
    Deployed first = routers.getFirst();
    for (Deployed router : routers) {
      Optional<String> urls = router.resolve("router.cluster.nats-url");
      if (urls.isEmpty()) {
        problems.add(
            "%s has no router.cluster.nats-url (%s), but the deployment runs %d router processes:"
                + " it would be a router of its own, whose clients see nothing of the others'",
            router.where(), AppConfig.envName("router.cluster.nats-url"), processes);
      }
      for (String url : urls.map(u -> u.split(",")).orElse(new String[0])) {
        checkNatsUrl(router, url.strip(), network, natsAt, natsServers, problems);
      }

      Optional<String> node = router.resolve("router.cluster.node");
      node.ifPresent(
          name -> {
            problems.check(
                NAME.matcher(name).matches(),
                "%s: the node name '%s' (router.cluster.node) may hold letters, digits, _ and -"
                    + " only",
                router.where(),
                name);
            nodesByName.computeIfAbsent(name, n -> new ArrayList<>()).add(router.where());
            problems.check(
                replicas.applyAsInt(router) == 1,
                "%s runs %d replicas, all named %s (router.cluster.node): node names must be"
                    + " unique; leave it unset there (the default, host name and process ID, differs"
                    + " in every container and pod)",
                router.where(),
                replicas.applyAsInt(router),
                name);
          });

      String cluster = router.resolve("router.cluster.name").orElse("quarkbar");
      problems.check(
          NAME.matcher(cluster).matches(),
          "%s: the cluster name '%s' (router.cluster.name) may hold letters, digits, _ and - only",
          router.where(),
          cluster);
      String firstCluster = first.resolve("router.cluster.name").orElse("quarkbar");
      problems.check(
          cluster.equals(firstCluster),
          "%s is in cluster %s, %s in cluster %s: nodes of different clusters do not see each"
              + " other",
          router.where(),
          cluster,
          first.where(),
          firstCluster);

      Map<String, String> environment = withoutNodeName(router.deploymentEnv());
      Map<String, String> firstEnvironment = withoutNodeName(first.deploymentEnv());
      problems.check(
          environment.equals(firstEnvironment),
          "%s has the environment %s, %s has %s: every node needs the same configuration (realms,"
              + " secrets, cluster); only %s differs",
          router.where(),
          new TreeMap<>(environment),
          first.where(),
          new TreeMap<>(firstEnvironment),
          NODE_VARIABLE);
    }
    nodesByName.forEach(
        (name, where) ->
            problems.check(
                where.size() == 1,
                "%s are all named %s (router.cluster.node): node names must be unique in the"
                    + " cluster, calls are addressed to nodes by name",
                where,
                name));
    natsServers.forEach(
        (workload, nats) ->
            nats.clusterProblems().forEach(p -> problems.add("NATS server %s %s", workload, p)));
  }

  private static void checkNatsUrl(
      Deployed router,
      String url,
      Network network,
      Function<String, Optional<NatsServer>> natsAt,
      Map<String, NatsServer> natsServers,
      Problems problems) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      problems.add("%s: router.cluster.nats-url has '%s', not a URL", router.where(), url);
      return;
    }
    if (!List.of("nats", "tls").contains(uri.getScheme()) || uri.getHost() == null) {
      problems.add(
          "%s: router.cluster.nats-url has '%s'; it takes nats://host:port (or tls://)",
          router.where(), url);
      return;
    }
    int port = uri.getPort() < 0 ? NatsServer.DEFAULT_CLIENT_PORT : uri.getPort();
    Optional<Network.Endpoint> endpoint = network.inside(uri.getHost(), port);
    Optional<NatsServer> nats = endpoint.flatMap(e -> natsAt.apply(e.workload()));
    if (nats.isEmpty()) {
      problems.add(
          "%s: router.cluster.nats-url has %s, which reaches %s; it must reach a NATS server of"
              + " the deployment",
          router.where(), url, endpoint.map(Object::toString).orElse("nothing"));
      return;
    }
    natsServers.put(endpoint.get().workload(), nats.get());
    problems.check(
        endpoint.get().port() == nats.get().clientPort(),
        "%s: router.cluster.nats-url has %s, which reaches port %d of %s; NATS takes clients on"
            + " %d",
        router.where(),
        url,
        endpoint.get().port(),
        endpoint.get().workload(),
        nats.get().clientPort());
  }

  private static Map<String, String> withoutNodeName(Map<String, String> environment) {
    Map<String, String> copy = new LinkedHashMap<>(environment);
    copy.remove(NODE_VARIABLE);
    return copy;
  }
}
