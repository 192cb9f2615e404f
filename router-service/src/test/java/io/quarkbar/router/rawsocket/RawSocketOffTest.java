package io.quarkbar.router.rawsocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** Without {@code router.rawsocket.port} there is no RawSocket endpoint at all. */
@QuarkusTest
class RawSocketOffTest {

  @Inject RawSocketServer server;

  @Test
  void noPortConfiguredMeansNoListener() {
    assertThat(server.port()).isEmpty();
  }
}
