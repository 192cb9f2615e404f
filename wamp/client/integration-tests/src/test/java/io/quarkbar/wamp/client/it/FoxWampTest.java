package io.quarkbar.wamp.client.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.client.WampException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The service against fox-wamp 0.7.28 (json only).
 *
 * <p>fox-wamp writes {@code null} for a payload it has not got: RESULT {@code [50, id, {}, [5],
 * null]} after every YIELD without ArgumentsKw (so every RESULT of ours), EVENT {@code [..., ["a"],
 * null]}, {@code [..., null, {"k": 1}]} or {@code [..., null, null]}, INVOCATION {@code [68, id,
 * reg, {}, null, {}]} for a call without arguments. The client reads a {@code null} Arguments or
 * ArgumentsKw from a router as absent (as Autobahn|JS does), so every test passes through it.
 */
@QuarkusTest
@TestProfile(FoxWampTest.Profile.class)
@ExtendWith(LogsOnFailure.class)
class FoxWampTest extends ForeignRouterContract {

  public static class Profile implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(ForeignRouterResource.FoxWamp.class));
    }
  }

  /**
   * fox-wamp does not pass a callee's ERROR on: the caller gets {@code wamp.error.callee_failure}
   * with the callee's error URI as its one argument, and the callee's arguments and keyword
   * arguments are lost. A router limitation, not the client's.
   */
  @Override
  void expectRefused(WampException e) {
    assertThat(e.uri()).isEqualTo("wamp.error.callee_failure");
    assertThat(e.args()).containsExactly("it.error.refused");
    assertThat(e.kwargs()).isEmpty();
  }
}
