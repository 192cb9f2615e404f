package io.quarkbar.wamp.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.protocol.message.Abort;
import io.quarkbar.wamp.protocol.message.Authenticate;
import io.quarkbar.wamp.protocol.message.Challenge;
import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Subscribe;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.protocol.uri.UriValidator;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.config.Action;
import io.quarkbar.wamp.router.config.AuthMethod;
import io.quarkbar.wamp.router.config.Disclose;
import io.quarkbar.wamp.router.config.DynamicProcedure;
import io.quarkbar.wamp.router.config.Limits;
import io.quarkbar.wamp.router.config.MatchPolicy;
import io.quarkbar.wamp.router.config.MethodConfig;
import io.quarkbar.wamp.router.config.Permission;
import io.quarkbar.wamp.router.config.Principal;
import io.quarkbar.wamp.router.config.RealmConfig;
import io.quarkbar.wamp.router.config.RouterConfig;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Authentication through the router core: each method with right and wrong credentials, static
 * principals and dynamic authenticators, the spec's errors, the join deadlines and the slow-down of
 * addresses that fail. Clients speak JSON through the in-memory transport; the crypto on the client
 * side is computed here independently, the way Autobahn computes it.
 */
@SuppressWarnings("unchecked")
class AuthenticationTest {

  static final String SECURE = "secure";
  static final String DYNAMIC = "dynamic";
  static final String AUTHENTICATOR = "com.example.authenticate";
  static final String TICKET = "s3cret-ticket";
  static final String CRA_SECRET = "cra-s3cret";
  static final String PASSWORD = "password";
  static final String SALT = "salt123";

  private static final Permission ALL =
      new Permission(
          "com.example.",
          MatchPolicy.PREFIX,
          EnumSet.allOf(Action.class),
          EnumSet.noneOf(Disclose.class));

  static final KeyPair SIGNER = ed25519();
  static final KeyPair STRANGER = ed25519();

  /** Limits with short deadlines, so that the tests of them are quick. */
  static final Limits LIMITS = Limits.DEFAULT.withHelloTimeout(Duration.ofMillis(300));

  Router router;

  @BeforeEach
  void start() {
    router = new Router(config(LIMITS, Duration.ofMillis(300)));
  }

  static RouterConfig config(Limits limits, Duration authenticatorTimeout) {
    Map<String, List<Permission>> roles = Map.of("user", List.of(ALL), "admin", List.of(ALL));
    RealmConfig secure =
        new RealmConfig(
            SECURE,
            Optional.empty(),
            roles,
            Map.of(
                AuthMethod.TICKET,
                MethodConfig.of(
                    Map.of(
                        "ticket-user", new Principal("user", TICKET),
                        "hashed-user", new Principal("user", "sha256:" + sha256Hex(TICKET)),
                        "ghost-role", new Principal("nobody", TICKET))),
                AuthMethod.WAMPCRA,
                MethodConfig.of(
                    Map.of(
                        "cra-user",
                        new Principal("user", CRA_SECRET),
                        "salted-user",
                        new Principal(
                            "user",
                            deriveKey(PASSWORD, SALT, 100, 32),
                            Optional.of(new Principal.CraSalt(SALT, 100, 32))))),
                AuthMethod.CRYPTOSIGN,
                MethodConfig.of(Map.of("sign-user", new Principal("admin", pubkeyHex(SIGNER))))),
            Optional.empty());
    DynamicProcedure authenticator =
        new DynamicProcedure(AUTHENTICATOR, SECURE, authenticatorTimeout);
    RealmConfig dynamic =
        new RealmConfig(
            DYNAMIC,
            Optional.of("user"),
            roles,
            Map.of(
                AuthMethod.TICKET, MethodConfig.dynamic(authenticator),
                AuthMethod.WAMPCRA, MethodConfig.dynamic(authenticator),
                AuthMethod.CRYPTOSIGN, MethodConfig.dynamic(authenticator)),
            Optional.empty());
    return new RouterConfig(List.of(secure, dynamic), UriValidator.LOOSE, limits);
  }

  TestClient client() {
    return TestClient.connect(router, Serializer.JSON);
  }

  static Map<String, Object> auth(String method, String authid) {
    return Map.of("authmethods", List.of(method), "authid", authid);
  }

  @Nested
  class Ticket {

    @Test
    void rightTicketJoinsWithThePrincipalsIdentity() {
      TestClient c = client();
      c.hello(SECURE, auth("ticket", "ticket-user"));

      assertThat(c.expect(Challenge.class).authMethod()).isEqualTo("ticket");
      c.send(new Authenticate(TICKET, Map.of()));

      Welcome welcome = c.welcomed();
      assertThat(welcome.details())
          .containsEntry("authid", "ticket-user")
          .containsEntry("authrole", "user")
          .containsEntry("authmethod", "ticket")
          .containsEntry("authprovider", "static");
    }

    @Test
    void ticketGivenAsItsSha256IsCheckedAgainstTheHash() {
      TestClient c = client();
      c.hello(SECURE, auth("ticket", "hashed-user"));
      c.expect(Challenge.class);
      c.send(new Authenticate(TICKET, Map.of()));

      assertThat(c.welcomed().details()).containsEntry("authid", "hashed-user");
    }

    @Test
    void wrongTicketIsDenied() {
      TestClient c = client();
      c.hello(SECURE, auth("ticket", "ticket-user"));
      c.expect(Challenge.class);
      c.send(new Authenticate(TICKET + "x", Map.of()));

      c.expectAbort(WampUris.AUTHENTICATION_DENIED);
      assertThat(router.sessionCount()).isZero();
    }

    @Test
    void unknownAuthidIsNoSuchPrincipal() {
      TestClient c = client();
      c.hello(SECURE, auth("ticket", "nobody"));

      c.expectAbort(WampUris.NO_SUCH_PRINCIPAL);
    }

    @Test
    void principalWhoseRoleTheRealmLacksIsNoSuchRole() {
      TestClient c = client();
      c.hello(SECURE, auth("ticket", "ghost-role"));
      c.expect(Challenge.class);
      c.send(new Authenticate(TICKET, Map.of()));

      c.expectAbort(WampUris.NO_SUCH_ROLE);
    }
  }

  @Nested
  class WampCra {

    @Test
    void signedChallengeJoins() {
      TestClient c = client();
      c.hello(SECURE, auth("wampcra", "cra-user"));

      Challenge challenge = c.expect(Challenge.class);
      assertThat(challenge.authMethod()).isEqualTo("wampcra");
      String text = (String) challenge.extra().get("challenge");
      assertThat(text).contains("\"authid\":\"cra-user\"").contains("\"nonce\"");
      assertThat(challenge.extra()).doesNotContainKey("salt");
      c.send(new Authenticate(sign(CRA_SECRET, text), Map.of()));

      assertThat(c.welcomed().details())
          .containsEntry("authid", "cra-user")
          .containsEntry("authmethod", "wampcra");
    }

    @Test
    void saltedPrincipalSendsTheKeyDerivationAndAcceptsTheDerivedKeysSignature() {
      TestClient c = client();
      c.hello(SECURE, auth("wampcra", "salted-user"));

      Challenge challenge = c.expect(Challenge.class);
      assertThat(challenge.extra())
          .containsEntry("salt", SALT)
          .containsEntry("iterations", 100L)
          .containsEntry("keylen", 32L);
      String key = deriveKey(PASSWORD, SALT, 100, 32);
      c.send(new Authenticate(sign(key, (String) challenge.extra().get("challenge")), Map.of()));

      assertThat(c.welcomed().details()).containsEntry("authid", "salted-user");
    }

    @Test
    void signatureWithTheWrongSecretIsDenied() {
      TestClient c = client();
      c.hello(SECURE, auth("wampcra", "cra-user"));
      Challenge challenge = c.expect(Challenge.class);
      c.send(
          new Authenticate(sign("guess", (String) challenge.extra().get("challenge")), Map.of()));

      c.expectAbort(WampUris.AUTHENTICATION_DENIED);
    }

    @Test
    void eachChallengeIsNew() {
      TestClient a = client();
      a.hello(SECURE, auth("wampcra", "cra-user"));
      TestClient b = client();
      b.hello(SECURE, auth("wampcra", "cra-user"));

      assertThat(a.expect(Challenge.class).extra().get("challenge"))
          .isNotEqualTo(b.expect(Challenge.class).extra().get("challenge"));
    }
  }

  @Nested
  class Cryptosign {

    @Test
    void signatureByTheConfiguredKeyJoinsAsItsPrincipal() {
      TestClient c = client();
      c.hello(
          SECURE,
          Map.of(
              "authmethods",
              List.of("cryptosign"),
              "authextra",
              Map.of("pubkey", pubkeyHex(SIGNER))));

      Challenge challenge = c.expect(Challenge.class);
      byte[] data = HexFormat.of().parseHex((String) challenge.extra().get("challenge"));
      c.send(
          new Authenticate(
              HexFormat.of().formatHex(ed25519Sign(SIGNER.getPrivate(), data)), Map.of()));

      assertThat(c.welcomed().details())
          .containsEntry("authid", "sign-user")
          .containsEntry("authrole", "admin")
          .containsEntry("authmethod", "cryptosign");
    }

    @Test
    void autobahnsSignatureFollowedByTheChallengeIsAccepted() {
      TestClient c = client();
      c.hello(
          SECURE,
          Map.of(
              "authmethods",
              List.of("cryptosign"),
              "authid",
              "sign-user",
              "authextra",
              Map.of("pubkey", pubkeyHex(SIGNER))));

      String hex = (String) c.expect(Challenge.class).extra().get("challenge");
      byte[] data = HexFormat.of().parseHex(hex);
      c.send(
          new Authenticate(
              HexFormat.of().formatHex(ed25519Sign(SIGNER.getPrivate(), data)) + hex, Map.of()));

      assertThat(c.welcomed().details()).containsEntry("authid", "sign-user");
    }

    @Test
    void signatureByAnotherKeyIsDenied() {
      TestClient c = client();
      c.hello(
          SECURE,
          Map.of(
              "authmethods",
              List.of("cryptosign"),
              "authextra",
              Map.of("pubkey", pubkeyHex(SIGNER))));
      byte[] data =
          HexFormat.of().parseHex((String) c.expect(Challenge.class).extra().get("challenge"));
      c.send(
          new Authenticate(
              HexFormat.of().formatHex(ed25519Sign(STRANGER.getPrivate(), data)), Map.of()));

      c.expectAbort(WampUris.AUTHENTICATION_DENIED);
    }

    @Test
    void unknownKeyIsNoSuchPrincipal() {
      TestClient c = client();
      c.hello(
          SECURE,
          Map.of(
              "authmethods",
              List.of("cryptosign"),
              "authextra",
              Map.of("pubkey", pubkeyHex(STRANGER))));

      c.expectAbort(WampUris.NO_SUCH_PRINCIPAL);
    }

    @Test
    void authidThatDoesNotOwnTheKeyIsNoSuchPrincipal() {
      TestClient c = client();
      c.hello(
          SECURE,
          Map.of(
              "authmethods",
              List.of("cryptosign"),
              "authid",
              "cra-user",
              "authextra",
              Map.of("pubkey", pubkeyHex(SIGNER))));

      c.expectAbort(WampUris.NO_SUCH_PRINCIPAL);
    }

    @Test
    void channelBindingIsRefusedRatherThanIgnored() {
      TestClient c = client();
      c.hello(
          SECURE,
          Map.of(
              "authmethods",
              List.of("cryptosign"),
              "authextra",
              Map.of("pubkey", pubkeyHex(SIGNER), "channel_binding", "tls-unique")));

      Abort abort = c.expectAbort(WampUris.AUTHENTICATION_FAILED);
      assertThat(abort.details().get("message").toString()).contains("tls-unique");
    }
  }

  @Nested
  class MethodChoice {

    @Test
    void theFirstMethodInTheClientsOrderThatTheRealmAcceptsIsUsed() {
      TestClient c = client();
      c.hello(
          SECURE,
          Map.of("authmethods", List.of("scram", "wampcra", "ticket"), "authid", "cra-user"));

      assertThat(c.expect(Challenge.class).authMethod()).isEqualTo("wampcra");
    }

    @Test
    void noAcceptedMethodIsNoMatchingAuthMethodAndSaysWhatTheRealmAccepts() {
      TestClient c = client();
      c.hello(SECURE, Map.of("authmethods", List.of("anonymous", "scram")));

      Abort abort = c.expectAbort(WampUris.NO_MATCHING_AUTH_METHOD);
      assertThat(abort.details().get("message").toString()).contains("ticket, wampcra, cryptosign");
    }

    @Test
    void helloWithoutAuthmethodsIsAnonymousWhichASecureRealmRefuses() {
      TestClient c = client();
      c.hello(SECURE, Map.of());

      c.expectAbort(WampUris.NO_MATCHING_AUTH_METHOD);
    }

    @Test
    void anonymousClientsClaimToAnAuthidIsIgnored() {
      TestClient c = client();
      c.hello(DYNAMIC, Map.of("authid", "admin", "authrole", "admin"));

      Welcome welcome = c.welcomed();
      assertThat(welcome.details().get("authid")).isEqualTo("anonymous-" + welcome.session());
      assertThat(welcome.details()).containsEntry("authrole", "user");
    }
  }

  @Nested
  class Dynamic {

    TestClient authenticator;

    @BeforeEach
    void registerAuthenticator() {
      authenticator = client();
      authenticator.hello(SECURE, auth("ticket", "ticket-user"));
      authenticator.expect(Challenge.class);
      authenticator.send(new Authenticate(TICKET, Map.of()));
      authenticator.welcomed();
      authenticator.register(AUTHENTICATOR);
    }

    /** Takes the authenticator's INVOCATION and answers it with {@code result}. */
    Invocation answer(Object result) {
      Invocation invocation = authenticator.expect(Invocation.class);
      authenticator.send(new Yield(invocation.request(), Map.of(), List.of(result), Map.of()));
      return invocation;
    }

    @Test
    void ticketIsCheckedByTheAuthenticatorInAnotherRealm() {
      TestClient c = client();
      c.hello(DYNAMIC, auth("ticket", "alice"));
      c.expect(Challenge.class);
      c.send(new Authenticate("token-123", Map.of()));

      Invocation invocation = answer("user");

      assertThat(invocation.arguments()).hasSize(3);
      assertThat(invocation.arguments().get(0)).isEqualTo(DYNAMIC);
      assertThat(invocation.arguments().get(1)).isEqualTo("alice");
      assertThat((Map<Object, Object>) invocation.arguments().get(2))
          .containsEntry("ticket", "token-123")
          .containsEntry("authmethod", "ticket");
      assertThat(c.welcomed().details())
          .containsEntry("authid", "alice")
          .containsEntry("authrole", "user")
          .containsEntry("authprovider", "dynamic");
    }

    @Test
    void aDictAnswerMayRenameTheAuthidAndAddExtra() {
      TestClient c = client();
      c.hello(DYNAMIC, auth("ticket", "alice"));
      c.expect(Challenge.class);
      c.send(new Authenticate("token", Map.of()));
      answer(Map.of("role", "admin", "authid", "alice@example.com", "extra", Map.of("n", 1)));

      assertThat(c.welcomed().details())
          .containsEntry("authid", "alice@example.com")
          .containsEntry("authrole", "admin")
          .containsEntry("authextra", Map.of("n", 1L));
    }

    @Test
    void aSpecErrorFromTheAuthenticatorReachesTheClientWithItsMessage() {
      TestClient c = client();
      c.hello(DYNAMIC, auth("ticket", "alice"));
      c.expect(Challenge.class);
      c.send(new Authenticate("expired", Map.of()));
      Invocation inv = authenticator.expect(Invocation.class);
      authenticator.send(
          new Error(
              Invocation.CODE,
              inv.request(),
              Map.of(),
              WampUris.AUTHENTICATION_DENIED,
              List.of("the token has expired"),
              Map.of()));

      Abort abort = c.expectAbort(WampUris.AUTHENTICATION_DENIED);
      assertThat(abort.details()).containsEntry("message", "the token has expired");
    }

    @Test
    void anApplicationErrorBecomesAuthenticationFailed() {
      TestClient c = client();
      c.hello(DYNAMIC, auth("ticket", "alice"));
      c.expect(Challenge.class);
      c.send(new Authenticate("x", Map.of()));
      Invocation inv = authenticator.expect(Invocation.class);
      authenticator.send(
          new Error(
              Invocation.CODE,
              inv.request(),
              Map.of(),
              "com.example.bad_token",
              List.of(),
              Map.of()));

      c.expectAbort(WampUris.AUTHENTICATION_FAILED);
    }

    @Test
    void aRoleTheRealmLacksIsNoSuchRole() {
      TestClient c = client();
      c.hello(DYNAMIC, auth("ticket", "alice"));
      c.expect(Challenge.class);
      c.send(new Authenticate("x", Map.of()));
      answer("superuser");

      c.expectAbort(WampUris.NO_SUCH_ROLE);
    }

    @Test
    void anAnswerWithoutARoleFails() {
      TestClient c = client();
      c.hello(DYNAMIC, auth("ticket", "alice"));
      c.expect(Challenge.class);
      c.send(new Authenticate("x", Map.of()));
      answer(Map.of("authid", "alice"));

      c.expectAbort(WampUris.AUTHENTICATION_FAILED);
    }

    @Test
    void anAuthenticatorRegisteredWhileAJoinWaitsForItAnswersThatJoin() {
      authenticator.disconnect();
      TestClient c = client();
      c.hello(DYNAMIC, auth("ticket", "alice"));
      c.expect(Challenge.class);
      c.send(new Authenticate("token", Map.of()));
      // The service that registers it comes back (after a router restart, say) within the timeout.
      registerAuthenticator();

      answer("user");

      assertThat(c.welcomed().details()).containsEntry("authid", "alice");
    }

    @Test
    void anAuthenticatorThatStaysUnregisteredFailsTheJoinWithinItsTimeoutSayingSo() {
      authenticator.disconnect();
      TestClient c = client();
      c.hello(DYNAMIC, auth("ticket", "alice"));
      c.expect(Challenge.class);
      c.send(new Authenticate("x", Map.of()));

      Abort abort = c.expectAbort(WampUris.AUTHENTICATION_FAILED);
      assertThat(abort.details().get("message").toString()).contains("not registered");
    }

    @Test
    void anAuthenticatorThatDoesNotAnswerFailsTheJoinAfterItsTimeout() {
      TestClient c = client();
      c.hello(DYNAMIC, auth("ticket", "alice"));
      c.expect(Challenge.class);
      c.send(new Authenticate("x", Map.of()));
      authenticator.expect(Invocation.class);

      Abort abort = c.expect(Abort.class);
      assertThat(abort.reason()).isEqualTo(WampUris.AUTHENTICATION_FAILED);
      assertThat(abort.details().get("message").toString())
          .contains("did not answer within 300 ms");
    }

    @Test
    void aMessageWhileTheAuthenticatorDecidesIsAProtocolViolation() {
      TestClient c = client();
      c.hello(DYNAMIC, auth("ticket", "alice"));
      c.expect(Challenge.class);
      c.send(new Authenticate("x", Map.of()));
      c.send(new Subscribe(1, Map.of(), "com.example.topic"));

      c.expectAbort(WampUris.PROTOCOL_VIOLATION);
    }

    @Test
    void wampcraSecretComesFromTheAuthenticator() {
      TestClient c = client();
      c.hello(DYNAMIC, auth("wampcra", "bob"));
      Invocation inv = answer(Map.of("role", "user", "secret", "bobs-key"));
      assertThat((Map<Object, Object>) inv.arguments().get(2))
          .containsEntry("authmethod", "wampcra");

      Challenge challenge = c.expect(Challenge.class);
      c.send(
          new Authenticate(
              sign("bobs-key", (String) challenge.extra().get("challenge")), Map.of()));

      assertThat(c.welcomed().details())
          .containsEntry("authid", "bob")
          .containsEntry("authprovider", "dynamic");
    }

    @Test
    void cryptosignKeyIsVouchedForByTheAuthenticator() {
      TestClient c = client();
      c.hello(
          DYNAMIC,
          Map.of(
              "authmethods",
              List.of("cryptosign"),
              "authextra",
              Map.of("pubkey", pubkeyHex(STRANGER))));
      Invocation inv = answer(Map.of("role", "user", "authid", "carol"));
      assertThat((Map<Object, Object>) inv.arguments().get(2))
          .extracting(d -> d.get("authextra"))
          .isEqualTo(Map.of("pubkey", pubkeyHex(STRANGER)));

      byte[] data =
          HexFormat.of().parseHex((String) c.expect(Challenge.class).extra().get("challenge"));
      c.send(
          new Authenticate(
              HexFormat.of().formatHex(ed25519Sign(STRANGER.getPrivate(), data)), Map.of()));

      assertThat(c.welcomed().details()).containsEntry("authid", "carol");
    }
  }

  @Nested
  class Deadlines {

    @Test
    void aConnectionThatSendsNoHelloIsClosed() throws InterruptedException {
      TestClient c = client();

      Thread.sleep(600);

      assertThat(c.isClosed()).isTrue();
    }

    @Test
    void aChallengeThatIsNotAnsweredEndsTheJoin() {
      TestClient c = client();
      c.hello(SECURE, auth("ticket", "ticket-user"));
      c.expect(Challenge.class);

      Abort abort = c.expect(Abort.class);
      assertThat(abort.reason()).isEqualTo(WampUris.AUTHENTICATION_FAILED);
      assertThat(abort.details().get("message").toString()).contains("no AUTHENTICATE");
    }

    @Test
    void authenticateWithoutChallengeIsAProtocolViolation() {
      TestClient c = client();
      c.send(new Authenticate(TICKET, Map.of()));

      c.expectAbort(WampUris.PROTOCOL_VIOLATION);
    }

    @Test
    void aSecondAuthenticateIsAProtocolViolation() {
      router = new Router(config(LIMITS, Duration.ofSeconds(5)));
      TestClient authenticator = client();
      authenticator.hello(SECURE, auth("ticket", "ticket-user"));
      authenticator.expect(Challenge.class);
      authenticator.send(new Authenticate(TICKET, Map.of()));
      authenticator.welcomed();
      authenticator.register(AUTHENTICATOR);
      TestClient c = client();
      c.hello(DYNAMIC, auth("ticket", "alice"));
      c.expect(Challenge.class);
      c.send(new Authenticate("one", Map.of()));
      c.send(new Authenticate("two", Map.of()));

      c.expectAbort(WampUris.PROTOCOL_VIOLATION);
    }
  }

  @Nested
  class Throttling {

    @Test
    void afterAFailureAnAddressWaitsForItsNextVerdictWhileOthersDoNot() {
      Limits slow =
          new Limits(
              100,
              100,
              100,
              100,
              100,
              Duration.ofSeconds(5),
              Duration.ofMillis(400),
              Duration.ofSeconds(2));
      router = new Router(config(slow, Duration.ofSeconds(1)));
      TestClient attacker = TestClient.connectFrom(router, "10.0.0.66");
      attacker.hello(SECURE, auth("ticket", "ticket-user"));
      attacker.expect(Challenge.class);
      attacker.send(new Authenticate("guess", Map.of()));
      attacker.expect(Abort.class);

      TestClient again = TestClient.connectFrom(router, "10.0.0.66");
      again.hello(SECURE, auth("ticket", "ticket-user"));
      again.expect(Challenge.class);
      long start = System.nanoTime();
      again.send(new Authenticate(TICKET, Map.of()));
      again.welcomed();
      long waitedMs = (System.nanoTime() - start) / 1_000_000;

      TestClient bystander = TestClient.connectFrom(router, "10.0.0.7");
      bystander.hello(SECURE, auth("ticket", "ticket-user"));
      bystander.expect(Challenge.class);
      bystander.send(new Authenticate(TICKET, Map.of()));
      // Verdicts are synchronous for an address without failures: WELCOME is already there.
      assertThat(bystander.poll(Duration.ZERO)).isInstanceOf(Welcome.class);
      assertThat(waitedMs).isGreaterThanOrEqualTo(300);
    }
  }

  @Nested
  class SessionLimits {

    @Test
    void sessionsBeyondTheLimitPerAddressAreAbortedSayingWhy() {
      Limits two =
          new Limits(100, 2, 100, 100, 100, Duration.ofSeconds(5), Duration.ZERO, Duration.ZERO);
      router = new Router(RouterConfig.openRealm("realm1").withLimits(two));
      TestClient.connectFrom(router, "10.0.0.1").join("realm1");
      TestClient.connectFrom(router, "10.0.0.1").join("realm1");
      TestClient third = TestClient.connectFrom(router, "10.0.0.1");
      third.hello("realm1", Map.of());

      Abort abort = third.expectAbort(Limits.TOO_MANY_SESSIONS);
      assertThat(abort.details().get("message").toString()).contains("2 sessions from one address");
      TestClient.connectFrom(router, "10.0.0.2").join("realm1");
    }

    @Test
    void sessionsBeyondTheTotalLimitAreAbortedAndALeavingSessionMakesRoom() {
      Limits two =
          new Limits(2, 100, 100, 100, 100, Duration.ofSeconds(5), Duration.ZERO, Duration.ZERO);
      router = new Router(RouterConfig.openRealm("realm1").withLimits(two));
      TestClient first = TestClient.joined(router, Serializer.JSON, "realm1");
      TestClient.joined(router, Serializer.JSON, "realm1");
      TestClient third = client();
      third.hello("realm1", Map.of());
      third.expectAbort(Limits.TOO_MANY_SESSIONS);

      first.disconnect();

      TestClient.joined(router, Serializer.JSON, "realm1");
    }
  }

  static String sign(String key, String challenge) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return Base64.getEncoder()
          .encodeToString(mac.doFinal(challenge.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Autobahn's {@code derive_key}: base64(PBKDF2-HMAC-SHA256(password, salt)). */
  static String deriveKey(String password, String salt, int iterations, int keylen) {
    try {
      PBEKeySpec spec =
          new PBEKeySpec(
              password.toCharArray(),
              salt.getBytes(StandardCharsets.UTF_8),
              iterations,
              keylen * 8);
      byte[] key =
          SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
      return Base64.getEncoder().encodeToString(key);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyPair ed25519() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The raw 32-byte public key, in hex: the last 32 bytes of its X.509 encoding. */
  static String pubkeyHex(KeyPair pair) {
    byte[] der = pair.getPublic().getEncoded();
    return HexFormat.of().formatHex(Arrays.copyOfRange(der, der.length - 32, der.length));
  }

  static byte[] ed25519Sign(PrivateKey key, byte[] data) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key);
      s.update(data);
      return s.sign();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String sha256Hex(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
