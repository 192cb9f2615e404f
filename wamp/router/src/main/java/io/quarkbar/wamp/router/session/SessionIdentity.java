package io.quarkbar.wamp.router.session;

import java.util.Map;

/**
 * Who a session is once it has joined: its ID, realm, and the identity authentication granted.
 * Everything here is the router's word; nothing a client writes into a message changes it.
 *
 * @param authprovider who vouched for the identity: {@code static} (the configuration) or {@code
 *     dynamic} (an authenticator procedure)
 * @param authextra what the authenticator added for the client, sent in WELCOME
 * @param clientRoles the {@code roles} dict of the client's HELLO, with the features it announced
 */
public record SessionIdentity(
    long sessionId,
    String realm,
    String authid,
    String authrole,
    String authmethod,
    String authprovider,
    Map<String, Object> authextra,
    Map<String, Object> clientRoles) {}
