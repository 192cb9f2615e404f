package io.quarkbar.wamp.router.dealer;

import io.quarkbar.wamp.router.session.Session;

/**
 * A call that was handed to a callee as an INVOCATION and has not been answered yet.
 *
 * @param callRequest the caller's CALL request ID, which RESULT and ERROR must echo
 * @param receiveProgress whether the caller asked for progressive results
 */
record PendingCall(Session caller, long callRequest, boolean receiveProgress) {}
