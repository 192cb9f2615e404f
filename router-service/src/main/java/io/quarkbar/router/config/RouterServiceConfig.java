package io.quarkbar.router.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The router's configuration, under the prefix {@code router}. Every key can come from {@code
 * application.yaml}, a file passed with {@code -Dquarkus.config.locations=FILE}, or an environment
 * variable ({@code ROUTER_WEBSOCKET_PATH} for {@code router.websocket.path}).
 */
@ConfigMapping(prefix = "router")
public interface RouterServiceConfig {

  /**
   * The realms, by name (a WAMP URI such as {@code realm1}). A HELLO for a realm that is not listed
   * is refused with {@code wamp.error.no_such_realm}; no realm is created on demand.
   */
  Map<String, RealmSettings> realms();

  /** How strictly URIs (realms, topics, procedures) are checked. */
  @WithDefault("loose")
  UriCheck uriCheck();

  /** The WebSocket transport. */
  WebSocketSettings websocket();

  /** The RawSocket transport (WAMP over plain TCP); off unless {@code port} is set. */
  RawSocketSettings rawsocket();

  /** The bounds on what one client or one address may take; see the README for each. */
  LimitSettings limits();

  /** The router's metrics at {@code /q/metrics}. */
  MetricsSettings metrics();

  /**
   * Several router nodes as one router, over NATS (docs/cluster.md); off unless {@code nats-url} is
   * set.
   */
  ClusterSettings cluster();

  /** This node's place in a cluster. */
  interface ClusterSettings {

    /**
     * The NATS server(s), comma-separated {@code nats://host:port} URLs. Absent (the default): a
     * router on its own, no NATS needed.
     */
    Optional<String> natsUrl();

    /**
     * The cluster's name, the same on every node: letters, digits, {@code _} and {@code -}.
     * Clusters of different names can share a NATS server without seeing each other's traffic.
     */
    @WithDefault("quarkbar")
    String name();

    /**
     * This node's name, unique in the cluster: letters, digits, {@code _} and {@code -}. Default:
     * the host name and the process ID (unique, but new at every start).
     */
    Optional<String> node();

    /** The NATS user, when the server asks for user and password. */
    Optional<String> natsUser();

    /** The NATS user's password: give it as {@code ${ENV_VAR}}, never in a file. */
    Optional<String> natsPassword();

    /** The NATS token, when the server asks for a token: give it as {@code ${ENV_VAR}}. */
    Optional<String> natsToken();

    /**
     * How long an operation that needs NATS may take before it fails: connecting, and confirming a
     * node's first subscription to a topic (its SUBSCRIBED waits for that).
     */
    @WithDefault("2s")
    Duration requestTimeout();

    /** How often this node tells the others that it is alive. */
    @WithDefault("1s")
    Duration heartbeat();

    /**
     * How long a node may stay silent before the others take it for gone: calls to its callees then
     * end with an ERROR, and its registrations are removed so that others can take them. At least
     * three heartbeats.
     */
    @WithDefault("5s")
    Duration deathTimeout();

    /**
     * Whether calls between nodes travel on direct connections between the nodes (true, the
     * default) or through the NATS server. Direct only with {@code nats://} URLs: like them, the
     * direct connections are not encrypted; with {@code tls://}, calls go through NATS.
     */
    @WithDefault("true")
    boolean directCalls();

    /**
     * The host name or address the other nodes reach this node's calls at. Default: this host's
     * address, as its name resolves (a container's or a pod's own address).
     */
    Optional<String> callHost();

    /**
     * The port this node takes the other nodes' calls on, on every interface. Default 0: any free
     * port; the heartbeat tells the others which.
     */
    @WithDefault("0")
    int callPort();
  }

  /** The router's metrics. */
  interface MetricsSettings {

    /** Whether the router counts its work ({@code quarkbar.router.*} meters); true by default. */
    @WithDefault("true")
    boolean enabled();
  }

  /** URI checking, as the specification defines it. */
  enum UriCheck {
    /** Components without dots, {@code #} or whitespace: what most clients and routers use. */
    LOOSE,
    /** Components of {@code [0-9a-z_]} only, as the specification recommends. */
    STRICT
  }

  /** One realm. */
  interface RealmSettings {

    /**
     * The role of sessions that do not authenticate. When absent, anonymous sessions are refused
     * with {@code wamp.error.not_authorized}. Must name one of {@link #roles()}.
     */
    Optional<String> anonymousRole();

    /** The roles of this realm, by name. A role that is not listed may do nothing. */
    Map<String, RoleSettings> roles();

    /**
     * The authentication methods besides anonymous that the realm accepts. A client offering none
     * of them (and no anonymous access) is refused with {@code wamp.error.no_matching_auth_method}.
     */
    AuthSettings auth();

    /**
     * A dynamic authorizer: a procedure the router asks {@code (session, uri, action)} about
     * actions that no static permission of the session's role covers. Absent: those are denied.
     */
    Optional<AuthorizerSettings> authorizer();

    /**
     * Which published events the realm keeps: per rule, retained events of matching topics and the
     * history of the subscription with the rule's pattern. None unless listed.
     */
    Optional<List<EventRuleSettings>> events();
  }

  /** One event rule of a realm. */
  interface EventRuleSettings {

    /** The topic or pattern the rule covers. */
    String uri();

    /** How {@link #uri()} matches: {@code exact}, {@code prefix} or {@code wildcard}. */
    @WithDefault("exact")
    String match();

    /** Keep the last event published with {@code retain} on each matching topic. */
    @WithDefault("false")
    boolean retain();

    /**
     * How many of the last events of the subscription to this pattern are kept for {@code
     * wamp.subscription.get_events}; {@code 0} for none. At most 10000.
     */
    @WithDefault("0")
    int history();
  }

  /** The authentication methods of a realm; each one absent is refused. */
  interface AuthSettings {

    /** Ticket: the client sends a secret (a password or a login token) in AUTHENTICATE. */
    Optional<MethodSettings> ticket();

    /** WAMP-CRA: the client signs a challenge with HMAC-SHA256 keyed by a shared secret. */
    Optional<MethodSettings> wampcra();

    /** WAMP-Cryptosign: the client signs a challenge with its Ed25519 key. */
    Optional<MethodSettings> cryptosign();
  }

  /** One authentication method: principals, or an authenticator; exactly one of the two. */
  interface MethodSettings {

    /** The principals, by authid. */
    Map<String, PrincipalSettings> principals();

    /** A procedure that decides about every authid instead of a list of principals. */
    Optional<AuthenticatorSettings> authenticator();
  }

  /**
   * One principal. Which keys apply depends on the method: {@code ticket} or {@code ticket-sha256}
   * for ticket, {@code secret} (and {@code salt}, {@code iterations}, {@code keylen}) for wampcra,
   * {@code pubkey} for cryptosign. Give secrets as {@code ${ENV_VAR}} references, never literally.
   */
  interface PrincipalSettings {

    /** The role the principal's sessions get; one of the realm's roles. */
    String role();

    /** Ticket: the ticket itself. */
    Optional<String> ticket();

    /** Ticket: the SHA-256 of the ticket in hex, instead of the ticket (for random tickets). */
    Optional<String> ticketSha256();

    /**
     * WAMP-CRA: the HMAC key, used as given. For a salted principal this is the key derived from
     * the password (PBKDF2-HMAC-SHA256, base64), as Autobahn's {@code derive_key} computes it.
     */
    Optional<String> secret();

    /** WAMP-CRA: the PBKDF2 salt; present, the client derives its key from its password. */
    Optional<String> salt();

    /** WAMP-CRA: the PBKDF2 iterations, with {@link #salt()}. */
    @WithDefault("1000")
    int iterations();

    /** WAMP-CRA: the derived key's length in bytes, with {@link #salt()}. */
    @WithDefault("32")
    int keylen();

    /** Cryptosign: the principal's Ed25519 public key, 64 hex digits. */
    Optional<String> pubkey();
  }

  /** A dynamic authenticator: called with {@code (realm, authid, details)}. */
  interface AuthenticatorSettings {

    /** The procedure's URI. */
    String procedure();

    /** The realm it is registered in; absent, the realm being joined. */
    Optional<String> realm();

    /** How long the router waits for its answer before it refuses the join. */
    @WithDefault("5s")
    Duration timeout();
  }

  /** A dynamic authorizer: called with {@code (session, uri, action)}. */
  interface AuthorizerSettings {

    /** The procedure's URI. */
    String procedure();

    /** The realm it is registered in; absent, the realm it authorizes for. */
    Optional<String> realm();

    /** How long the router waits for its answer before it denies the action. */
    @WithDefault("2s")
    Duration timeout();

    /** How long an answer is reused for the same session, URI and action; {@code 0}: never. */
    @WithDefault("30s")
    Duration cacheFor();
  }

  /** Bounds on sessions and their resources. */
  interface LimitSettings {

    /**
     * Sessions (joined or joining) over all realms; past it, a WebSocket upgrade gets HTTP 503, a
     * RawSocket handshake error 4, and a HELLO on a connection already open ABORT. Lowered at
     * start-up to what the open-files limit allows (see {@code reserved-files}).
     */
    @WithDefault("50000")
    int maxSessions();

    /**
     * Files (descriptors) kept free for what is not a session: health checks, metrics scrapes,
     * outgoing connections, clients being refused. Each session is a connection, thus a file, so
     * the router takes fewer sessions than {@code max-sessions} when its open-files limit, less the
     * files it has open at start-up and these, leaves room for fewer; past that bound a WebSocket
     * upgrade gets HTTP 503 and a RawSocket handshake error 4 (see {@code SessionBound}).
     */
    @WithDefault("256")
    int reservedFiles();

    /**
     * Sessions from one remote address. Behind a reverse proxy every client has the proxy's address
     * unless {@code quarkus.http.proxy.proxy-address-forwarding} is on.
     */
    @WithDefault("1000")
    int maxSessionsPerAddress();

    /** Calls of one session that wait for their result; past it, CALL gets an ERROR. */
    @WithDefault("1000")
    int maxPendingCallsPerSession();

    /** Subscriptions of one session; past it, SUBSCRIBE gets an ERROR. */
    @WithDefault("10000")
    int maxSubscriptionsPerSession();

    /** Registrations of one session; past it, REGISTER gets an ERROR. */
    @WithDefault("1000")
    int maxRegistrationsPerSession();

    /** How deep lists and dicts may nest in a message; deeper, the session is aborted. */
    @WithDefault("64")
    int maxNestingDepth();

    /**
     * How many values (list items, dict entries) one message may hold; more, the session is
     * aborted.
     */
    @WithDefault("100000")
    int maxElements();

    /**
     * How long a new connection may take to send HELLO, and a client to answer a CHALLENGE, before
     * it is closed.
     */
    @WithDefault("10s")
    Duration helloTimeout();

    /**
     * What a failed authentication costs the next attempt from the same address; it doubles with
     * each further failure, and is forgotten after five minutes without one.
     */
    @WithDefault("200ms")
    Duration authFailureDelay();

    /** The most {@link #authFailureDelay()} grows to. */
    @WithDefault("10s")
    Duration authFailureMaxDelay();
  }

  /** One role: what its sessions may do. Everything not allowed is denied. */
  interface RoleSettings {

    /**
     * The role's permissions. For a URI, the most specific matching permission decides alone: an
     * exact one, else the longest prefix, else the most specific wildcard.
     */
    List<PermissionSettings> permissions();
  }

  /** One permission of a role. */
  interface PermissionSettings {

    /**
     * The URI or pattern the permission applies to. With {@code match: prefix}, an empty (or
     * absent) {@code uri} applies to every URI; with the other policies it is required.
     */
    Optional<String> uri();

    /** How {@link #uri()} matches: {@code exact}, {@code prefix} or {@code wildcard}. */
    @WithDefault("exact")
    String match();

    /**
     * The actions allowed: any of {@code call}, {@code register}, {@code publish}, {@code
     * subscribe}.
     */
    Optional<List<String>> allow();

    /**
     * Whose identity the router passes on for actions under this permission: {@code caller} (to the
     * callee, in INVOCATION.Details) and/or {@code publisher} (to subscribers, in EVENT.Details).
     */
    Optional<List<String>> disclose();
  }

  /** The WebSocket endpoint. */
  interface WebSocketSettings {

    /** The HTTP path of the WAMP WebSocket endpoint. */
    @WithDefault("/ws")
    String path();

    /**
     * The largest WAMP message accepted from a client, in bytes. A larger one ends that session
     * with ABORT {@code wamp.error.payload_size_exceeded}.
     */
    @WithDefault("1048576")
    int maxMessageSize();

    /**
     * How many bytes may wait to be sent to one client. A client that reads slower than it is sent
     * to is disconnected when its queue passes this bound, so one slow client cannot exhaust the
     * router's memory or hold up the others.
     */
    @WithDefault("4194304")
    int maxOutboundQueue();

    /**
     * After this long without anything from a client, the router sends it a WebSocket ping; after
     * twice this long, it closes the connection, which ends the session. Every WebSocket stack
     * answers pings on its own, so a live client, however quiet, stays connected. {@code 0}
     * disables pings, and then nothing closes a quiet connection, however long it stays silent. One
     * timer per event loop checks all its connections four times per interval, so a ping goes out
     * after one to 1¼ intervals of silence and a dead peer is closed after two to 2¼.
     */
    @WithDefault("30s")
    Duration pingInterval();

    /**
     * Origins (e.g. {@code https://forum.example.com}) whose web pages may open a WAMP connection.
     * Requests without an {@code Origin} header (non-browser clients) are always accepted; a
     * browser page from the router's own host and port is accepted when this list is empty. {@code
     * *} accepts every origin.
     */
    Optional<List<String>> allowedOrigins();
  }

  /**
   * The RawSocket endpoint: WAMP over TCP with the 4-byte length prefix of the specification's
   * RawSocket transport, on a port of its own (not shared with HTTP).
   */
  interface RawSocketSettings {

    /**
     * The TCP port to listen on. Absent (the default): no RawSocket endpoint at all. {@code 0}: any
     * free port, which the router logs (for tests).
     */
    OptionalInt port();

    /** The address to listen on: {@code 0.0.0.0} for every IPv4 interface. */
    @WithDefault("0.0.0.0")
    String host();

    /**
     * The largest WAMP message accepted from a client, in bytes; absent, {@code
     * router.websocket.max-message-size}. The handshake can only announce a power of two from 512
     * bytes to 16 MiB, so the router announces the largest power of two not above this value (at
     * most 16 MiB) and enforces what it announced: a larger message ends that session with ABORT
     * {@code wamp.error.payload_size_exceeded}. Below 512 is an error.
     */
    OptionalInt maxMessageSize();

    /**
     * How many bytes may wait to be sent to one client; absent, {@code
     * router.websocket.max-outbound-queue}. A client that falls further behind is disconnected.
     */
    OptionalInt maxOutboundQueue();

    /**
     * After this long without anything from a client, the router sends it a RawSocket PING; after
     * twice this long, it closes the connection, which ends the session. A client must answer each
     * PING with a PONG echoing its payload. {@code 0} (the default) disables pings:
     * Autobahn|Python, the most common RawSocket client, does not implement RawSocket PING and
     * drops the connection when it gets one. Client PINGs are always answered.
     */
    @WithDefault("0s")
    Duration pingInterval();
  }
}
