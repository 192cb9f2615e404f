package io.quarkbar.wamp.client.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkbar.wamp.client.Wamp;
import io.quarkbar.wamp.client.WampException;
import io.quarkbar.wamp.client.WampProcedure;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A message over the router's limit (1 MiB, the router service's default, which the embedded router
 * and the client's own limit follow) ends the session at once with {@code
 * wamp.error.payload_size_exceeded}, and its call fails saying so, instead of waiting for an answer
 * that never comes; the connection is made again. A class of its own: the session it ends would
 * fail the calls of other tests.
 */
class MessageSizeTest {

  @RegisterExtension
  static final QuarkusUnitTest app =
      new QuarkusUnitTest().withApplicationRoot(jar -> jar.addClasses(Echo.class));

  static class Echo {
    @WampProcedure("test.size.echo")
    Uni<String> echo(String text) {
      return Uni.createFrom().item(text);
    }
  }

  @Inject Wamp wamp;

  @Test
  void aCallOverTheRoutersLimitFailsAtOnceSayingWhyAndTheClientComesBack() {
    String huge = "x".repeat(1_100_000);
    assertThatThrownBy(
            () ->
                wamp.call("test.size.echo", String.class, huge)
                    .await()
                    .atMost(Duration.ofSeconds(5)))
        .isInstanceOf(WampException.class)
        .hasMessageContaining("wamp.error.payload_size_exceeded");

    // The client joins again; a call within the limit goes through.
    String big = "y".repeat(900_000);
    String echoed =
        wamp.call("test.size.echo", String.class, big)
            .onFailure()
            .retry()
            .withBackOff(Duration.ofMillis(100))
            .atMost(50)
            .await()
            .atMost(Duration.ofSeconds(10));
    assertThat(echoed).isEqualTo(big);
  }
}
