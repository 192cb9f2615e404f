package io.quarkbar.router.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
     * disables pings, and then nothing closes a quiet connection, however long it stays silent.
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
}
