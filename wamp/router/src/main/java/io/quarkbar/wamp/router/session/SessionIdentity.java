package io.quarkbar.wamp.router.session;

import java.util.Map;

/**
 * Who a session is once it has joined: its ID, realm, and the identity authentication granted.
 *
 * @param clientRoles the {@code roles} dict of the client's HELLO, with the features it announced
 */
public record SessionIdentity(
    long sessionId,
    String realm,
    String authid,
    String authrole,
    String authmethod,
    Map<String, Object> clientRoles) {}
