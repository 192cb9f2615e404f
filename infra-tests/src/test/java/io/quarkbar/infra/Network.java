package io.quarkbar.infra;

import java.util.Optional;

/**
 * Where a host and port lead in one deployment: between containers (compose service names,
 * Kubernetes Services) and from the browser on the user's machine ({@code localhost}, through
 * compose's published ports or {@code kubectl port-forward} to a Service).
 */
interface Network {

  /**
   * A workload (an application or {@code postgres}) and the container port a connection reaches.
   */
  record Endpoint(String workload, int port) {}

  /** What {@code host:port} reaches from inside the deployment. */
  Optional<Endpoint> inside(String host, int port);

  /** What {@code localhost:port} reaches from the browser. */
  Optional<Endpoint> fromBrowser(int port);

  /** The port at which the browser reaches {@code workload} on localhost. */
  Optional<Integer> browserPort(String workload);
}
