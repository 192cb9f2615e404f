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
    Map<String, Object> clientRoles) {

  /**
   * Whether the client announced {@code feature} for {@code role} (e.g. callee, call_canceling).
   */
  public boolean hasFeature(String role, String feature) {
    return clientRoles.get(role) instanceof Map<?, ?> r
        && r.get("features") instanceof Map<?, ?> f
        && Boolean.TRUE.equals(f.get(feature));
  }
}
