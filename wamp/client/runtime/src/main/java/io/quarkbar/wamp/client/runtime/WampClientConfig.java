package io.quarkbar.wamp.client.runtime;

import io.quarkus.runtime.annotations.ConfigDocMapKey;
import io.quarkus.runtime.annotations.ConfigDocSection;
import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The WAMP client's configuration, under {@code quarkbar.wamp}. */
@ConfigMapping(prefix = "quarkbar.wamp")
@ConfigRoot(phase = ConfigPhase.RUN_TIME)
public interface WampClientConfig {

  /** The default connection: {@code quarkbar.wamp.url}, {@code quarkbar.wamp.realm}, ... */
  @WithParentName
  ConnectionConfig defaultConnection();

  /**
   * The embedded router of dev mode and tests. Read at build time ({@link DevServicesBuildConfig});
   * declared here too so that the run-time configuration, which checks every key under {@code
   * quarkbar.wamp}, does not refuse {@code quarkbar.wamp.devservices.enabled}.
   */
  DevServices devservices();

  /** See {@link DevServicesBuildConfig}. */
  interface DevServices {

    /** Whether dev mode and tests start an embedded router for connections without a url. */
    @WithDefault("true")
    boolean enabled();
  }

  /** More connections, by name, for a service that joins several realms or routers. */
  @ConfigDocMapKey("connection-name")
  @ConfigDocSection
  Map<String, ConnectionConfig> connections();

  /** One connection to a router's realm. */
  interface ConnectionConfig {

    /**
     * The router's WebSocket URL, e.g. {@code ws://router:8080/ws} or {@code wss://...}. Absent in
     * dev mode and tests: an embedded router is started (see {@code quarkbar.wamp.devservices}).
     */
    Optional<URI> url();

    /** The realm to join. */
    @WithDefault("realm1")
    String realm();

    /** The serializer: {@code json}, {@code msgpack} or {@code cbor}. */
    @WithDefault("json")
    String serializer();

    /** How the client authenticates. */
    AuthConfig auth();

    /**
     * A TLS configuration of the Quarkus TLS registry ({@code quarkus.tls.<name>.*}) for {@code
     * wss://}.
     */
    Optional<String> tlsConfigurationName();

    /** How it reconnects after a disconnect: exponential backoff with jitter. */
    ReconnectConfig reconnect();

    /**
     * What a call or publication made while disconnected does: {@code fail} at once, or {@code
     * wait} up to {@link #offlineWait()} for the connection.
     */
    @WithDefault("fail")
    OfflineCalls offlineCalls();

    /** How long a call waits for the connection with {@code offline-calls=wait}. */
    @WithDefault("5s")
    Duration offlineWait();

    /**
     * How many invocations of blocking procedures may run at once; beyond it, callers get {@code
     * wamp.error.unavailable} at once rather than waiting in a queue without bound.
     */
    @WithDefault("64")
    int maxConcurrentBlocking();

    /**
     * What a registration or subscription the router refuses does: {@code fail} (start-up fails
     * with the URI and the router's reason; later, readiness stays DOWN) or {@code retry}.
     */
    @WithDefault("fail")
    OnRefused onRefused();

    /**
     * How long start-up waits for the connection to be ready; a router that is down does not fail
     * start-up (the client keeps trying, readiness is DOWN), a refused registration does.
     */
    @WithDefault("10s")
    Duration startupWait();
  }

  /** Authentication of one connection. */
  interface AuthConfig {

    /** {@code anonymous}, {@code ticket}, {@code wampcra} or {@code cryptosign}. */
    @WithDefault("anonymous")
    String method();

    /** The authid to join as. */
    Optional<String> authid();

    /**
     * The secret: the ticket, the WAMP-CRA secret (the password, for a salted principal), or the
     * cryptosign private key (32 bytes in hex). Give it as {@code ${ENV_VAR}}.
     */
    Optional<String> secret();
  }

  /** Reconnection delays. */
  interface ReconnectConfig {

    /** The first delay. */
    @WithDefault("200ms")
    Duration initialDelay();

    /** The longest delay. */
    @WithDefault("30s")
    Duration maxDelay();

    /**
     * Up to this fraction is added at random to each delay, so that clients do not all come back at
     * once.
     */
    @WithDefault("0.5")
    double jitter();
  }

  enum OfflineCalls {
    FAIL,
    WAIT
  }

  enum OnRefused {
    FAIL,
    RETRY
  }
}
