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
 */
public record ClusterSettings(
    String natsUrl,
    String cluster,
    String node,
    Optional<String> user,
    Optional<String> password,
    Optional<String> token,
    Duration requestTimeout) {

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
    if (user.isPresent() != password.isPresent()) {
      throw new IllegalArgumentException("a NATS user needs a password, and a password a user");
    }
  }

  /** Settings with no credentials and a 2 s request timeout. */
  public static ClusterSettings of(String natsUrl, String cluster, String node) {
    return new ClusterSettings(
        natsUrl,
        cluster,
        node,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Duration.ofSeconds(2));
  }
}
