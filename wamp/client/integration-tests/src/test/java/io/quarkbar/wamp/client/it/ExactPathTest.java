package io.quarkbar.wamp.client.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.client.Wamp;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The client connects to the URL it is given, path and all: {@code quarkbar.wamp.url =
 * ws://127.0.0.1:PORT/ws} against fox-wamp serving exactly {@code /ws} (its ws library, like
 * jawampa's netty handler, matches the request path exactly).
 *
 * <p>It once requested {@code GET /ws/} (websockets-next appends "/" to a base URI's path), which
 * fox-wamp answers with 400 while router-service accepts it.
 */
@QuarkusTest
@TestProfile(ExactPathTest.Profile.class)
@ExtendWith(LogsOnFailure.class)
class ExactPathTest {

  public static class Profile implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(ForeignRouterResource.FoxWampExactPath.class));
    }
  }

  @Inject Wamp wamp;

  @Test
  void theClientRequestsTheConfiguredPath() {
    assertThat(wamp.isReady()).as("joined fox-wamp at /ws").isTrue();
    assertThat(wamp.connection("other").isReady()).isTrue();
    wamp.publish("it.app.inbox").args("x").send(false).await().atMost(Duration.ofSeconds(5));
  }
}
