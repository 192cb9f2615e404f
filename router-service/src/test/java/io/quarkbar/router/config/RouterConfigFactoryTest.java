package io.quarkbar.router.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkbar.wamp.protocol.uri.UriValidator;
import io.quarkbar.wamp.router.config.Action;
import io.quarkbar.wamp.router.config.Disclose;
import io.quarkbar.wamp.router.config.MatchPolicy;
import io.quarkbar.wamp.router.config.Permission;
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
