package io.quarkbar.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Authentication and authorization with clients we did not write, against the packaged router
 * started with src/test/resources/auth.yaml and secrets made up for this run ({@link Credentials},
 * through environment variables only).
 *
 * <p>Every {@link Peer} logs in with each method it implements, once with the right and once with a
 * wrong credential (its {@code static} suite). The dynamic authenticator and authorizer are served
 * by a real client too: an Autobahn|Python session (auth_provider.py), with Autobahn|JS as the
 * client they decide about.
 */
class AuthInteropIT {

  /** One serializer per peer keeps each run short; together they cover all three. */
  private static final Map<Peer, String> SERIALIZER =
      Map.of(
          Peer.AUTOBAHN_PYTHON, "json",
          Peer.AUTOBAHN_JS, "msgpack",
          Peer.WAMPY, "cbor",
          Peer.AUTOBAHN_JAVA, "cbor");

  private static final Path LOG_DIR =
      Path.of(System.getProperty("interop.log.dir", "target/interop-logs"));

  private static Credentials credentials;
  private static RouterProcess router;
  private static PeerProcess provider;

  @RegisterExtension
  final TestWatcher logsOnFailure =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          if (router != null) {
            System.out.printf(
                "--- router log (tail) after %s failed ---%n%s%n",
                context.getDisplayName(), router.logTail(60));
          }
          if (provider != null) {
            try {
              System.out.printf("--- auth-provider.log ---%n%s%n", provider.output());
            } catch (java.io.IOException e) {
              System.out.println("(auth-provider.log unreadable: " + e + ")");
            }
          }
        }
      };

  @BeforeAll
  static void startRouter() throws Exception {
    credentials = Credentials.generate();
    Path runJar =
        Path.of(
            System.getProperty(
                "interop.router.jar", "../router-service/target/quarkus-app/quarkus-run.jar"));
    router =
        RouterProcess.builder(runJar, resource("/auth.yaml"), LOG_DIR.resolve("router-auth.log"))
            .env(credentials.routerEnv())
            .start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (provider != null) {
      provider.close();
    }
    if (router != null) {
      router.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Peer.class)
  void peerLogsInWithEachMethodItImplements(Peer peer) throws Exception {
    String serializer = SERIALIZER.get(peer);
    String output =
        runAuthProgram(
            peer,
            "static",
            serializer,
            LOG_DIR.resolve(peer.id() + "-auth-" + serializer + ".log"));
    // Every peer has at least ticket and WAMP-CRA, each right and wrong.
    assertThat(output)
        .contains(
            "PASS ticket: right ticket",
            "PASS ticket: wrong ticket",
            "PASS wampcra: right secret",
            "PASS wampcra: wrong secret");
  }

  /**
   * Realm {@code dynamic}'s logins are decided by com.example.authenticate, which auth_provider.py
   * registers in realm {@code secure}; realm {@code orphan}'s authenticator is never registered.
   */
  @Test
  void dynamicAuthenticatorDecidesJoins() throws Exception {
    startProvider();
    runAuthProgram(
        Peer.AUTOBAHN_JS, "dynamic", "json", LOG_DIR.resolve("autobahn-js-auth-dynamic.log"));
    assertThat(provider.output())
        .as("auth-provider.log: the router called the authenticator with (realm, authid, details)")
        .contains("authenticate realm=dynamic authid=alice")
        .doesNotContain("BAD REQUEST");
  }

  /**
   * Realm {@code authz} asks com.example.authorize (auth_provider.py) about whatever its static
   * permissions (com.example.static.*) do not cover; realm {@code authz-orphan}'s authorizer is
   * never registered.
   */
  @Test
  void dynamicAuthorizerDecidesWhatNoStaticPermissionCovers() throws Exception {
    startProvider();
    runAuthProgram(
        Peer.AUTOBAHN_JS, "authorizer", "json", LOG_DIR.resolve("autobahn-js-auth-authorizer.log"));
    String log = provider.output();
    assertThat(log)
        .as("auth-provider.log: the router asked the authorizer (session, uri, action)")
        .contains("uri=com.example.allowed.", "action=call", "action=register")
        .as("auth-provider.log: requests as the contract says them")
        .doesNotContain("BAD REQUEST")
        .as("auth-provider.log: statically allowed URIs are not the authorizer's business")
        .doesNotContain("uri=com.example.static.");
  }

  private static String runAuthProgram(Peer peer, String suite, String serializer, Path output)
      throws Exception {
    List<String> command =
        Stream.concat(
                peer.authCommand().stream(), Stream.of(suite, router.webSocketUrl(), serializer))
            .toList();
    return PeerProcess.run(command, credentials.clientEnv(), Set.of(), output);
  }

  /** The authenticator and authorizer, started once for the tests that need them. */
  private static synchronized void startProvider() throws Exception {
    if (provider != null) {
      return;
    }
    List<String> command =
        Stream.concat(Peer.python("auth_provider.py").stream(), Stream.of(router.webSocketUrl()))
            .toList();
    provider =
        PeerProcess.start(
            command, credentials.providerEnv(), Set.of(), LOG_DIR.resolve("auth-provider.log"));
    provider.awaitLine("READY", Duration.ofSeconds(20));
  }

  static Path resource(String name) throws URISyntaxException {
    return Path.of(AuthInteropIT.class.getResource(name).toURI());
  }
}
