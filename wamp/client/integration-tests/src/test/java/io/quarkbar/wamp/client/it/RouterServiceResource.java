package io.quarkbar.wamp.client.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts the packaged router-service (router-service/target/quarkus-app/quarkus-run.jar) as a child
 * process on a free port, with a config file written here and secrets made up for this run, and
 * points the service at it: the default connection joins realm {@code it} by cryptosign, and three
 * named connections join it by ticket, WAMP-CRA and salted WAMP-CRA, one serializer each.
 *
 * <p>Realm {@code it}: role {@code service} (every principal) may do anything under {@code it.} but
 * nothing under {@code it.admin.}; anonymous sessions (the Autobahn peers) get role {@code peer},
 * which may call and publish under {@code it.app.} and register and subscribe under {@code
 * it.peer.}. Callers and publishers are disclosed.
 */
public class RouterServiceResource implements QuarkusTestResourceLifecycleManager {

  static final String REALM = "it";

  /** The router's config: no secret in it, only {@code ${CLIENT_IT_...}} references. */
  static final String CONFIG =
      """
      # Written by RouterServiceResource for one test run; the secrets come from the environment.
      router:
        limits:
          # Not under test here; keeps a slow start from slowing down the next join.
          auth-failure-delay: 0s
          auth-failure-max-delay: 0s
        realms:
          it:
            anonymous-role: peer
            roles:
              service:
                permissions:
                  - uri: it.
                    match: prefix
                    allow: [call, register, publish, subscribe]
                    disclose: [caller, publisher]
                  - uri: it.admin.
                    match: prefix
                    allow: []
              peer:
                permissions:
                  - uri: it.app.
                    match: prefix
                    allow: [call, publish]
                    disclose: [caller, publisher]
                  - uri: it.peer.
                    match: prefix
                    allow: [register, subscribe]
            auth:
              ticket:
                principals:
                  ticket-service:
                    ticket: ${CLIENT_IT_TICKET}
                    role: service
              wampcra:
                principals:
                  cra-service:
                    secret: ${CLIENT_IT_CRA_SECRET}
                    role: service
                  # The secret is derive_key(password, salt, iterations, keylen); the client has
                  # the password.
                  cra-salted-service:
                    secret: ${CLIENT_IT_CRA_SALTED_KEY}
                    salt: ${CLIENT_IT_CRA_SALT}
                    iterations: %d
                    keylen: %d
                    role: service
              cryptosign:
                principals:
                  sign-service:
                    pubkey: ${CLIENT_IT_CRYPTOSIGN_PUBKEY}
                    role: service
      """
          .formatted(Secrets.CRA_ITERATIONS, Secrets.CRA_KEYLEN);

  private RouterProcess router;

  @Override
  public Map<String, String> start() {
    Secrets secrets = Secrets.generate();
    Path logDir = logDir();
    Path runJar =
        Path.of(
            System.getProperty(
                "client-it.router.jar",
                "../../../router-service/target/quarkus-app/quarkus-run.jar"));
    try {
      Files.createDirectories(logDir);
      Path config = logDir.resolve("router-service.yaml");
      Files.writeString(config, CONFIG, StandardCharsets.UTF_8);
      router =
          RouterProcess.start(
              runJar, config, secrets.routerEnv(), logDir.resolve("router-service.log"));
    } catch (Exception e) {
      throw new IllegalStateException("router-service did not start: " + e.getMessage(), e);
    }

    Map<String, String> config = new LinkedHashMap<>();
    config.put("client-it.router.url", router.webSocketUrl());
    // The default connection: cryptosign, json.
    connection(config, "quarkbar.wamp", "cryptosign", "sign-service", secrets.cryptosignSeed());
    config.put("quarkbar.wamp.serializer", "json");
    // One named connection per other method the client implements, each with another serializer.
    connection(
        config, "quarkbar.wamp.connections.ticket", "ticket", "ticket-service", secrets.ticket());
    config.put("quarkbar.wamp.connections.ticket.serializer", "cbor");
    connection(
        config, "quarkbar.wamp.connections.wampcra", "wampcra", "cra-service", secrets.craSecret());
    config.put("quarkbar.wamp.connections.wampcra.serializer", "msgpack");
    connection(
        config,
        "quarkbar.wamp.connections.wampcra-salted",
        "wampcra",
        "cra-salted-service",
        secrets.craPassword());
    config.put("quarkbar.wamp.connections.wampcra-salted.serializer", "json");
    return config;
  }

  private void connection(
      Map<String, String> config, String prefix, String method, String authid, String secret) {
    config.put(prefix + ".url", router.webSocketUrl());
    config.put(prefix + ".realm", REALM);
    config.put(prefix + ".auth.method", method);
    config.put(prefix + ".auth.authid", authid);
    config.put(prefix + ".auth.secret", secret);
  }

  static Path logDir() {
    return Path.of(System.getProperty("client-it.log.dir", "target/client-it-logs"));
  }

  @Override
  public void stop() {
    if (router != null) {
      router.close();
    }
  }
}
