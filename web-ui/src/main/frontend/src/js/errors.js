// One readable sentence for every way an action can fail (docs/api.md, "Errors").

/** What to tell the user about a CallError (wamp-session.js). */
export function describe(error) {
  switch (error?.uri) {
    case 'wamp.error.no_such_procedure':
      return unavailable(error.procedure ?? '');
    case 'client.not_connected':
      return 'Not connected to the forum right now; try again once the page has reconnected.';
    case 'client.connection_lost':
      return 'The connection was lost before the answer came; check whether it was done, then try again.';
    case 'client.timeout':
    case 'wamp.error.timeout':
    case 'wamp.error.canceled':
      return 'The forum took too long to answer; try again.';
    case 'wamp.error.not_authorized':
      return 'You may not do that. Are you still logged in?';
    default:
      // The services' errors (invalid_argument, not_found, forbidden, login_failed, ...) carry a
      // message written for users.
      return error?.detail ? sentence(error.detail) : 'Something went wrong; try again.';
  }
}

/** The router answers no_such_procedure when the service that registers the procedure is down. */
function unavailable(procedure) {
  if (procedure.startsWith('forum.auth.')) {
    return 'Logging in is unavailable right now; try again later.';
  }
  if (procedure.startsWith('forum.presence.')) {
    return 'Who is online is unavailable right now.';
  }
  return 'The forum service is unavailable right now; try again later.';
}

/** "wrong username or password" → "Wrong username or password." */
function sentence(text) {
  const capitalised = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}
