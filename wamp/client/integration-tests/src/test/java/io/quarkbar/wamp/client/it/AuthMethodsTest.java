package io.quarkbar.wamp.client.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import io.quarkbar.wamp.client.Wamp;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The service joins router-service with every authentication method the client implements, each
 * with a secret made up for this run ({@link Secrets}; the router gets it through its environment,
 * the service through the test resource's in-memory configuration): the default connection by
 * cryptosign, the named ones by ticket, WAMP-CRA and salted WAMP-CRA. Each principal exists for its
 * method only, so a session with that authid proves the method; {@code it.app.whoami} answers the
 * identity the router disclosed for the caller.
 */
@QuarkusTest
@TestProfile(RouterServiceProfile.class)
@ExtendWith(LogsOnFailure.class)
class AuthMethodsTest {

  @Inject Wamp wamp;

  @ParameterizedTest(name = "{1}: {0}")
  @CsvSource({
    "<default>, cryptosign, sign-service",
    "ticket, ticket, ticket-service",
    "wampcra, wampcra, cra-service",
    "wampcra-salted, wampcra (salted), cra-salted-service"
  })
  void eachConnectionJoinsAsItsPrincipal(String connection, String method, String authid) {
    Wamp w = connection.equals("<default>") ? wamp : wamp.connection(connection);
    assertThat(w.isReady()).as("connection %s (%s) is ready", connection, method).isTrue();
    Map<String, Object> who =
        w.call("it.app.whoami", new TypeReference<Map<String, Object>>() {})
            .await()
            .atMost(Duration.ofSeconds(5));
    assertThat(who)
        .containsEntry("authid", authid)
        .containsEntry("authrole", "service")
        .hasEntrySatisfying("session", s -> assertThat(((Number) s).longValue()).isPositive());
  }
}
