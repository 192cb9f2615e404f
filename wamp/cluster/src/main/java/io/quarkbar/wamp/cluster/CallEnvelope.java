package io.quarkbar.wamp.cluster;

import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.router.dealer.CallExchange.CallAnswer;
import io.quarkbar.wamp.router.dealer.CallExchange.ForwardedCall;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Calls, interrupts and answers as bytes between nodes, in MessagePack like {@link EventEnvelope}
 * (binary payloads cross unchanged). Each is a list led by a version and a kind:
 *
 * <ul>
 *   <li>a call: {@code [2, "call", from, incarnation, realm, callId, callee, registration, details,
 *       args, kwargs]}, to the callee's node inbox;
 *   <li>the next part of a progressive call: {@code [2, "part", from, realm, callId, details, args,
 *       kwargs]}, to the same inbox, after its call;
 *   <li>an interrupt: {@code [2, "interrupt", from, realm, callId, mode]}, to the same inbox, so it
 *       never overtakes its call;
 *   <li>an answer: {@code [2, "answer", realm, details, error, args, kwargs]}, to the call's reply
 *       subject, which names the call;
 *   <li>a probe: {@code [2, "probe", from, realm, [callId...]]}, to a callee's node inbox: which of
 *       these long calls do you still have? Those it has not get an answer {@code
 *       wamp.error.canceled};
 *   <li>the other way, an ask: {@code [2, "ask", from, realm, [callId...]]}, from a callee's node
 *       to a caller's node inbox: do your callers still wait for these? It answers with a {@code
 *       [2, "gone", from, realm, [callId...]]} for those they do not, whose invocations end;
 *   <li>a question for {@code wamp.subscription.list_subscribers}: {@code [2, "subscribers", from,
 *       realm, questionId, subscriptionId]}, to a node's inbox, answered like a call (an answer
 *       whose args hold the node's subscribers' session IDs) to the reply subject that names the
 *       question.
 * </ul>
 */
final class CallEnvelope {

  /** 2: calls carry the caller node's incarnation; parts of progressive calls. */
  private static final long VERSION = 2;

  static final String CALL = "call";
  static final String INTERRUPT = "interrupt";
  static final String ANSWER = "answer";
  static final String PROBE = "probe";
  static final String PART = "part";
  static final String ASK = "ask";
  static final String GONE = "gone";
  static final String SUBSCRIBERS = "subscribers";

  private CallEnvelope() {}

  static byte[] call(ForwardedCall c) {
    return encode(
        CALL,
        c.from(),
        c.incarnation(),
        c.realm(),
        c.callId(),
        c.callee(),
        c.registration(),
        c.details(),
        c.args(),
        c.kwargs());
  }

  static byte[] interrupt(String from, String realm, long callId, String mode) {
    return encode(INTERRUPT, from, realm, callId, mode);
  }

  static byte[] part(
      String from,
      String realm,
      long callId,
      Map<String, Object> details,
      List<Object> args,
      Map<String, Object> kwargs) {
    return encode(PART, from, realm, callId, details, args, kwargs);
  }

  static byte[] probe(String from, String realm, List<Long> callIds) {
    return encode(PROBE, from, realm, callIds);
  }

  /** An ask ({@link #ASK}) or its answer ({@link #GONE}): a kind with a list of call IDs. */
  static byte[] calls(String kind, String from, String realm, List<Long> callIds) {
    return encode(kind, from, realm, callIds);
  }

  static byte[] subscribers(String from, String realm, long questionId, long subscriptionId) {
    return encode(SUBSCRIBERS, from, realm, questionId, subscriptionId);
  }

  static byte[] answer(String realm, CallAnswer a) {
    return encode(ANSWER, realm, a.details(), a.error(), a.args(), a.kwargs());
  }

  private static byte[] encode(Object... items) {
    List<Object> list = new ArrayList<>(items.length + 1);
    list.add(VERSION);
    list.addAll(Arrays.asList(items));
    return Serializer.MSGPACK.encodeList(list);
  }

  /** The list in {@code bytes}, checked for its version; its kind is {@code get(1)}. */
  static List<Object> decode(byte[] bytes) {
    List<Object> l = Serializer.MSGPACK.decodeList(bytes, 0, bytes.length);
    if (l.size() < 2 || !(l.get(0) instanceof Number v) || v.longValue() != VERSION) {
      throw new IllegalArgumentException("not a call envelope of version " + VERSION);
    }
    return l;
  }

  @SuppressWarnings("unchecked")
  static ForwardedCall toCall(List<Object> l) {
    return new ForwardedCall(
        (String) l.get(2),
        number(l.get(3)),
        (String) l.get(4),
        number(l.get(5)),
        number(l.get(6)),
        number(l.get(7)),
        (Map<String, Object>) l.get(8),
        (List<Object>) l.get(9),
        (Map<String, Object>) l.get(10));
  }

  @SuppressWarnings("unchecked")
  static CallAnswer toAnswer(List<Object> l) {
    return new CallAnswer(
        (Map<String, Object>) l.get(3),
        (String) l.get(4),
        (List<Object>) l.get(5),
        (Map<String, Object>) l.get(6));
  }

  static long number(Object o) {
    return ((Number) o).longValue();
  }
}
