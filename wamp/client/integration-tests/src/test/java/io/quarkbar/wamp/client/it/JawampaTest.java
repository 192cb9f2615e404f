package io.quarkbar.wamp.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.quarkbar.wamp.client.WampException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The service against jawampa 0.5.0's router (json; msgpack for connection {@code other}).
 *
 * <p>What jawampa does differently, seen on the wire (README.md has the exchanges): its WELCOME
 * announces {@code roles: {dealer: {}, broker: {}}}, no features at all; its dealer drops {@code
 * receive_progress} (the callee is invoked without it and answers with one final RESULT) and
 * discloses nobody (INVOCATION and EVENT details are empty); it refuses a pattern-based
 * registration ({@code wamp.error.invalid_uri}); it honours {@code exclude_me: false}. None of that
 * touches what the contract checks, except progressive results.
 */
@QuarkusTest
@TestProfile(JawampaTest.Profile.class)
@ExtendWith(LogsOnFailure.class)
class JawampaTest extends ForeignRouterContract {

  public static class Profile implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(ForeignRouterResource.Jawampa.class));
    }
  }

  /**
   * jawampa's dealer does not support progressive call results, so {@code it.app.count}, invoked
   * without {@code receive_progress}, answers with one list, {@code [[1, 2, 3]]}. A client may then
   * emit the list's items or fail with a WampException; it must not do what it does now, wait
   * forever: the final result does not convert to {@code Integer}, and the exception that says so
   * is thrown inside a CompletableFuture callback, where nobody sees it (see
   * AnnotationApiTest.aProgressiveCallWhoseResultDoesNotConvertFailsInsteadOfHanging).
   */
  @Test
  @Override
  void progressiveResults() {
    Throwable failure =
        catchThrowable(
            () ->
                assertThat(
                        other()
                            .call("it.app.count")
                            .args(3)
                            .progressive(Integer.class)
                            .collect()
                            .asList()
                            .await()
                            .atMost(WAIT))
                    .containsExactly(1, 2, 3));
    if (failure != null) {
      assertThat(failure).isInstanceOf(WampException.class);
    }
  }
}
