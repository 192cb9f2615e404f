// The page's one WAMP session (docs/api.md), kept open for as long as the page is: it joins
// anonymously or with the stored login token, and joins again after every loss.
//
// Each attempt is a fresh autobahn.Connection with Autobahn's own retries off, because the page
// must tell apart closes that Autobahn treats alike:
//   - GOODBYE wamp.close.killed: the user logged out (here or in another tab); join anonymously.
//   - ABORT wamp.error.authentication_failed on a ticket join: the token is no good, or auth-service
//     (which checks tokens) is away; join anonymously and find out which (#checkRefusedTicket). A
//     login is only forgotten when its ticket is refused again while auth-service answers.
//   - anything else (the connection dropped, the router shut down or refused the join): a loss;
//     join again after a delay that grows from half a second to half a minute.
//
// Events (CustomEvent, on this EventTarget):
//   'state'  {state}   connecting | connected | reconnecting | offline
//   'open'   {user}    joined, as this user (null: anonymous); subscribe and read the state here,
//                      since subscriptions end with their session and events meanwhile are lost
//   'notice' {message} something the user should know, e.g. "Your session has expired"; null: what
//                      was said is over

import * as credentials from './credentials.js';

const CALL_TIMEOUT_MS = 15_000;
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;
/** Failed attempts in a row after which the page says "offline" rather than "reconnecting". */
const OFFLINE_AFTER = 5;

/**
 * Why a call failed: `uri` is the WAMP error (e.g. forum.error.not_found) or one of the page's own,
 * client.not_connected, client.connection_lost, client.timeout, client.error; `detail` the
 * service's message (the error's first argument) when it gave one.
 */
export class CallError extends Error {
  constructor(uri, procedure, detail = null) {
    super(detail ?? `${procedure}: ${uri}`);
    this.uri = uri;
    this.procedure = procedure;
    this.detail = detail;
  }
}

export class ForumConnection extends EventTarget {
  #settings;
  #login = credentials.load();
  #connection = null;
  #session = null;
  #user = null;
  #state = 'connecting';
  #everJoined = false;
  #failures = 0;
  #retryTimer = null;
  #retryAt = null;
  #ticketRefused = false; // the last ticket join was refused: joined anonymously to find out why
  #ticketChecked = false; // auth-service answered since: one more refusal means the token is no good
  #ticketRetries = 0;
  #pending = new Set();
  #joins = 0;
  #stopped = false;

  /** settings: {routerUrl, realm}, from /config.js. */
  constructor(settings) {
    super();
    this.#settings = settings;
  }

  /** connecting, connected, reconnecting or offline. */
  get state() {
    return this.#state;
  }

  /** When the next attempt to connect is due (ms since the epoch), while not connected. */
  get retryAt() {
    return this.#session ? null : this.#retryAt;
  }

  /** The logged-in username, or null. */
  get user() {
    return this.#user;
  }

  /** How many times the page has joined: tells whether the session is still the one it was. */
  get joins() {
    return this.#joins;
  }

  /** The page cannot connect at all (its settings or Autobahn|JS did not load): offline. */
  cannotStart() {
    this.#setState('offline');
  }

  start() {
    window.addEventListener('online', () => this.retryNow());
    window.addEventListener('offline', () => {
      if (!this.#session) {
        this.#setState('offline');
      }
    });
    credentials.onChange((login) => {
      if (login?.token !== this.#login?.token) {
        this.#login = login;
        this.#reopen();
      }
    });
    this.#open();
  }

  /** Closes the session for good: nothing is retried after this. */
  stop() {
    this.#stopped = true;
    this.#drop();
  }

  /** Connects now rather than when the current delay ends. */
  retryNow() {
    if (!this.#session && !this.#stopped) {
      this.#drop();
      this.#open();
    }
  }

  /** Calls a procedure; resolves to its result, rejects with a CallError. */
  call(procedure, ...args) {
    const session = this.#session;
    if (!session) {
      return Promise.reject(new CallError('client.not_connected', procedure));
    }
    return new Promise((resolve, reject) => {
      const entry = { procedure, reject };
      const settle = (then) => (value) => {
        clearTimeout(entry.timer);
        this.#pending.delete(entry);
        then(value);
      };
      entry.timer = setTimeout(
        settle(() => reject(new CallError('client.timeout', procedure))),
        CALL_TIMEOUT_MS,
      );
      this.#pending.add(entry);
      try {
        session.call(procedure, args).then(
          settle(resolve),
          settle((error) => reject(toCallError(error, procedure))),
        );
      } catch (error) {
        settle(() => reject(toCallError(error, procedure)))();
      }
    });
  }

  /** Subscribes handler(event) to a topic for the current session; rejects with a CallError. */
  subscribe(topic, handler) {
    const session = this.#session;
    if (!session) {
      return Promise.reject(new CallError('client.not_connected', topic));
    }
    try {
      return session.subscribe(topic, (args) => {
        const event = args?.[0];
        if (event != null && typeof event === 'object') {
          handler(event); // each event is one object (docs/api.md); anything else is not ours
        }
      });
    } catch (error) {
      return Promise.reject(toCallError(error, topic));
    }
  }

  /** Logs in; the page then joins again as that user ('open'). Rejects with a CallError. */
  async logIn(username, password) {
    const login = await this.call('forum.auth.login', username, password);
    this.#login = { username: login.user.username, token: login.token };
    credentials.save(this.#login);
    this.#ticketRefused = false;
    this.#ticketChecked = false;
    this.#reopen();
  }

  /**
   * Logs out everywhere: auth-service revokes the user's tokens, then the router ends all of the
   * user's sessions, this one too, with wamp.close.killed (#onClose). If auth-service cannot be
   * reached, the login is forgotten here all the same and the CallError says why the other
   * sessions may live on.
   */
  async logOut() {
    try {
      await this.call('forum.auth.logout');
    } catch (error) {
      this.#forget();
      this.#reopen();
      throw error;
    }
  }

  #open({ anonymous = false } = {}) {
    clearTimeout(this.#retryTimer);
    if (this.#stopped) {
      return;
    }
    const login = anonymous ? null : this.#login;
    const connection = new autobahn.Connection({
      url: this.#settings.routerUrl,
      realm: this.#settings.realm,
      ...(login
        ? { authmethods: ['ticket'], authid: login.username, onchallenge: () => login.token }
        : { authmethods: ['anonymous'] }),
      max_retries: 0,
      retry_if_unreachable: false,
      use_es6_promises: true,
    });
    this.#connection = connection;
    connection.onopen = (session, details) => this.#onOpen(connection, session, details);
    connection.onclose = (reason, details) => {
      this.#onClose(connection, details, login != null);
      return true; // never let Autobahn retry: #onClose decides
    };
    connection.open();
  }

  #onOpen(connection, session, details) {
    if (connection !== this.#connection) {
      // One the page gave up on while it was joining (#drop could not close it yet): a session
      // left open would keep its user online.
      try {
        connection.close();
      } catch {
        // already closed
      }
      return;
    }
    this.#session = session;
    this.#joins += 1;
    this.#user = details.authrole === 'user' ? details.authid : null;
    this.#failures = 0;
    this.#everJoined = true;
    const loggedInAgain = this.#user != null && this.#ticketRefused;
    if (this.#user) {
      this.#ticketRefused = false;
      this.#ticketChecked = false;
      this.#ticketRetries = 0;
    }
    this.#setState('connected');
    this.#emit('open', { user: this.#user });
    if (loggedInAgain) {
      this.#emit('notice', { message: null }); // "Logging in is unavailable" is over
    }
    if (!this.#user && this.#ticketRefused && this.#login) {
      this.#checkRefusedTicket();
    }
  }

  #onClose(connection, details, withTicket) {
    if (connection !== this.#connection) {
      return; // one the page closed itself (#drop) and has replaced already
    }
    this.#detach();
    const reason = details?.reason; // GOODBYE's or ABORT's URI; none when the connection dropped
    if (reason === 'wamp.close.killed') {
      this.#forget();
      this.#emit('notice', { message: 'You are logged out.' });
      this.#open();
    } else if (reason === 'wamp.error.authentication_failed' && withTicket && this.#login) {
      if (this.#ticketChecked) {
        this.#forget();
        this.#emit('notice', { message: 'Your session has expired; log in again.' });
        this.#open();
      } else {
        this.#ticketRefused = true;
        this.#open({ anonymous: true });
      }
    } else {
      this.#ticketChecked = false;
      this.#retryLater();
    }
  }

  /**
   * The router refuses a ticket join with authentication_failed both when auth-service rejects the
   * token and when auth-service is away (restarting) for longer than the router waits for it.
   * Auth-service itself tells which: while it does not answer the anonymous session, the page tries
   * the ticket again later; once it answers, the page tries the ticket once more, and a refusal then
   * means the token is no good (#onClose).
   */
  async #checkRefusedTicket() {
    const connection = this.#connection;
    try {
      await this.call('forum.presence.list');
    } catch {
      if (connection === this.#connection) {
        this.#emit('notice', {
          message:
            'Logging in is unavailable right now. You can read as a guest; ' +
            'you will be logged in again once it is back.',
        });
        clearTimeout(this.#retryTimer);
        this.#retryTimer = setTimeout(() => this.#reopen(), backoff(++this.#ticketRetries));
      }
      return;
    }
    if (connection === this.#connection) {
      this.#ticketChecked = true;
      this.#reopen();
    }
  }

  #retryLater() {
    this.#failures += 1;
    const delay = backoff(this.#failures);
    this.#retryAt = Date.now() + delay;
    this.#retryTimer = setTimeout(() => this.#open(), delay);
    if (!navigator.onLine || this.#failures > OFFLINE_AFTER) {
      this.#setState('offline');
    } else {
      this.#setState(this.#everJoined ? 'reconnecting' : 'connecting');
    }
  }

  /** Closes the current connection, if any, and joins again with the current login. */
  #reopen() {
    this.#drop();
    this.#open();
  }

  #drop() {
    const connection = this.#connection;
    clearTimeout(this.#retryTimer);
    this.#detach();
    try {
      connection?.close();
    } catch {
      // already closed
    }
  }

  #detach() {
    this.#connection = null;
    this.#session = null;
    this.#user = null;
    for (const entry of this.#pending) {
      clearTimeout(entry.timer);
      entry.reject(new CallError('client.connection_lost', entry.procedure));
    }
    this.#pending.clear();
  }

  #forget() {
    this.#login = null;
    credentials.clear();
  }

  #setState(state) {
    this.#state = state;
    this.#emit('state', { state });
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

/** The delay before the n-th attempt (from 1): doubling from FIRST_RETRY_MS, ±20% jitter. */
function backoff(n) {
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (n - 1));
  return base * (0.8 + 0.4 * Math.random());
}

/** A CallError for what Autobahn rejected a call with: an autobahn.Error or a thrown string. */
function toCallError(error, procedure) {
  if (typeof error?.error === 'string') {
    const first = error.args?.[0];
    return new CallError(error.error, procedure, typeof first === 'string' ? first : null);
  }
  return new CallError('client.error', procedure, null);
}
