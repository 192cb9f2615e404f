package io.quarkbar.infra;

/**
 * The checks of {@link ComposeTest} on {@code docker compose -f docker-compose.yml -f
 * docker-compose.cluster.yml}: the two files merged as compose merges them ({@link ComposeMerge}),
 * three router nodes over NATS with JetStream among the services.
 */
class ComposeClusterTest extends ComposeTest {

  @Override
  ComposeFile composeFile() {
    return Repository.composeCluster();
  }
}
