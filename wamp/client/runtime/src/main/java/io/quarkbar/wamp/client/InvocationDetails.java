package io.quarkbar.wamp.client;

import java.util.Map;

/**
 * What the router tells a procedure about the call it is handling.
 *
 * @param procedure the URI called (for a pattern registration, the concrete one)
 * @param caller the caller's session ID, when disclosed; else 0
 * @param callerAuthid the caller's authid, when disclosed, as the router authenticated it
 * @param callerAuthrole the caller's authrole, when disclosed
 * @param progress whether the caller asked for progressive results
 * @param details INVOCATION.Details as they came
 */
public record InvocationDetails(
    String procedure,
    long caller,
    String callerAuthid,
    String callerAuthrole,
    boolean progress,
    Map<String, Object> details) {}
