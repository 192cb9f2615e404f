package io.quarkbar.wamp.router.authentication;

import java.util.Map;

/**
 * The identity an authentication method grants a client: what WELCOME says and what the session is
 * from then on.
 *
 * @param authid who the client is; {@code null} for anonymous sessions, which get one made up
 * @param authprovider {@code static} (configuration) or {@code dynamic} (an authenticator)
 * @param authextra what the authenticator wants the client to know, sent in WELCOME
 */
public record Grant(
    String authid,
    String authrole,
    String authmethod,
    String authprovider,
    Map<String, Object> authextra) {

  public static final String STATIC = "static";
  public static final String DYNAMIC = "dynamic";
}
