package io.quarkbar.router.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkbar.wamp.protocol.uri.UriValidator;
import io.quarkbar.wamp.router.config.Action;
import io.quarkbar.wamp.router.config.AuthMethod;
import io.quarkbar.wamp.router.config.Disclose;
import io.quarkbar.wamp.router.config.DynamicProcedure;
import io.quarkbar.wamp.router.config.EventStoreRule;
import io.quarkbar.wamp.router.config.MatchPolicy;
import io.quarkbar.wamp.router.config.Permission;
import io.quarkbar.wamp.router.config.Principal;
import io.quarkbar.wamp.router.config.RealmConfig;
import io.quarkbar.wamp.router.config.RouterConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The configuration checks that turn a mistyped file into a start-up failure naming every mistake
 * by its key, instead of a router that silently allows or denies the wrong things. The settings go
 * through SmallRye Config as in the application, so the key paths are the ones a user writes.
 */
class RouterConfigFactoryTest {

  private static final String ANON = "router.realms.realm1.roles.anonymous.permissions";

  @Test
  void validConfigurationBecomesTheRoutersConfiguration() {
    RouterConfig config =
        RouterConfigFactory.create(
            settings(
                Map.of(
                    "router.realms.realm1.anonymous-role",
                    "anonymous",
                    ANON + "[0].uri",
                    "",
                    ANON + "[0].match",
                    "prefix",
                    ANON + "[0].allow",
                    "call,subscribe",
                    ANON + "[1].uri",
                    "com.example..update",
                    ANON + "[1].match",
                    "wildcard",
                    ANON + "[1].allow",
                    "Publish",
                    ANON + "[1].disclose",
                    "publisher",
                    "router.uri-check",
                    "strict")));

    assertThat(config.uriValidator()).isEqualTo(UriValidator.STRICT);
    assertThat(config.realms()).hasSize(1);
    RealmConfig realm = config.realms().getFirst();
    assertThat(realm.name()).isEqualTo("realm1");
    assertThat(realm.anonymousRole()).contains("anonymous");
    assertThat(realm.roles().get("anonymous"))
        .containsExactly(
            new Permission("", MatchPolicy.PREFIX, Set.of(Action.CALL, Action.SUBSCRIBE), Set.of()),
            new Permission(
                "com.example..update",
                MatchPolicy.WILDCARD,
                Set.of(Action.PUBLISH),
                Set.of(Disclose.PUBLISHER)));
  }

  @Test
  void everyMistakeIsListedWithItsKey() {
    RouterServiceConfig settings =
        settings(
            Map.of(
                "router.realms.realm1.anonymous-role",
                "ghost",
                ANON + "[0].uri",
                "com.example",
                ANON + "[0].match",
                "regex",
                ANON + "[0].allow",
                "call",
                ANON + "[1].uri",
                "com.example",
                ANON + "[1].allow",
                "call,fly",
                ANON + "[2].match",
                "exact",
                ANON + "[2].allow",
                "call",
                ANON + "[3].uri",
                "com.example",
                ANON + "[3].disclose",
                "everyone"));

    assertThatThrownBy(() -> RouterConfigFactory.create(settings))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .contains(
            ANON + "[0].match: 'regex' is not one of exact, prefix, wildcard",
            ANON + "[1].allow: 'fly' is not one of call, register, publish, subscribe",
            ANON + "[2].uri: required unless match is prefix",
            ANON + "[3].disclose: 'everyone' is not one of caller, publisher",
            "router.realms.realm1.anonymous-role: names role 'ghost', which the realm does not"
                + " define")
        .doesNotContain(ANON + "[1].uri", ANON + "[0].uri", ANON + "[3].uri");
  }

  @Test
  void webSocketLimitsMustBePositive() {
    RouterServiceConfig settings =
        settings(
            Map.of(
                "router.realms.realm1.anonymous-role",
                "anonymous",
                ANON + "[0].match",
                "prefix",
                ANON + "[0].allow",
                "call",
                "router.websocket.max-message-size",
                "0",
                "router.websocket.max-outbound-queue",
                "-1",
                "router.websocket.ping-interval",
                "-5s"));

    assertThatThrownBy(() -> RouterConfigFactory.create(settings))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .contains(
            "router.websocket.max-message-size: must be a positive number of bytes",
            "router.websocket.max-outbound-queue: must be a positive number of bytes",
            "router.websocket.ping-interval: must be 0 (no pings) or longer");
  }

  @Test
  void rawSocketSettingsAreCheckedWithTheirKeys() {
    RouterServiceConfig settings =
        settings(
            Map.of(
                "router.realms.realm1.anonymous-role",
                "anonymous",
                ANON + "[0].match",
                "prefix",
                ANON + "[0].allow",
                "call",
                "router.rawsocket.port",
                "70000",
                "router.rawsocket.max-message-size",
                "256",
                "router.rawsocket.max-outbound-queue",
                "0",
                "router.rawsocket.ping-interval",
                "-1s"));

    assertThatThrownBy(() -> RouterConfigFactory.create(settings))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .contains(
            "router.rawsocket.port: must be from 0 (any free port) to 65535",
            "router.rawsocket.max-message-size: must be from 512 to 16777216 bytes",
            "router.rawsocket.max-outbound-queue: must be a positive number of bytes",
            "router.rawsocket.ping-interval: must be 0 (no pings) or longer");
  }

  @Test
  void rawSocketInheritsAWebSocketMessageSizeOnlyIfAHandshakeCanAnnounceIt() {
    Map<String, String> base =
        Map.of(
            "router.realms.realm1.anonymous-role",
            "anonymous",
            ANON + "[0].match",
            "prefix",
            ANON + "[0].allow",
            "call",
            "router.websocket.max-message-size",
            "100");
    // Off, RawSocket asks nothing of the WebSocket settings.
    assertThat(RouterConfigFactory.create(settings(base)).realms()).hasSize(1);

    Map<String, String> on = new java.util.HashMap<>(base);
    on.put("router.rawsocket.port", "9100");
    assertThatThrownBy(() -> RouterConfigFactory.create(settings(on)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "router.rawsocket.max-message-size: must be set, since its default,"
                + " router.websocket.max-message-size, is below 512 bytes");

    on.put("router.rawsocket.max-message-size", "1000");
    assertThat(RouterConfigFactory.create(settings(on)).realms()).hasSize(1);
  }

  @Test
  void emptyUriIsRequiredForExactAndWildcardButMeansEverythingForPrefix() {
    RouterServiceConfig settings =
        settings(
            Map.of(
                "router.realms.realm1.anonymous-role",
                "anonymous",
                ANON + "[0].match",
                "wildcard",
                ANON + "[0].allow",
                "call",
                ANON + "[1].match",
                "prefix",
                ANON + "[1].allow",
                "call",
                ANON + "[2].allow",
                "call"));

    assertThatThrownBy(() -> RouterConfigFactory.create(settings))
        .message()
        .contains(ANON + "[0].uri: required", ANON + "[2].uri: required")
        .doesNotContain(ANON + "[1].uri");
  }

  @Test
  void invalidUrisAreNamedWithTheirPolicy() {
    RouterServiceConfig settings =
        settings(
            Map.of(
                "router.realms.realm1.anonymous-role",
                "anonymous",
                ANON + "[0].uri",
                "a..b",
                ANON + "[0].allow",
                "call",
                ANON + "[1].uri",
                "a b.",
                ANON + "[1].match",
                "prefix",
                ANON + "[1].allow",
                "call",
                ANON + "[2].uri",
                "a..b",
                ANON + "[2].match",
                "wildcard",
                ANON + "[2].allow",
                "call"));

    assertThatThrownBy(() -> RouterConfigFactory.create(settings))
        .message()
        .contains(
            ANON + "[0].uri: 'a..b' is not a valid exact pattern",
            ANON + "[1].uri: 'a b.' is not a valid prefix pattern")
        .doesNotContain(ANON + "[2]");
  }

  @Test
  void realmNameMustBeAUri() {
    RouterServiceConfig settings =
        settings(
            Map.of(
                "router.realms.\"bad realm\".roles.r.permissions[0].uri", "com.x",
                "router.realms.\"bad realm\".roles.r.permissions[0].allow", "call"));

    assertThatThrownBy(() -> RouterConfigFactory.create(settings))
        .message()
        .contains("router.realms.bad realm: the realm name is not a valid URI");
  }

  @Test
  void noRealmIsRefused() {
    RouterServiceConfig settings = settings(Map.of("router.uri-check", "loose"));

    assertThatThrownBy(() -> RouterConfigFactory.create(settings))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .contains("router.realms: no realm is configured");
  }

  @Test
  void realmWithoutAnonymousRoleIsValid() {
    RouterConfig config =
        RouterConfigFactory.create(
            settings(
                Map.of(
                    "router.realms.closed.roles.member.permissions[0].uri", "com.example.",
                    "router.realms.closed.roles.member.permissions[0].match", "prefix",
                    "router.realms.closed.roles.member.permissions[0].allow", "call")));

    assertThat(config.realms().getFirst().anonymousRole()).isEqualTo(Optional.empty());
  }

  private static final String SECURE = "router.realms.secure.";

  /** A realm {@code secure} with role {@code user}, plus {@code more} keys. */
  private static Map<String, String> secureRealm(String... more) {
    Map<String, String> p = new java.util.HashMap<>();
    p.put(SECURE + "roles.user.permissions[0].uri", "com.example.");
    p.put(SECURE + "roles.user.permissions[0].match", "prefix");
    p.put(SECURE + "roles.user.permissions[0].allow", "call");
    for (int i = 0; i < more.length; i += 2) {
      p.put(more[i], more[i + 1]);
    }
    return p;
  }

  @Test
  void authenticationMethodsBecomePrincipalsAndAuthenticators() {
    String pubkey =
        "a".repeat(0) + "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    RouterConfig config =
        RouterConfigFactory.create(
            settings(
                secureRealm(
                    SECURE + "auth.ticket.principals.t.ticket",
                    "tick",
                    SECURE + "auth.ticket.principals.t.role",
                    "user",
                    SECURE + "auth.ticket.principals.h.ticket-sha256",
                    "AB".repeat(32),
                    SECURE + "auth.ticket.principals.h.role",
                    "user",
                    SECURE + "auth.wampcra.principals.c.secret",
                    "key",
                    SECURE + "auth.wampcra.principals.c.salt",
                    "salt",
                    SECURE + "auth.wampcra.principals.c.role",
                    "user",
                    SECURE + "auth.cryptosign.authenticator.procedure",
                    "com.example.auth",
                    SECURE + "auth.cryptosign.authenticator.timeout",
                    "2s",
                    "router.limits.max-sessions",
                    "10",
                    "router.limits.hello-timeout",
                    "3s")));

    RealmConfig realm = config.realms().getFirst();
    assertThat(realm.anonymousRole()).isEmpty();
    assertThat(realm.authentication().get(AuthMethod.TICKET).principals())
        .containsEntry("t", new Principal("user", "tick"))
        .containsEntry("h", new Principal("user", "sha256:" + "ab".repeat(32)));
    assertThat(realm.authentication().get(AuthMethod.WAMPCRA).principals().get("c").salt())
        .contains(new Principal.CraSalt("salt", 1000, 32));
    assertThat(realm.authentication().get(AuthMethod.CRYPTOSIGN).authenticator())
        .contains(new DynamicProcedure("com.example.auth", "secure", Duration.ofSeconds(2)));
    assertThat(config.limits().maxSessions()).isEqualTo(10);
    assertThat(config.limits().helloTimeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void everyAuthenticationMistakeIsListedWithItsKey() {
    String p = SECURE + "auth.";
    RouterServiceConfig settings =
        settings(
            secureRealm(
                p + "ticket.principals.a.role",
                "ghost",
                p + "ticket.principals.a.ticket",
                "x",
                p + "ticket.principals.b.role",
                "user",
                p + "ticket.principals.b.ticket",
                "x",
                p + "ticket.principals.b.ticket-sha256",
                "12",
                p + "ticket.principals.c.role",
                "user",
                p + "ticket.principals.c.secret",
                "x",
                p + "ticket.principals.c.ticket",
                "",
                p + "wampcra.principals.d.role",
                "user",
                p + "cryptosign.principals.e.role",
                "user",
                p + "cryptosign.principals.e.pubkey",
                "abc",
                "router.realms.other.roles.user.permissions[0].uri",
                "com.",
                "router.realms.other.roles.user.permissions[0].match",
                "prefix",
                "router.realms.other.auth.ticket.authenticator.procedure",
                "a b",
                "router.realms.other.auth.ticket.authenticator.realm",
                "nowhere",
                "router.realms.other.auth.wampcra.principals.x.role",
                "user",
                "router.realms.other.auth.wampcra.principals.x.secret",
                "s",
                "router.realms.other.auth.wampcra.authenticator.procedure",
                "com.x",
                "router.realms.other.authorizer.procedure",
                "com.authz",
                "router.realms.other.authorizer.realm",
                "elsewhere",
                "router.limits.max-nesting-depth",
                "500"));

    assertThatThrownBy(() -> RouterConfigFactory.create(settings))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .contains(
            p + "ticket.principals.a.role: names role 'ghost', which the realm does not define",
            p + "ticket.principals.b: give ticket or ticket-sha256, not both",
            p + "ticket.principals.c.secret: does not apply to ticket",
            p + "ticket.principals.c.ticket: required (an empty value counts as none",
            p + "wampcra.principals.d.secret: required for wampcra",
            p + "cryptosign.principals.e.pubkey: must be an Ed25519 public key in hex",
            "router.realms.other.auth.ticket.authenticator.procedure: 'a b' is not a valid URI",
            "router.realms.other.auth.ticket.authenticator.realm: no realm nowhere",
            "router.realms.other.auth.wampcra: give principals or an authenticator, not both",
            "router.realms.other.authorizer.realm: no realm elsewhere",
            "router.limits.max-nesting-depth: must be from 4");
  }

  @Test
  void eventRulesAreReadAndCheckedWithTheirKeys() {
    RouterConfig config =
        RouterConfigFactory.create(
            settings(
                secureRealm(
                    SECURE + "anonymous-role", "user",
                    SECURE + "events[0].uri", "com.example.sensor.",
                    SECURE + "events[0].match", "prefix",
                    SECURE + "events[0].retain", "true",
                    SECURE + "events[1].uri", "com.example.log",
                    SECURE + "events[1].history", "50")));
    assertThat(config.realms().getFirst().events())
        .containsExactly(
            new EventStoreRule("com.example.sensor.", MatchPolicy.PREFIX, true, 0),
            new EventStoreRule("com.example.log", MatchPolicy.EXACT, false, 50));

    assertThatThrownBy(
            () ->
                RouterConfigFactory.create(
                    settings(
                        secureRealm(
                            SECURE + "anonymous-role", "user",
                            SECURE + "events[0].uri", "a..b",
                            SECURE + "events[0].history", "20000",
                            SECURE + "events[1].uri", "com.x"))))
        .message()
        .contains(
            SECURE + "events[0].uri: 'a..b' is not a valid exact pattern",
            SECURE + "events[0].history: must be from 0 to 10000",
            SECURE + "events[1]: keeps nothing");
  }

  @Test
  void secretsWrittenIntoAFileAreFoundButThoseFromTheEnvironmentAreNot() {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withSources(
                new PropertiesConfigSource(
                    Map.of(
                        SECURE + "auth.ticket.principals.a.ticket", "written-here",
                        SECURE + "auth.ticket.principals.b.ticket", "${B_TICKET:x}",
                        SECURE + "auth.wampcra.principals.c.secret", "also-here",
                        SECURE + "auth.cryptosign.principals.d.pubkey", "not-a-secret"),
                    "file",
                    500))
            .build();

    assertThat(LiteralSecrets.find(config))
        .containsExactlyInAnyOrder(
            SECURE + "auth.ticket.principals.a.ticket",
            SECURE + "auth.wampcra.principals.c.secret");
  }

  private static RouterServiceConfig settings(Map<String, String> properties) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(RouterServiceConfig.class)
            // Durations as Quarkus reads them ("30s"), not only ISO-8601 ("PT30S").
            .withConverter(Duration.class, 100, new DurationConverter())
            .withSources(new PropertiesConfigSource(properties, "test", 500))
            .build();
    return config.getConfigMapping(RouterServiceConfig.class);
  }
}
