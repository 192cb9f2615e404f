package io.quarkbar.wamp.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkbar.wamp.client.Wamp;
import io.quarkbar.wamp.client.WampException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Autobahn|Python and Autobahn|JS as the other party, through the packaged router-service: each
 * runs as a child process (src/test/python/autobahn_python_peer.py,
 * src/test/node/autobahn-js-peer.js) that joins anonymously (role {@code peer}), calls the
 * service's procedures and publishes to its topics (its PASS/FAIL lines), and serves a procedure
 * and a topic that the service then uses through its {@link Wamp} bean.
 */
@QuarkusTest
@TestProfile(RouterServiceProfile.class)
@ExtendWith(LogsOnFailure.class)
class AutobahnPeersTest {

  static final Duration WAIT = Duration.ofSeconds(5);

  /** The peers' own checks, each of which must print PASS. */
  static final List<String> CHECKS =
      List.of(
          "join",
          "register and subscribe",
          "call positional",
          "call keyword arguments",
          "call record",
          "call application error",
          "call validation error",
          "call runtime error",
          "call progressive results",
          "caller disclosed",
          "publish to the service",
          "event from the service",
          "goodbye");

  /** A peer, the serializer it uses (the service's default connection uses json). */
  enum Peer {
    AUTOBAHN_PYTHON("python", "cbor") {
      @Override
      List<String> command() {
        Path dir = Path.of(System.getProperty("client-it.python.dir", "src/test/python"));
        return List.of(
            System.getProperty("client-it.python", "/usr/bin/python3"),
            dir.resolve("autobahn_python_peer.py").toAbsolutePath().toString());
      }
    },
    AUTOBAHN_JS("js", "msgpack") {
      @Override
      List<String> command() {
        Path dir = Path.of(System.getProperty("client-it.node.dir", "src/test/node"));
        Path modules = dir.resolve("../../../node_modules/autobahn").normalize();
        if (!Files.isDirectory(modules)) {
          throw new IllegalStateException(
              modules + " does not exist: run `npm ci` in wamp/client/integration-tests");
        }
        return List.of(
            System.getProperty("client-it.node", "node"),
            dir.resolve("autobahn-js-peer.js").toAbsolutePath().toString());
      }
    };

    final String id;
    final String serializer;

    Peer(String id, String serializer) {
      this.id = id;
      this.serializer = serializer;
    }

    abstract List<String> command();
  }

  @Inject Wamp wamp;
  @Inject Inbox inbox;

  @ConfigProperty(name = "client-it.router.url")
  String routerUrl;

  @ParameterizedTest
  @EnumSource(Peer.class)
  void peerAndServiceCallAndPublishToEachOther(Peer peer) throws Exception {
    String name = peer.id;
    List<String> command =
        Stream.concat(
                peer.command().stream(),
                Stream.of(routerUrl, RouterServiceResource.REALM, peer.serializer, name))
            .toList();
    Path log = RouterServiceResource.logDir().resolve("autobahn-" + name + "-peer.log");
    try (ChildProcess process = ChildProcess.start(command, Map.of(), log)) {
      // The peer has made its calls and publications, and serves its procedures and topic.
      process.awaitLine("READY", Duration.ofSeconds(30));

      // The service calls the peer's procedures through its Wamp bean...
      assertThat(
              wamp.call("it.peer." + name + ".upper", String.class, "quarkus").await().atMost(WAIT))
          .isEqualTo("QUARKUS");
      assertThat(
              wamp.call("it.peer." + name + ".upper")
                  .args("ab")
                  .kwargs(Map.of("times", 2))
                  .as(String.class)
                  .await()
                  .atMost(WAIT))
          .isEqualTo("ABAB");
      // ... gets the peer's application error as a WampException ...
      assertThatThrownBy(
              () -> wamp.call("it.peer." + name + ".fail", String.class).await().atMost(WAIT))
          .isInstanceOfSatisfying(
              WampException.class,
              e -> {
                assertThat(e.uri()).isEqualTo("it.error.peer_refused");
                assertThat(e.args()).containsExactly("nope", 3L);
                assertThat(e.kwargs()).containsExactly(Map.entry("reason", "testing"));
              });
      // ... and publishes to the peer's topic, which the peer checks once its stdin closes.
      wamp.publish("it.peer." + name + ".news")
          .args("news for " + name)
          .kwargs(Map.of("n", 2))
          .send(true)
          .await()
          .atMost(WAIT);

      // The peer's publications reached the service's subscribers.
      Inbox.Message m =
          inbox
              .awaitMessage(x -> ("hello from " + name).equals(x.text()), WAIT)
              .orElseThrow(() -> new AssertionError("the service got no event from " + name));
      assertThat(m.n()).isEqualTo(1);
      assertThat(m.authrole()).isEqualTo("peer");
      assertThat(m.publisher()).isPositive();
      assertThat(inbox.awaitPost(p -> p.title().equals(name), WAIT))
          .as("the post %s published", name)
          .isPresent();

      String output = process.finish(Duration.ofSeconds(20));
      assertThat(output.lines().filter(l -> l.startsWith("PASS ")).map(l -> l.substring(5)))
          .as("the peer's checks (%s)", log)
          .containsExactlyInAnyOrderElementsOf(CHECKS);
    }
  }
}
