package io.quarkbar.wamp.cluster;

import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkbar.wamp.router.Router;
import io.quarkbar.wamp.router.Stages;
import io.quarkbar.wamp.router.broker.Broker;
import io.quarkbar.wamp.router.broker.EventExchange.NotShared;
import io.quarkbar.wamp.router.config.MatchPolicy;
import io.quarkbar.wamp.router.dealer.CallExchange;
import io.quarkbar.wamp.router.dealer.Dealer;
import io.quarkbar.wamp.router.dealer.InvokePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Calls between nodes on core NATS. A caller's node publishes a call to the callee's node inbox
 * ({@link Subjects#inbox}) with a reply subject that names the call ({@link Subjects#reply}); the
 * callee's node invokes its callee and publishes each answer (progressive results, then the final
 * RESULT or ERROR) to that subject. Interrupts follow their call on the same inbox, so they never
 * overtake it. They travel on a connection of their own ({@link CallWire}): one connection per node
 * keeps a caller node's calls and a callee node's answers in order, and each node handles its inbox
 * and its replies on the thread that reads that connection (in a router, an event loop: {@link
 * LoopWatch}).
 *
 * <p>A call to a node that has no inbox any more (its process is gone) comes back at once as NATS's
 * "no responders" status, and its caller gets {@code wamp.error.canceled}; a node that is gone
 * without closing its connection (frozen, cut off) is found by {@link Liveness}. Registrations are
 * {@link NatsRegistry}'s.
 */
final class NatsCallExchange implements CallExchange {

  private static final Logger LOG = Logger.getLogger(NatsCallExchange.class);

  private final Subjects subjects;
  private final String node;
  private final Router router;
  private final NatsRegistry registry;
  private final long incarnation;

  /**
   * Call IDs start at random: a process restarted under this node's name does not reuse the IDs
   * (and so the reply subjects) of calls its predecessor forwarded.
   */
  private final AtomicLong callIds =
      new AtomicLong(java.util.concurrent.ThreadLocalRandom.current().nextLong(1L << 52));

  private final AtomicLong forwarded = new AtomicLong();
  private final AtomicLong invoked = new AtomicLong();
  private CallWire wire;
  private Liveness liveness;

  /**
   * Questions this node asked other nodes ({@link #subscribersOf}), by the ID their answers' reply
   * subject names: drawn from the call IDs, so an answer is never taken for a call's.
   */
  private final Map<Long, Question> questions = new ConcurrentHashMap<>();

  /**
   * Questions in flight at most: each waits up to the request timeout for its answer, so sessions
   * that ask faster than nodes answer would otherwise hold memory without bound.
   */
  static final int MAX_QUESTIONS = 1_000;

  /** A question to node {@code to}, and where its answer goes. */
  private record Question(String to, CompletableFuture<List<Long>> answer) {}

  /** The answer to a probed call the callee's node does not have. */
  private static final CallAnswer NOT_HERE =
      new CallAnswer(
          Map.of(),
          WampUris.CANCELED,
          List.of(
              "the callee's router node does not have this call any more (it restarted, or the"
                  + " call was lost on the way)"),
          Map.of());

  NatsCallExchange(
      Subjects subjects, String node, long incarnation, Router router, NatsRegistry registry) {
    this.subjects = subjects;
    this.node = node;
    this.incarnation = incarnation;
    this.router = router;
    this.registry = registry;
  }

  /** Where nodes that calls come from and go to are followed; set once, before any call. */
  void follow(Liveness liveness) {
    this.liveness = liveness;
  }

  /**
   * Calls and answers travel on {@code wire}: this node's inbox and reply subjects are subscribed
   * on it (before it starts).
   */
  void attach(CallWire wire) {
    wire.subscribe(subjects.inbox(node), (subject, status, data) -> inbound(data));
    wire.subscribe(subjects.replies(node), this::answered);
    this.wire = wire;
  }

  boolean isConnected() {
    return wire.isConnected();
  }

  @Override
  public String node() {
    return node;
  }

  @Override
  public long incarnation() {
    return incarnation;
  }

  @Override
  public long nextCallId() {
    return callIds.incrementAndGet();
  }

  @Override
  public CompletionStage<Claim> register(
      String realm, String uri, MatchPolicy match, InvokePolicy invoke, SharedCallee callee) {
    return registry.register(realm, uri, match, invoke, callee);
  }

  @Override
  public CompletionStage<Boolean> unregister(
      String realm, String uri, MatchPolicy match, long session) {
    return registry.unregister(realm, uri, match, session);
  }

  @Override
  public void forward(String to, ForwardedCall call) {
    publishOrRefuse(
        subjects.inbox(to), subjects.reply(node, call.callId()), CallEnvelope.call(call), "call");
    forwarded.incrementAndGet();
    liveness.notice(to);
  }

  /**
   * Publishes what the caller must hear about when it cannot go: NATS unreachable or the message
   * over {@code max_payload}.
   */
  private void publishOrRefuse(String subject, String replyTo, byte[] body, String what) {
    long max = wire.maxPayload();
    if (max > 0 && body.length > max) {
      throw new NotShared(
          WampUris.PAYLOAD_SIZE_EXCEEDED,
          "the "
              + what
              + " takes "
              + body.length
              + " bytes between router nodes, more than NATS's max_payload of "
              + max,
          null);
    }
    try {
      wire.publish(subject, replyTo, body);
    } catch (RuntimeException e) {
      throw new NotShared(
          Broker.CLUSTER_UNAVAILABLE,
          "the callee is on another router node, and " + e.getMessage(),
          e);
    }
  }

  @Override
  public void part(
      String to,
      String realm,
      long callId,
      Map<String, Object> details,
      List<Object> args,
      Map<String, Object> kwargs) {
    publishOrRefuse(
        subjects.inbox(to),
        null,
        CallEnvelope.part(node, realm, callId, details, args, kwargs),
        "part of the call");
  }

  @Override
  public void interrupt(String to, String realm, long callId, String mode) {
    send(subjects.inbox(to), CallEnvelope.interrupt(node, realm, callId, mode));
  }

  @Override
  public void answer(String to, String realm, long callId, CallAnswer answer) {
    byte[] body = CallEnvelope.answer(realm, answer);
    long max = wire.maxPayload();
    if (max > 0 && body.length > max) {
      // Refused rather than lost: the caller learns why its result did not come.
      body =
          CallEnvelope.answer(
              realm,
              new CallAnswer(
                  Map.of(),
                  WampUris.PAYLOAD_SIZE_EXCEEDED,
                  List.of(
                      "the callee's answer takes "
                          + body.length
                          + " bytes between router nodes, more than NATS's max_payload of "
                          + max),
                  Map.of()));
    }
    send(subjects.reply(to, callId), body);
  }

  /** At most once: what cannot be sent now is dropped (the caller's node times the call out). */
  private void send(String subject, byte[] body) {
    try {
      wire.publish(subject, null, body);
    } catch (RuntimeException e) {
      LOG.debugf("dropped a message to %s: %s", subject, e.getMessage());
    }
  }

  /**
   * The session IDs of node {@code to}'s subscribers to subscription {@code id} of {@code realm}:
   * empty when the node is gone (NATS says nobody takes its inbox, and the cluster took it for
   * gone); fails with {@code quarkbar.error.cluster_unavailable} when NATS is unreachable, when
   * nobody takes the inbox of a node not taken for gone (its calls' connection is being made again,
   * its process just ended, or it just started), or when it does not answer within {@code timeout}.
   */
  CompletableFuture<List<Long>> subscribersOf(
      String to, String realm, long id, java.time.Duration timeout) {
    if (questions.size() >= MAX_QUESTIONS) {
      return CompletableFuture.failedFuture(
          new NotShared(
              Broker.CLUSTER_UNAVAILABLE,
              "this router node already waits for "
                  + MAX_QUESTIONS
                  + " answers about other nodes' subscribers; ask again later",
              null));
    }
    long question = callIds.incrementAndGet();
    CompletableFuture<List<Long>> answer = new CompletableFuture<>();
    questions.put(question, new Question(to, answer));
    try {
      wire.publish(
          subjects.inbox(to),
          subjects.reply(node, question),
          CallEnvelope.subscribers(node, realm, question, id));
    } catch (RuntimeException e) {
      questions.remove(question);
      return CompletableFuture.failedFuture(
          new NotShared(
              Broker.CLUSTER_UNAVAILABLE,
              "cannot ask router node " + to + " for its subscribers: " + e.getMessage(),
              e));
    }
    return answer
        .orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .exceptionallyCompose(
            e -> {
              questions.remove(question);
              Throwable cause = Stages.cause(e);
              if (!(cause instanceof TimeoutException)) {
                return CompletableFuture.failedFuture(cause);
              }
              return CompletableFuture.failedFuture(
                  new NotShared(
                      Broker.CLUSTER_UNAVAILABLE,
                      "router node "
                          + to
                          + " did not say who its subscribers are within "
                          + timeout.toMillis()
                          + " ms",
                      cause));
            });
  }

  /** A call, the part of one, an interrupt or a probe from another node. */
  @SuppressWarnings("unchecked")
  private void inbound(byte[] data) {
    List<Object> l;
    try {
      l = CallEnvelope.decode(data);
      String kind = (String) l.get(1);
      if (kind.equals(CallEnvelope.CALL)) {
        ForwardedCall call = CallEnvelope.toCall(l);
        Dealer dealer = router.dealer(call.realm());
        if (dealer == null) {
          answer(
              call.from(),
              call.realm(),
              call.callId(),
              new CallAnswer(
                  Map.of(),
                  WampUris.NO_SUCH_REALM,
                  List.of("router node " + node + " has no realm " + call.realm()),
                  Map.of()));
          return;
        }
        invoked.incrementAndGet();
        liveness.notice(call.from());
        dealer.invokeForwarded(call);
      } else if (kind.equals(CallEnvelope.PART)) {
        Dealer dealer = router.dealer((String) l.get(3));
        if (dealer != null) {
          dealer.continueForwarded(
              (String) l.get(2),
              CallEnvelope.number(l.get(4)),
              (Map<String, Object>) l.get(5),
              (List<Object>) l.get(6),
              (Map<String, Object>) l.get(7));
        }
      } else if (kind.equals(CallEnvelope.PROBE)) {
        String from = (String) l.get(2);
        String realm = (String) l.get(3);
        Dealer dealer = router.dealer(realm);
        List<Long> ids = ids(l.get(4));
        for (long id : dealer == null ? ids : dealer.unknownForwarded(from, ids)) {
          answer(from, realm, id, NOT_HERE);
        }
      } else if (kind.equals(CallEnvelope.ASK)) {
        String from = (String) l.get(2);
        String realm = (String) l.get(3);
        Dealer dealer = router.dealer(realm);
        List<Long> ids = ids(l.get(4));
        List<Long> gone = dealer == null ? ids : dealer.notWaitingFor(from, ids);
        if (!gone.isEmpty()) {
          send(subjects.inbox(from), CallEnvelope.calls(CallEnvelope.GONE, node, realm, gone));
        }
      } else if (kind.equals(CallEnvelope.GONE)) {
        Dealer dealer = router.dealer((String) l.get(3));
        if (dealer != null) {
          for (long id : ids(l.get(4))) {
            dealer.abandoned((String) l.get(2), id);
          }
        }
      } else if (kind.equals(CallEnvelope.SUBSCRIBERS)) {
        String from = (String) l.get(2);
        String realm = (String) l.get(3);
        List<Object> ids =
            new ArrayList<>(router.subscribersHere(realm, CallEnvelope.number(l.get(5))));
        answer(
            from,
            realm,
            CallEnvelope.number(l.get(4)),
            new CallAnswer(Map.of(), null, List.of(ids), Map.of()));
      } else if (kind.equals(CallEnvelope.INTERRUPT)) {
        Dealer dealer = router.dealer((String) l.get(3));
        if (dealer != null) {
          dealer.interruptForwarded(
              (String) l.get(2), CallEnvelope.number(l.get(4)), (String) l.get(5));
        }
      }
    } catch (RuntimeException e) {
      LOG.warnf("node %s: dropped a malformed message from the cluster: %s", node, e.toString());
    }
  }

  private static List<Long> ids(Object list) {
    List<Long> ids = new ArrayList<>();
    for (Object id : (List<?>) list) {
      ids.add(CallEnvelope.number(id));
    }
    return ids;
  }

  /** An answer to a call this node forwarded, or NATS's word that nobody took the call. */
  private void answered(String subject, int status, byte[] data) {
    long callId;
    try {
      callId = Long.parseLong(subject.substring(subject.lastIndexOf('.') + 1));
    } catch (NumberFormatException e) {
      return;
    }
    Question question = questions.remove(callId);
    if (question != null) {
      answeredQuestion(question, status, data);
      return;
    }
    if (status != 0) {
      if (status == CallWire.NO_RESPONDERS) {
        CallAnswer gone =
            new CallAnswer(
                Map.of(),
                WampUris.CANCELED,
                List.of(
                    "nobody took the call at the callee's router node: it is gone, or its"
                        + " connection to NATS is being made again"),
                Map.of());
        for (String realm : router.realmNames()) {
          if (router.dealer(realm).answerForwarded(callId, gone)) {
            return;
          }
        }
      }
      return;
    }
    try {
      List<Object> l = CallEnvelope.decode(data);
      Dealer dealer = router.dealer((String) l.get(2));
      if (dealer != null) {
        dealer.answerForwarded(callId, CallEnvelope.toAnswer(l));
      }
    } catch (RuntimeException e) {
      LOG.warnf("node %s: dropped a malformed answer from the cluster: %s", node, e.toString());
    }
  }

  /**
   * A node's answer to {@link #subscribersOf}. No responders: a node taken for gone is gone, with
   * its subscribers; any other (still heard from, or not heard from yet: just started) may be
   * making its calls' connection again while its subscribers still get events, so no answer is
   * given rather than a wrong one.
   */
  private void answeredQuestion(Question q, int status, byte[] data) {
    CompletableFuture<List<Long>> question = q.answer();
    if (status == CallWire.NO_RESPONDERS) {
      if (!liveness.isGone(q.to())) {
        question.completeExceptionally(
            new NotShared(
                Broker.CLUSTER_UNAVAILABLE,
                "router node "
                    + q.to()
                    + " takes no questions now: its connection for calls is being made again, or"
                    + " its process ended and the cluster has not taken it for gone yet",
                null));
      } else {
        question.complete(List.of());
      }
      return;
    }
    try {
      CallAnswer answer = CallEnvelope.toAnswer(CallEnvelope.decode(data));
      List<Long> ids = new ArrayList<>();
      for (Object id : (List<?>) answer.args().get(0)) {
        ids.add(CallEnvelope.number(id));
      }
      question.complete(ids);
    } catch (RuntimeException e) {
      question.completeExceptionally(
          new NotShared(
              Broker.CLUSTER_UNAVAILABLE, "a malformed answer from another router node", e));
    }
  }

  /**
   * Asks the nodes that have had calls of this node for longer than {@code age} whether they still
   * have them: the callers of those they do not have (the node restarted, or the call was lost on
   * the way) are answered then, instead of waiting for ever. And the other way: asks the nodes
   * whose callers' calls this node's callees have had that long whether the callers still wait, so
   * that invocations nobody waits for end. Every heartbeat.
   */
  void probe(java.time.Duration age) {
    long before = System.nanoTime() - age.toNanos();
    for (String realm : router.realmNames()) {
      Dealer dealer = router.dealer(realm);
      dealer
          .forwardedBefore(before)
          .forEach((to, ids) -> send(subjects.inbox(to), CallEnvelope.probe(node, realm, ids)));
      dealer
          .invokedBefore(before)
          .forEach(
              (from, ids) ->
                  send(
                      subjects.inbox(from),
                      CallEnvelope.calls(CallEnvelope.ASK, node, realm, ids)));
    }
  }

  /** Calls forwarded to other nodes, and calls of other nodes invoked here, so far. */
  long forwarded() {
    return forwarded.get();
  }

  long invoked() {
    return invoked.get();
  }
}
