package io.quarkbar.wamp.router.config;

/** Whose identity the router discloses to the other side when a role acts on a URI. */
public enum Disclose {
  /** INVOCATION.Details carries the caller's session ID, authid and authrole. */
  CALLER,
  /** EVENT.Details carries the publisher's session ID, authid and authrole. */
  PUBLISHER
}
