package io.quarkbar.wamp.router.config;

/** What a role may do on a URI. */
public enum Action {
  CALL,
  REGISTER,
  PUBLISH,
  SUBSCRIBE
}
