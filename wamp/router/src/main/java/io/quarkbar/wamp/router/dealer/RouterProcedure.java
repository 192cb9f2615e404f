package io.quarkbar.wamp.router.dealer;

import io.quarkbar.wamp.router.session.Session;
import java.util.List;
import java.util.Map;

/**
 * A procedure the router serves itself (the meta API under {@code wamp.}), answered at once, or
 * later ({@link Later}) when the answer needs the other router nodes of a cluster.
 */
@FunctionalInterface
public interface RouterProcedure {

  /** What the caller gets in RESULT. */
  record Answer(List<Object> args, Map<String, Object> kwargs) {

    public static Answer of(Object result) {
      List<Object> args = new java.util.ArrayList<>(1);
      args.add(result);
      return new Answer(args, Map.of());
    }
  }

  /** An ERROR for the caller, with the error URI and a sentence. */
  final class Failure extends RuntimeException {
    private final String error;

    public Failure(String error, String message) {
      super(message, null, false, false);
      this.error = error;
    }

    public String error() {
      return error;
    }
  }

  /**
   * Answers a call from {@code caller}.
   *
   * @throws Failure for an ERROR
   */
  Answer call(Session caller, List<Object> args, Map<String, Object> kwargs);

  /**
   * A procedure whose answer comes later, on whatever thread completes it: one that asks the other
   * nodes of a cluster. A stage that fails with a {@link Failure} (or a cluster's {@code
   * NotShared}) becomes that ERROR.
   */
  @FunctionalInterface
  interface Later extends RouterProcedure {

    /**
     * Starts answering a call from {@code caller}.
     *
     * @throws Failure for an ERROR found at once (a malformed argument)
     */
    java.util.concurrent.CompletionStage<Answer> callLater(
        Session caller, List<Object> args, Map<String, Object> kwargs);

    @Override
    default Answer call(Session caller, List<Object> args, Map<String, Object> kwargs) {
      throw new UnsupportedOperationException("answered later: use callLater");
    }
  }
}
