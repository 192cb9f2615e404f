package io.quarkbar.infra;

/**
 * The checks of {@link KustomizeTest} on the overlay infra/k8s/cluster: the base with
 * router-service as three nodes over NATS with JetStream (the overlay's own StatefulSet), rendered
 * in Java and, where kubectl exists, by {@code kubectl kustomize}.
 */
class KustomizeClusterTest extends KustomizeTest {

  @Override
  String directory() {
    return "infra/k8s/cluster";
  }
}
