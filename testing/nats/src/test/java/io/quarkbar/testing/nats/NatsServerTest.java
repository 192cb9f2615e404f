package io.quarkbar.testing.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The private server is a real JetStream server of its own: a KV bucket written through jnats
 * survives a restart on the same store, a frozen server answers nothing until it is thawed, and a
 * killed one refuses connections. None of it touches the shared server on 4222.
 */
class NatsServerTest {

  private static final Duration SHORT = Duration.ofSeconds(2);

  private NatsServer server;

  @BeforeEach
  void start() {
    server = NatsServer.start(Path.of("target", "nats"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aKeyValueEntrySurvivesARestartOnTheSameStore() throws Exception {
    assertThat(server.port()).isNotEqualTo(4222);
    try (Connection nats = connect()) {
      nats.keyValueManagement()
          .create(
              KeyValueConfiguration.builder()
                  .name("QB_TEST")
                  .storageType(StorageType.File)
                  .build());
      nats.keyValue("QB_TEST").put("node.a", "alive".getBytes(StandardCharsets.UTF_8));
    }

    server.stop();
    assertThat(server.isAlive()).isFalse();
    server.startAgain();

    try (Connection nats = connect()) {
      KeyValue kv = nats.keyValue("QB_TEST");
      assertThat(new String(kv.get("node.a").getValue(), StandardCharsets.UTF_8))
          .isEqualTo("alive");
    }
  }

  @Test
  void aFrozenServerAnswersNothingUntilThawed() throws Exception {
    try (Connection nats = connect()) {
      nats.keyValueManagement().create(KeyValueConfiguration.builder().name("QB_FREEZE").build());
      KeyValue kv = nats.keyValue("QB_FREEZE");

      server.freeze();
      assertThatThrownBy(() -> kv.put("k", new byte[] {1})).isInstanceOf(IOException.class);

      server.thaw();
      assertThat(kv.put("k", new byte[] {2})).isPositive();
    }
  }

  @Test
  void aKilledServerRefusesConnections() throws Exception {
    server.kill();

    assertThat(server.isAlive()).isFalse();
    assertThatThrownBy(this::connect).isInstanceOf(IOException.class);
  }

  private Connection connect() throws IOException, InterruptedException {
    return Nats.connect(
        Options.builder().server(server.url()).connectionTimeout(SHORT).maxReconnects(0).build());
  }
}
