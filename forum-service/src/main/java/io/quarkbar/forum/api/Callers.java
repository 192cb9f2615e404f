package io.quarkbar.forum.api;

import io.quarkbar.wamp.client.InvocationDetails;
import io.quarkbar.wamp.client.WampException;
import io.quarkbar.wamp.protocol.uri.WampUris;
import org.jboss.logging.Logger;

/**
 * Who writes: the caller's authid as the router disclosed it, which no caller can forge. The write
 * procedures register with {@code discloseCaller}, and the realm discloses callers of {@code
 * forum.*} as well; a call that still comes without an authid means the router is misconfigured,
 * and is refused rather than written under no name.
 */
final class Callers {

  private static final Logger LOG = Logger.getLogger(Callers.class);

  private Callers() {}

  static String author(InvocationDetails call) {
    String authid = call.callerAuthid();
    if (authid == null || authid.isBlank()) {
      LOG.errorf(
          "%s was called without the caller's authid: the router must disclose callers of forum.*"
              + " (see router-service/config/forum.yaml); the call is refused",
          call.procedure());
      throw new WampException(
          WampUris.NOT_AUTHORIZED,
          "The forum cannot tell who you are, so it cannot write in your name. This is a server"
              + " problem; please try again later.");
    }
    return authid;
  }
}
