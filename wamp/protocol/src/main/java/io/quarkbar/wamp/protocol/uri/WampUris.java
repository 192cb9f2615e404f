package io.quarkbar.wamp.protocol.uri;

/**
 * The error and close URIs that the WAMP specification predefines (rfc/text/basic/uri_reference.md
 * and rfc/text/advanced/uris.md), each with the sentence that says when it is used.
 */
public final class WampUris {

  private WampUris() {}

  // --- Basic Profile: interaction ---

  /** A peer provided an incorrect URI for any URI-based attribute of a WAMP message. */
  public static final String INVALID_URI = "wamp.error.invalid_uri";

  /** A Dealer could not perform a call, since no procedure is currently registered under it. */
  public static final String NO_SUCH_PROCEDURE = "wamp.error.no_such_procedure";

  /** A procedure could not be registered, since a procedure with the URI is already registered. */
  public static final String PROCEDURE_ALREADY_EXISTS = "wamp.error.procedure_already_exists";

  /** A Dealer could not perform an unregister, since the registration was not active. */
  public static final String NO_SUCH_REGISTRATION = "wamp.error.no_such_registration";

  /** A Broker could not perform an unsubscribe, since the subscription was not active. */
  public static final String NO_SUCH_SUBSCRIPTION = "wamp.error.no_such_subscription";

  /** A call failed since the given argument types or values are not acceptable to the callee. */
  public static final String INVALID_ARGUMENT = "wamp.error.invalid_argument";

  /** A call was canceled by the caller or the dealer. */
  public static final String CANCELED = "wamp.error.canceled";

  /** A message was larger than the transport or the router accepts. */
  public static final String PAYLOAD_SIZE_EXCEEDED = "wamp.error.payload_size_exceeded";

  // --- Basic Profile: session close ---

  /** The peer is shutting down completely; used as a GOODBYE or ABORT reason. */
  public static final String SYSTEM_SHUTDOWN = "wamp.close.system_shutdown";

  /** The peer wants to leave the realm; used as a GOODBYE reason. */
  public static final String CLOSE_REALM = "wamp.close.close_realm";

  /** A peer acknowledges ending of a session; used as a GOODBYE reply reason. */
  public static final String GOODBYE_AND_OUT = "wamp.close.goodbye_and_out";

  /** A peer received invalid WAMP protocol data; used as an ABORT reason. */
  public static final String PROTOCOL_VIOLATION = "wamp.error.protocol_violation";

  // --- Basic Profile: authorization ---

  /** A join, call, register, publish or subscribe failed, since the session is not authorized. */
  public static final String NOT_AUTHORIZED = "wamp.error.not_authorized";

  /**
   * A Dealer or Broker could not determine if the session is authorized (the check itself failed).
   */
  public static final String AUTHORIZATION_FAILED = "wamp.error.authorization_failed";

  /** The peer wanted to join a non-existing realm (and the router did not create it). */
  public static final String NO_SUCH_REALM = "wamp.error.no_such_realm";

  /** A session was authenticated under a role that does not (or no longer) exist on the router. */
  public static final String NO_SUCH_ROLE = "wamp.error.no_such_role";

  // --- Advanced Profile ---

  /** The session was forcibly closed by the router (session meta API {@code kill}). */
  public static final String KILLED = "wamp.close.killed";

  /** A meta procedure was asked about a session that does not exist (or is the caller's own). */
  public static final String NO_SUCH_SESSION = "wamp.error.no_such_session";

  /** None of the offered authentication methods is accepted. */
  public static final String NO_MATCHING_AUTH_METHOD = "wamp.error.no_matching_auth_method";

  /** The authid is unknown. */
  public static final String NO_SUCH_PRINCIPAL = "wamp.error.no_such_principal";

  /** The credentials were wrong. */
  public static final String AUTHENTICATION_DENIED = "wamp.error.authentication_denied";

  /** Authentication failed for a technical reason; the router fails secure. */
  public static final String AUTHENTICATION_FAILED = "wamp.error.authentication_failed";

  /** The realm does not accept anonymous sessions. */
  public static final String AUTHENTICATION_REQUIRED = "wamp.error.authentication_required";

  /** A call timed out at the dealer or the callee. */
  public static final String TIMEOUT = "wamp.error.timeout";

  /** An option was disallowed by the router. */
  public static final String OPTION_NOT_ALLOWED = "wamp.error.option_not_allowed";

  /** The router refused a {@code disclose_me} request. */
  public static final String OPTION_DISALLOWED_DISCLOSE_ME =
      "wamp.error.option_disallowed.disclose_me";

  /** The router could not deliver because of a network failure on its side. */
  public static final String NETWORK_FAILURE = "wamp.error.network_failure";

  /** A callee asks for the call to be rerouted to another callee. */
  public static final String UNAVAILABLE = "wamp.error.unavailable";

  /** Every callee of a shared registration answered {@code unavailable}. */
  public static final String NO_AVAILABLE_CALLEE = "wamp.error.no_available_callee";

  /** The call used a feature that the callee does not support. */
  public static final String FEATURE_NOT_SUPPORTED = "wamp.error.feature_not_supported";

  /**
   * The URI prefix reserved for the router; clients may not register, publish or subscribe under
   * it.
   */
  public static final String RESERVED_PREFIX = "wamp.";
}
