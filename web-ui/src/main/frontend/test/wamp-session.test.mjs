// The page's WAMP session (src/js/wamp-session.js) against a fake router: how it joins, when it
// keeps or forgets a login, how it comes back after a loss. Autobahn|JS, localStorage and the
// window are stand-ins; the browser tests (platform-tests, BrowserIT) run the real ones.
//
//   npm test

import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';

// --- The browser, as far as the module uses it ---

const storage = new Map();
Object.defineProperty(globalThis, 'localStorage', {
  configurable: true,
  writable: true,
  value: {
    getItem: (key) => (storage.has(key) ? storage.get(key) : null),
    setItem: (key, value) => storage.set(key, String(value)),
    removeItem: (key) => storage.delete(key),
  },
});
Object.defineProperty(globalThis, 'navigator', {
  configurable: true,
  writable: true,
  value: { onLine: true },
});
globalThis.window = new EventTarget();

// --- A router with auth-service behind it ---

const router = {
  up: true,
  authService: true, // whether auth-service is there to check tickets and answer presence.list
  tokens: new Map(), // token -> username
  open: new Set(), // connections with a session
  joins: [], // {authmethods, authid} of every attempt, in order
  onRefusal: null, // called when a ticket join is refused

  reset() {
    this.up = true;
    this.authService = true;
    this.tokens.clear();
    this.open.clear();
    this.joins = [];
    this.onRefusal = null;
  },

  /** What the router does with a connection's HELLO. */
  hello(connection) {
    const { authmethods, authid, onchallenge } = connection.options;
    this.joins.push({ authmethods, authid });
    if (!this.up) {
      connection.end('unreachable', null);
    } else if (authmethods.includes('ticket')) {
      const valid = this.authService && this.tokens.get(onchallenge()) === authid;
      if (valid) {
        connection.join({ authrole: 'user', authid });
      } else {
        this.onRefusal?.();
        connection.end('closed', 'wamp.error.authentication_failed');
      }
    } else {
      connection.join({ authrole: 'anonymous', authid: 'anon' });
    }
  },

  /** Everyone's connection drops (the router stops). */
  dropAll() {
    for (const connection of [...this.open]) {
      connection.end('lost', null);
    }
  },

  call(connection, procedure, args) {
    const noSuchProcedure = { error: 'wamp.error.no_such_procedure', args: ['no callee'] };
    switch (procedure) {
      case 'forum.presence.list':
        return this.authService ? Promise.resolve([]) : Promise.reject(noSuchProcedure);
      case 'forum.auth.login': {
        const [username, password] = args;
        if (password !== 'correct horse battery') {
          return Promise.reject({
            error: 'forum.error.login_failed',
            args: ['wrong username or password'],
          });
        }
        const token = `token-${username}-${this.tokens.size}`;
        this.tokens.set(token, username);
        return Promise.resolve({ token, user: { username } });
      }
      case 'forum.auth.logout': {
        const user = connection.details.authid;
        for (const [token, owner] of this.tokens) {
          if (owner === user) {
            this.tokens.delete(token);
          }
        }
        setTimeout(() => {
          for (const c of [...this.open]) {
            if (c.details.authid === user) {
              c.end('closed', 'wamp.close.killed');
            }
          }
        }, 0);
        return Promise.resolve(null);
      }
      case 'test.never_answers':
        return new Promise(() => {});
      default:
        return Promise.reject(noSuchProcedure);
    }
  },
};

/** autobahn.Connection as the module uses it: open, close, onopen, onclose. */
class FakeConnection {
  constructor(options) {
    this.options = options;
    this.closing = false;
    this.closed = false;
  }

  open() {
    setTimeout(() => router.hello(this), 0);
  }

  close() {
    if (this.closing || this.closed) {
      throw 'connection already closed';
    }
    this.closing = true;
    setTimeout(() => this.end('closed', 'wamp.close.normal'), 0);
  }

  join(details) {
    if (this.closing || this.closed) {
      return;
    }
    this.details = details;
    router.open.add(this);
    this.onopen(
      {
        call: (procedure, args) => router.call(this, procedure, args),
        subscribe: () => Promise.resolve({}),
      },
      details,
    );
  }

  end(reason, wampReason) {
    if (this.closed) {
      return;
    }
    this.closed = true;
    router.open.delete(this);
    this.onclose(reason, { reason: wampReason, message: '' });
  }
}
globalThis.autobahn = { Connection: FakeConnection };

const { ForumConnection, CallError } = await import('../src/js/wamp-session.js');
const { describe } = await import('../src/js/errors.js');

// --- Helpers ---

const SETTINGS = { routerUrl: 'ws://127.0.0.1:8080/ws', realm: 'forum' };
const LOGIN_KEY = 'quarkbar.login';
let page;

/** A page's connection, started, with what it said recorded. */
function startPage() {
  const connection = new ForumConnection(SETTINGS);
  const seen = { states: [], notices: [], opens: [] };
  connection.addEventListener('state', ({ detail }) => seen.states.push(detail.state));
  connection.addEventListener('notice', ({ detail }) => seen.notices.push(detail.message));
  connection.addEventListener('open', ({ detail }) => seen.opens.push(detail.user));
  connection.start();
  page = connection;
  return { connection, seen };
}

async function until(what, condition, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      assert.fail(`never happened: ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function storeLogin(username, token) {
  storage.set(LOGIN_KEY, JSON.stringify({ username, token }));
}

beforeEach(() => {
  router.reset();
  storage.clear();
});

afterEach(() => {
  page?.stop();
  page = null;
});

// --- Tests ---

test('without a stored login the page joins anonymously', async () => {
  const { connection, seen } = startPage();
  await until('connected', () => connection.state === 'connected');
  assert.equal(connection.user, null);
  assert.deepEqual(router.joins, [{ authmethods: ['anonymous'], authid: undefined }]);
  assert.deepEqual(seen.opens, [null]);
});

test('logging in stores the token and joins again with it as a ticket', async () => {
  const { connection } = startPage();
  await until('connected', () => connection.state === 'connected');

  await connection.logIn('ada', 'correct horse battery');
  await until('joined as ada', () => connection.user === 'ada');

  const stored = JSON.parse(storage.get(LOGIN_KEY));
  assert.equal(stored.username, 'ada');
  assert.equal(router.tokens.get(stored.token), 'ada');
  assert.deepEqual(router.joins.at(-1), { authmethods: ['ticket'], authid: 'ada' });
  assert.equal(Object.keys(stored).includes('password'), false);
});

test('a wrong password rejects with the service error and keeps the page as it was', async () => {
  const { connection } = startPage();
  await until('connected', () => connection.state === 'connected');

  const error = await connection.logIn('ada', 'wrong').then(
    () => assert.fail('logged in'),
    (e) => e,
  );
  assert.ok(error instanceof CallError);
  assert.equal(error.uri, 'forum.error.login_failed');
  assert.equal(describe(error), 'Wrong username or password.');
  assert.equal(storage.has(LOGIN_KEY), false);
  assert.equal(router.joins.length, 1);
});

test('a stored login joins with its ticket straight away (a reload)', async () => {
  router.tokens.set('t1', 'ada');
  storeLogin('ada', 't1');
  const { connection, seen } = startPage();
  await until('joined as ada', () => connection.user === 'ada');
  assert.equal(router.joins.length, 1);
  assert.deepEqual(seen.opens, ['ada']);
});

test('a revoked token is forgotten once auth-service, answering, refuses it twice', async () => {
  storeLogin('ada', 'revoked');
  const { connection, seen } = startPage();
  await until('the expiry notice', () =>
    seen.notices.includes('Your session has expired; log in again.'),
  );
  await until('connected as a guest', () => connection.state === 'connected' && !connection.user);

  assert.equal(storage.has(LOGIN_KEY), false);
  const tickets = router.joins.filter((j) => j.authmethods.includes('ticket'));
  assert.equal(tickets.length, 2, 'the ticket is tried once more before it is forgotten');
});

test('while auth-service is away the login is kept, and used once it is back', async () => {
  router.tokens.set('t1', 'ada');
  storeLogin('ada', 't1');
  router.authService = false;
  const { connection, seen } = startPage();

  await until('the "unavailable" notice', () =>
    seen.notices.some((n) => n?.startsWith('Logging in is unavailable right now.')),
  );
  assert.equal(connection.user, null, 'a guest meanwhile');
  assert.ok(storage.has(LOGIN_KEY), 'the login is kept');

  router.authService = true;
  await until('joined as ada again', () => connection.user === 'ada');
  assert.equal(seen.notices.at(-1), null, 'the notice is taken back');
});

test('auth-service coming back between a refusal and the check does not lose the login', async () => {
  router.tokens.set('t1', 'ada');
  storeLogin('ada', 't1');
  router.authService = false;
  router.onRefusal = () => {
    router.authService = true; // back right after refusing, before the page checks
    router.onRefusal = null;
  };
  const { connection, seen } = startPage();

  await until('joined as ada', () => connection.user === 'ada');
  assert.ok(storage.has(LOGIN_KEY));
  assert.equal(seen.notices.includes('Your session has expired; log in again.'), false);
});

test('after a loss the page says reconnecting and joins again with its login', async () => {
  router.tokens.set('t1', 'ada');
  storeLogin('ada', 't1');
  const { connection, seen } = startPage();
  await until('joined as ada', () => connection.user === 'ada');
  const joins = connection.joins;

  router.up = false;
  router.dropAll();
  assert.equal(connection.state, 'reconnecting');
  assert.equal(connection.user, null);
  await until('a failed attempt', () => router.joins.length >= 2);
  assert.equal(connection.state, 'reconnecting');

  router.up = true;
  await until('joined as ada again', () => connection.user === 'ada');
  assert.equal(connection.state, 'connected');
  assert.ok(connection.joins > joins);
  assert.deepEqual(seen.states.slice(-2), ['reconnecting', 'connected']);
});

test('logging out forgets the login and joins anonymously', async () => {
  router.tokens.set('t1', 'ada');
  storeLogin('ada', 't1');
  const { connection, seen } = startPage();
  await until('joined as ada', () => connection.user === 'ada');

  await connection.logOut();
  await until('the logout notice', () => seen.notices.includes('You are logged out.'));
  await until('connected as a guest', () => connection.state === 'connected' && !connection.user);
  assert.equal(storage.has(LOGIN_KEY), false);
});

test('calls fail with a CallError while disconnected and when the connection is lost', async () => {
  const { connection } = startPage();
  await assert.rejects(connection.call('forum.thread.list', 1), { uri: 'client.not_connected' });
  await until('connected', () => connection.state === 'connected');

  const pending = connection.call('test.never_answers');
  router.up = false;
  router.dropAll();
  await assert.rejects(pending, { uri: 'client.connection_lost' });
});

test('every failure reads as a sentence', () => {
  const error = (uri, procedure, detail = null) => new CallError(uri, procedure, detail);
  assert.equal(
    describe(error('wamp.error.no_such_procedure', 'forum.thread.create')),
    'The forum service is unavailable right now; try again later.',
  );
  assert.equal(
    describe(error('wamp.error.no_such_procedure', 'forum.auth.login')),
    'Logging in is unavailable right now; try again later.',
  );
  assert.equal(
    describe(error('wamp.error.invalid_argument', 'forum.auth.register', 'password must be 8 to 128 characters')),
    'Password must be 8 to 128 characters.',
  );
  assert.equal(describe(error('client.timeout', 'forum.thread.list')), 'The forum took too long to answer; try again.');
  assert.equal(describe(error('forum.error.unknown', 'forum.x')), 'Something went wrong; try again.');
});
