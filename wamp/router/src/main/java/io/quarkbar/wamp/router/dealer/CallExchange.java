package io.quarkbar.wamp.router.dealer;

import io.quarkbar.wamp.router.broker.EventExchange.NotShared;
import io.quarkbar.wamp.router.config.MatchPolicy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Where a dealer shares its registrations with the dealers of other router nodes (a cluster), and
 * hands calls to callees on other nodes and answers back. A single router has none; {@code
 * wamp/cluster} implements it over NATS. What the other nodes registered comes back through {@link
 * Dealer#mirror}, their calls through {@link Dealer#invokeForwarded}, their answers through {@link
 * Dealer#answerForwarded}.
 *
 * <p>The dealer calls these methods on the threads that route (event loops): they must not block.
 */
public interface CallExchange {

  /** This node's name in the cluster. */
  String node();

  /** This process's incarnation: new at every start, so that a restart under a name is seen. */
  long incarnation();

  /** A call ID unique on this node, for {@link #forward}. */
  long nextCallId();

  /**
   * Adds {@code callee} to the cluster's registration of {@code uri} under {@code match}, creating
   * it if there is none. The stage fails with {@link NotShared} when the cluster refuses
   * (registered already with {@code single} or another invoke policy: {@code
   * wamp.error.procedure_already_exists}) or cannot answer (the cluster is unreachable).
   */
  CompletionStage<Claim> register(
      String realm, String uri, MatchPolicy match, InvokePolicy invoke, SharedCallee callee);

  /**
   * Removes session {@code session} of this node from the registration of {@code uri}; the stage
   * completes with whether that deleted the registration (the session was its last callee).
   */
  CompletionStage<Boolean> unregister(String realm, String uri, MatchPolicy match, long session);

  /**
   * Hands a call to a callee of node {@code node}.
   *
   * @throws NotShared if it cannot be sent (the cluster is unreachable, the call too large)
   */
  void forward(String node, ForwardedCall call);

  /**
   * The next part of progressive call {@code callId} this node forwarded to node {@code node}: its
   * INVOCATION Details ({@code progress} says whether more follow), args and kwargs.
   *
   * @throws NotShared if it cannot be sent (the cluster is unreachable, the part too large)
   */
  void part(
      String node,
      String realm,
      long callId,
      Map<String, Object> details,
      List<Object> args,
      Map<String, Object> kwargs);

  /**
   * Asks node {@code node} to interrupt the call {@code callId} this node forwarded to it ({@code
   * mode}: kill, killnowait, or skip: forget it without telling the callee).
   */
  void interrupt(String node, String realm, long callId, String mode);

  /** Sends a callee's answer to call {@code callId} back to the caller's node {@code node}. */
  void answer(String node, String realm, long callId, CallAnswer answer);

  /**
   * What the cluster said to a REGISTER: the registration's ID, whether this created it, and the
   * revision of the cluster's entry that holds the callee.
   */
  record Claim(long registration, boolean created, long revision) {}

  /**
   * One callee of a registration as the cluster knows it.
   *
   * @param node the router node the callee is connected to
   * @param session its session ID
   * @param discloseCaller whether it asked to be told who calls
   * @param forwardTimeout whether it handles call timeouts itself (asked for and announced)
   * @param interruptible whether it announced call canceling, and so takes INTERRUPT
   * @param takesParts whether it announced progressive call invocations
   */
  record SharedCallee(
      String node,
      long session,
      boolean discloseCaller,
      boolean forwardTimeout,
      boolean interruptible,
      boolean takesParts) {}

  /** A registration as the cluster holds it: its ID, policy and callees in registration order. */
  record SharedRegistration(long id, InvokePolicy invoke, List<SharedCallee> callees) {}

  /**
   * A registration as the cluster's entry holds it at revision {@code revision} ({@code
   * registration} null: the entry was deleted at that revision).
   */
  record Revision(SharedRegistration registration, long revision) {}

  /**
   * A call on its way to a callee of another node.
   *
   * @param from the caller's node, where answers go
   * @param incarnation the caller's node's incarnation
   * @param callId the call's ID on the caller's node
   * @param callee the callee's session ID on the receiving node
   * @param registration the registration the call was routed to
   * @param details the INVOCATION's Details, made on the caller's node (disclosure, progress, ...)
   */
  record ForwardedCall(
      String from,
      long incarnation,
      String realm,
      long callId,
      long callee,
      long registration,
      Map<String, Object> details,
      List<Object> args,
      Map<String, Object> kwargs) {}

  /**
   * A callee's answer on its way back: a RESULT ({@code error} null; {@code details} may say {@code
   * progress}) or an ERROR.
   */
  record CallAnswer(
      Map<String, Object> details, String error, List<Object> args, Map<String, Object> kwargs) {

    boolean progress() {
      return error == null && Boolean.TRUE.equals(details.get("progress"));
    }
  }
}
