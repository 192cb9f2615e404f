package io.quarkbar.wamp.client.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.protocol.message.Challenge;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The methods' answers, against published test vectors. */
class CredentialsTest {

  /** RFC 8032, section 7.1, test 1: the empty message. */
  static final String SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

  static final String PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

  @Test
  void cryptosignDerivesThePublicKeyOfItsSeedAsRfc8032Does() {
    Credentials.Cryptosign c = new Credentials.Cryptosign("a", SEED);

    assertThat(c.publicKey()).isEqualTo(PUBLIC);
    assertThat(c.authextra()).containsEntry("pubkey", PUBLIC);
  }

  @Test
  void cryptosignAnswersWithTheSignatureFollowedByTheChallenge() {
    Credentials.Cryptosign c = new Credentials.Cryptosign("a", SEED);
    String challenge = "00".repeat(32);

    String answer = c.answer(new Challenge("cryptosign", Map.of("challenge", challenge)));

    assertThat(answer).hasSize(192).endsWith(challenge);
  }

  @Test
  void wampcraDerivesTheSaltedKeyAsAutobahnDoes() {
    // What Autobahn|Python 22.7.1 answers: autobahn.wamp.auth.derive_key("secret", "salt123", 100,
    // 16)
    assertThat(Credentials.WampCra.deriveKey("secret", "salt123", 100, 16))
        .isEqualTo("EX1Y3Q9BMM2oGLxsGqDgFQ==");
  }
}
