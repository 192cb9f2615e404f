package io.quarkbar.wamp.cluster;

import java.time.Duration;
import java.util.Optional;

/**
 * How a router node joins its cluster.
 *
 * @param natsUrl the NATS server(s), comma-separated {@code nats://host:port} URLs
 * @param cluster the cluster's name, the same on every node; {@code [A-Za-z0-9_-]+}. Clusters of
 *     different names share a NATS server without seeing each other
 * @param node this node's name, unique in the cluster; {@code [A-Za-z0-9_-]+}
 * @param user the NATS user, if the server asks for one
 * @param password the NATS user's password
 * @param token the NATS token, if the server asks for one instead
 * @param requestTimeout how long an operation that needs NATS (a subscription's confirmation) may
 *     take before it fails
 * @param heartbeat how often the node tells the others it is alive
 * @param deathTimeout how long a node may stay silent before the others take it for gone: calls to
 *     its callees end with an ERROR and its registrations are removed
 * @param directCalls whether calls between nodes travel on direct connections between the nodes
 *     rather than through the NATS server (only with {@code nats://} URLs: the direct connections
 *     are not encrypted)
 * @param callHost the host or address the other nodes reach this node's calls at; default: this
 *     host's address
 * @param callPort the port this node takes the other nodes' calls on (every interface); 0: any free
 *     port, which the heartbeat tells the others
 */
public record ClusterSettings(
    String natsUrl,
    String cluster,
    String node,
    Optional<String> user,
    Optional<String> password,
    Optional<String> token,
    Duration requestTimeout,
    Duration heartbeat,
    Duration deathTimeout,
    boolean directCalls,
    Optional<String> callHost,
    int callPort) {

  /** Settings with calls on direct connections, on any free port of this host's address. */
  public ClusterSettings(
      String natsUrl,
      String cluster,
      String node,
      Optional<String> user,
      Optional<String> password,
      Optional<String> token,
      Duration requestTimeout,
      Duration heartbeat,
      Duration deathTimeout) {
    this(
        natsUrl,
        cluster,
        node,
        user,
        password,
        token,
        requestTimeout,
        heartbeat,
        deathTimeout,
        true,
        Optional.empty(),
        0);
  }

  public ClusterSettings {
    Subjects.checkName("cluster name", cluster);
    Subjects.checkName("node name", node);
    if (natsUrl == null || natsUrl.isBlank()) {
      throw new IllegalArgumentException("the cluster needs the URL of a NATS server");
    }
    if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException(
          "the cluster's request timeout must be positive, not " + requestTimeout);
    }
    if (heartbeat == null || heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException(
          "the cluster's heartbeat must be positive, not " + heartbeat);
    }
    if (deathTimeout == null || deathTimeout.compareTo(heartbeat.multipliedBy(3)) < 0) {
      throw new IllegalArgumentException(
          "the cluster's death timeout ("
              + deathTimeout
              + ") must be at least three heartbeats ("
              + heartbeat.multipliedBy(3)
              + "), or a node would be taken for gone after one late heartbeat");
    }
    if (callPort < 0 || callPort > 65535) {
      throw new IllegalArgumentException("the port for calls must be 0 to 65535, not " + callPort);
    }
    if (callHost.isPresent() && callHost.get().isBlank()) {
      throw new IllegalArgumentException("the host for calls is blank");
    }
    if (user.isPresent() != password.isPresent()) {
      throw new IllegalArgumentException("a NATS user needs a password, and a password a user");
    }
  }

  /** The same settings with another heartbeat and death timeout. */
  public ClusterSettings withLiveness(Duration heartbeat, Duration deathTimeout) {
    return new ClusterSettings(
        natsUrl,
        cluster,
        node,
        user,
        password,
        token,
        requestTimeout,
        heartbeat,
        deathTimeout,
        directCalls,
        callHost,
        callPort);
  }

  /** The same settings with calls between nodes on direct connections or through NATS. */
  public ClusterSettings withDirectCalls(boolean direct) {
    return new ClusterSettings(
        natsUrl,
        cluster,
        node,
        user,
        password,
        token,
        requestTimeout,
        heartbeat,
        deathTimeout,
        direct,
        callHost,
        callPort);
  }

  /**
   * Settings with no credentials, a 2 s request timeout, a heartbeat each second and a 5 s death
   * timeout.
   */
  public static ClusterSettings of(String natsUrl, String cluster, String node) {
    return new ClusterSettings(
        natsUrl,
        cluster,
        node,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Duration.ofSeconds(2),
        Duration.ofSeconds(1),
        Duration.ofSeconds(5));
  }
}
