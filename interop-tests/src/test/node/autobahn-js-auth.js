'use strict';

// Autobahn|JS 22.11.1 authenticating against the router:
//   node autobahn-js-auth.js <suite> <ws-url> <json|msgpack|cbor>
//
//   static         ticket, WAMP-CRA (unsalted and salted) and WAMP-Cryptosign in realm `secure` of
//                  src/test/resources/auth.yaml, each with a right and a wrong credential
//   dynamic        realm `dynamic`, whose logins com.example.authenticate decides (auth_provider.py must
//                  be running), and realm `orphan`, whose authenticator nobody registered
//   authorizer     realm `authz`, where com.example.authorize (auth_provider.py) decides what no static
//                  permission covers, and realm `authz-orphan`, whose authorizer nobody registered
//   tls-trusted    a ticket join over wss://, the router's certificate trusted through NODE_EXTRA_CA_CERTS
//   tls-untrusted  the same join without it: the TLS handshake must fail
//
// Credentials come from the environment (AuthInteropIT generates them for every run).

const crypto = require('node:crypto');
const tls = require('node:tls');
const autobahn = require('autobahn');
const {
  STEP_TIMEOUT_MS,
  CheckFailure,
  withTimeout,
  env,
  parseArgs,
  expectWelcome,
  expectAbort,
  describe,
  runChecks,
  show,
} = require('./auth-checks.js');

const SUITES = ['static', 'dynamic', 'authorizer', 'tls-trusted', 'tls-untrusted'];
const SERIALIZERS = {
  json: () => new autobahn.serializer.JSONSerializer(),
  msgpack: () => new autobahn.serializer.MsgpackSerializer(),
  cbor: () => new autobahn.serializer.CBORSerializer(),
};

const { suite, url, serializer } = parseArgs('autobahn-js-auth', SUITES);

// Autobahn|JS warns about every connection that closes (a dozen lines each, ABORTs included), which would
// bury the check lines; the outcome of each join is reported by the checks instead.
const warn = autobahn.log.warn;
autobahn.log.warn = (...args) => {
  if (args[0] !== 'connection closed' && !String(args[0]).startsWith('auto-reconnect')) {
    warn(...args);
  }
};

/**
 * One join. On WELCOME the connection stays open: the outcome carries the session and close(), which
 * sends GOODBYE and waits for the WebSocket to close.
 */
function attempt(realm, { authmethods, authid, authextra, onchallenge }) {
  const outcome = new Promise((resolve) => {
    let onClosed;
    const closed = new Promise((r) => (onClosed = r));
    const connection = new autobahn.Connection({
      url,
      realm,
      serializers: [SERIALIZERS[serializer]()],
      max_retries: 0,
      retry_if_unreachable: false,
      authmethods,
      authid,
      authextra,
      onchallenge,
    });
    connection.onopen = (session, details) => {
      resolve({
        kind: 'welcome',
        details,
        session,
        close: async () => {
          connection.close();
          await withTimeout(closed, STEP_TIMEOUT_MS, 'the connection to close');
        },
      });
    };
    connection.onclose = (reason, details) => {
      onClosed();
      // details.reason is the ABORT's reason, whether the WebSocket then closed cleanly ("closed") or
      // not ("lost": no close frame from the router before the TCP connection ended).
      if ((reason === 'closed' || reason === 'lost') && details.reason) {
        resolve({ kind: 'abort', reason: details.reason, message: details.message, clean: reason === 'closed' });
      } else {
        resolve({ kind: reason, detail: details });
      }
      return true;
    };
    connection.open();
  });
  return withTimeout(outcome, STEP_TIMEOUT_MS, `WELCOME or ABORT from realm ${realm}`);
}

/** Joins and checks WELCOME, then leaves again. */
async function joinsAs(realm, options, expected) {
  const outcome = await attempt(realm, options);
  expectWelcome(outcome, expected);
  await outcome.close();
}

async function refused(realm, options, reason) {
  const outcome = await attempt(realm, options);
  if (outcome.kind === 'welcome') {
    await outcome.close();
  }
  expectAbort(outcome, reason);
  if (!outcome.clean) {
    // Seen now and then after an authenticator's verdict; see "Quirks" in interop-tests/README.md.
    console.log('  (note: ABORT received, but the WebSocket then ended without a close frame from the router)');
  }
}

function ticket(authid, value) {
  return { authmethods: ['ticket'], authid, onchallenge: () => value };
}

function wampcra(authid, secret) {
  // What Autobahn|JS's README does: derive the key when the CHALLENGE carries a salt.
  return {
    authmethods: ['wampcra'],
    authid,
    onchallenge: (session, method, extra) => {
      if (method !== 'wampcra') {
        throw new Error(`unexpected challenge method ${method}`);
      }
      const key = extra.salt
        ? autobahn.auth_cra.derive_key(secret, extra.salt, extra.iterations, extra.keylen)
        : secret;
      return autobahn.auth_cra.sign(key, extra.challenge);
    },
  };
}

/** What autobahn.auth_cryptosign.create_connection does, with the public key and signer chosen apart. */
function cryptosign(announcedKey, signingKey) {
  return {
    authmethods: ['cryptosign'],
    authextra: { pubkey: autobahn.auth_cryptosign.public_key(announcedKey) },
    onchallenge: (session, method, extra) => autobahn.auth_cryptosign.sign_challenge(signingKey, extra),
  };
}

function staticChecks() {
  const rightTicket = env('INTEROP_TICKET');
  const craSecret = env('INTEROP_CRA_SECRET');
  const craPassword = env('INTEROP_CRA_PASSWORD');
  const key = autobahn.nacl.sign.keyPair.fromSeed(Buffer.from(env('INTEROP_CRYPTOSIGN_SEED'), 'hex'));
  const otherKey = autobahn.nacl.sign.keyPair.fromSeed(crypto.randomBytes(32));
  const as = (authid, authmethod) => ({ authid, authrole: 'user', authmethod, authprovider: 'static' });
  return [
    ['ticket: right ticket', () => joinsAs('secure', ticket('ticket-user', rightTicket), as('ticket-user', 'ticket'))],
    ['ticket: wrong ticket', () => refused('secure', ticket('ticket-user', `${rightTicket}x`), 'wamp.error.authentication_denied')],
    ['wampcra: right secret', () => joinsAs('secure', wampcra('cra-user', craSecret), as('cra-user', 'wampcra'))],
    ['wampcra: wrong secret', () => refused('secure', wampcra('cra-user', `${craSecret}x`), 'wamp.error.authentication_denied')],
    [
      'wampcra salted: right password',
      () => joinsAs('secure', wampcra('cra-salted-user', craPassword), as('cra-salted-user', 'wampcra')),
    ],
    [
      'wampcra salted: wrong password',
      () => refused('secure', wampcra('cra-salted-user', `${craPassword}x`), 'wamp.error.authentication_denied'),
    ],
    ['cryptosign: right key', () => joinsAs('secure', cryptosign(key, key), as('sign-user', 'cryptosign'))],
    [
      'cryptosign: registered public key, other private key',
      () => refused('secure', cryptosign(key, otherKey), 'wamp.error.authentication_denied'),
    ],
    ['cryptosign: unknown key', () => refused('secure', cryptosign(otherKey, otherKey), 'wamp.error.no_such_principal')],
  ];
}

function dynamicChecks() {
  const token = env('INTEROP_DYNAMIC_TOKEN');
  const dynamic = (authid, authrole) => ({ authid, authrole, authmethod: 'ticket', authprovider: 'dynamic' });
  return [
    [
      'authenticator: right token, dict answer (authid and extra from the authenticator)',
      async () => {
        const outcome = await attempt('dynamic', ticket('alice', token));
        expectWelcome(outcome, dynamic('dynamic-alice', 'user'));
        const extra = outcome.details.authextra ?? {};
        await outcome.close();
        if (extra.greeting !== 'hello from the authenticator') {
          throw new CheckFailure(`WELCOME.Details.authextra: expected the authenticator's extra but got ${show(extra)}`);
        }
      },
    ],
    [
      'authenticator: right token, role string answer',
      () => joinsAs('dynamic', ticket('plain-role', token), dynamic('plain-role', 'user')),
    ],
    [
      'authenticator: wrong token (it answers wamp.error.authentication_denied)',
      () => refused('dynamic', ticket('alice', `${token}x`), 'wamp.error.authentication_denied'),
    ],
    [
      'authenticator: answers an error that is not an auth URI',
      () => refused('dynamic', ticket('boom', token), 'wamp.error.authentication_failed'),
    ],
    [
      'authenticator: not registered',
      () => refused('orphan', ticket('alice', token), 'wamp.error.authentication_failed'),
    ],
  ];
}

function errorUri(e) {
  if (e instanceof autobahn.Error) {
    return e.error;
  }
  throw e;
}

/** Expects `promise` to fail with an ERROR whose URI is one of `uris`; returns that URI. */
async function expectError(promise, uris, what) {
  let result;
  try {
    result = await withTimeout(promise, STEP_TIMEOUT_MS, what);
  } catch (e) {
    if (e instanceof CheckFailure) {
      throw e;
    }
    const uri = errorUri(e);
    if (!uris.includes(uri)) {
      throw new CheckFailure(`${what}: expected ERROR ${uris.join(' or ')} but got ${uri} ${show(e.args)}`);
    }
    return uri;
  }
  throw new CheckFailure(`${what}: expected ERROR ${uris.join(' or ')} but it succeeded: ${show(result)}`);
}

/** A call's positional results: Autobahn|JS unwraps a single one, and returns a Result for more. */
function resultArgs(result) {
  return result instanceof autobahn.Result ? result.args : [result];
}

/** Runs `promise`, turning an ERROR into a failure that names the authorizer's log. */
async function expectOk(promise, what) {
  try {
    return await withTimeout(promise, STEP_TIMEOUT_MS, what);
  } catch (e) {
    if (e instanceof autobahn.Error) {
      throw new CheckFailure(`${what}: ERROR ${e.error} ${show(e.args)} (see auth-provider.log)`);
    }
    throw e;
  }
}

function authorizerChecks() {
  const rightTicket = env('INTEROP_TICKET');
  const suffix = `${serializer}_${crypto.randomBytes(4).toString('hex')}`;
  const NOT_AUTHORIZED = 'wamp.error.not_authorized';
  const AUTHORIZATION_FAILED = 'wamp.error.authorization_failed';
  const sessions = {};
  const login = ticket('authz-user', rightTicket);
  const expected = { authid: 'authz-user', authrole: 'user', authmethod: 'ticket', authprovider: 'static' };

  const join = async (name, realm) => {
    const outcome = await attempt(realm, login);
    expectWelcome(outcome, expected);
    sessions[name] = outcome;
    return outcome.session;
  };
  const echo = (args) => new autobahn.Result(args);

  return [
    [
      'join two sessions',
      async () => {
        await join('a', 'authz');
        await join('b', 'authz');
      },
    ],
    [
      'static permission: register+call without the authorizer',
      async () => {
        const { session: a } = sessions.a;
        const { session: b } = sessions.b;
        const uri = `com.example.static.echo_${suffix}`;
        await expectOk(b.register(uri, echo), 'REGISTER');
        const result = resultArgs(await expectOk(a.call(uri, ['static']), 'CALL'));
        if (result[0] !== 'static') {
          throw new CheckFailure(`unexpected result ${show(result)}`);
        }
      },
    ],
    [
      'authorizer true: register+call',
      async () => {
        const uri = `com.example.allowed.echo_${suffix}`;
        await expectOk(sessions.b.session.register(uri, echo), 'REGISTER');
        const result = resultArgs(await expectOk(sessions.a.session.call(uri, ['allowed']), 'CALL'));
        if (result[0] !== 'allowed') {
          throw new CheckFailure(`unexpected result ${show(result)}`);
        }
      },
    ],
    [
      'authorizer true: subscribe+publish',
      async () => {
        const uri = `com.example.allowed.topic_${suffix}`;
        let gotEvent;
        const event = new Promise((resolve) => (gotEvent = resolve));
        await expectOk(sessions.b.session.subscribe(uri, (args) => gotEvent(args)), 'SUBSCRIBE');
        await expectOk(sessions.a.session.publish(uri, ['news'], {}, { acknowledge: true }), 'PUBLISH');
        const args = await withTimeout(event, STEP_TIMEOUT_MS, 'the EVENT');
        if (args?.[0] !== 'news') {
          throw new CheckFailure(`unexpected event args ${show(args)}`);
        }
      },
    ],
    [
      'authorizer false: call, register, subscribe, publish denied with wamp.error.not_authorized',
      async () => {
        const { session: a } = sessions.a;
        const uri = `com.example.denied.thing_${suffix}`;
        await expectError(a.call(uri, []), [NOT_AUTHORIZED], 'CALL');
        await expectError(a.register(uri, echo), [NOT_AUTHORIZED], 'REGISTER');
        await expectError(a.subscribe(uri, () => {}), [NOT_AUTHORIZED], 'SUBSCRIBE');
        await expectError(a.publish(uri, [], {}, { acknowledge: true }), [NOT_AUTHORIZED], 'PUBLISH');
      },
    ],
    [
      'authorizer {allow: true, disclose: true}: caller and publisher disclosed',
      async () => {
        const { session: a } = sessions.a;
        const { session: b } = sessions.b;
        const proc = `com.example.disclosed.whoami_${suffix}`;
        const topic = `com.example.disclosed.topic_${suffix}`;
        await expectOk(b.register(proc, (args, kwargs, details) => new autobahn.Result([details.caller ?? null])), 'REGISTER');
        const [caller] = resultArgs(await expectOk(a.call(proc, []), 'CALL'));
        if (caller !== a.id) {
          throw new CheckFailure(`the callee saw caller ${show(caller)}, not A's session ${a.id}`);
        }
        let gotEvent;
        const event = new Promise((resolve) => (gotEvent = resolve));
        await expectOk(b.subscribe(topic, (args, kwargs, details) => gotEvent(details.publisher)), 'SUBSCRIBE');
        await expectOk(a.publish(topic, [], {}, { acknowledge: true }), 'PUBLISH');
        const publisher = await withTimeout(event, STEP_TIMEOUT_MS, 'the EVENT');
        if (publisher !== a.id) {
          throw new CheckFailure(`the subscriber saw publisher ${show(publisher)}, not A's session ${a.id}`);
        }
      },
    ],
    [
      'authorizer answer cached for the same session, URI and action (cache-for 30s)',
      async () => {
        // The authorizer allows com.example.once.* only the first time it is asked.
        const uri = `com.example.once.echo_${suffix}`;
        await expectOk(sessions.b.session.register(uri, echo), 'REGISTER');
        await expectOk(sessions.a.session.call(uri, [1]), 'first CALL');
        await expectOk(sessions.a.session.call(uri, [2]), 'second CALL (the cached answer)');
      },
    ],
    [
      'authorizer fails (answers an ERROR): wamp.error.authorization_failed',
      () => expectError(sessions.a.session.call(`com.example.failing.x_${suffix}`, []), [AUTHORIZATION_FAILED], 'CALL'),
    ],
    [
      'authorizer too slow (2.5 s, timeout 1 s): denied',
      async () => {
        const uri = await expectError(
          sessions.a.session.call(`com.example.slow.x_${suffix}`, []),
          [NOT_AUTHORIZED, AUTHORIZATION_FAILED],
          'CALL',
        );
        console.log(`  (denied with ${uri})`);
      },
    ],
    [
      'authorizer not registered: denied, static permissions still apply',
      async () => {
        const c = await join('c', 'authz-orphan');
        const uri = await expectError(
          c.call(`com.example.anything_${suffix}`, []),
          [NOT_AUTHORIZED, AUTHORIZATION_FAILED],
          'CALL',
        );
        console.log(`  (denied with ${uri})`);
        // Statically allowed: the dealer answers, not the authorizer.
        await expectError(c.call(`com.example.static.nobody_${suffix}`, []), ['wamp.error.no_such_procedure'], 'static CALL');
      },
    ],
    [
      'leave',
      async () => {
        for (const name of Object.keys(sessions)) {
          await sessions[name].close();
        }
      },
    ],
  ];
}

function tlsChecks(trusted) {
  const login = ticket('ticket-user', env('INTEROP_TICKET'));
  if (trusted) {
    return [
      [
        'wss: join with the certificate trusted through NODE_EXTRA_CA_CERTS',
        () => joinsAs('secure', login, { authid: 'ticket-user', authrole: 'user', authmethod: 'ticket' }),
      ],
    ];
  }
  return [
    [
      'wss: certificate not trusted, no session',
      async () => {
        const outcome = await attempt('secure', login);
        if (outcome.kind !== 'unreachable') {
          if (outcome.kind === 'welcome') {
            await outcome.close();
          }
          throw new CheckFailure(`expected the connection to fail but got ${describe(outcome)}`);
        }
        // Autobahn|JS reports only "unreachable"; ask Node's TLS why, to be sure it is the certificate.
        const { hostname, port } = new URL(url);
        const reason = await new Promise((resolve) => {
          const socket = tls.connect({ host: hostname, port: Number(port), servername: undefined });
          socket.once('secureConnect', () => {
            socket.destroy();
            resolve('the TLS handshake succeeded');
          });
          socket.once('error', (e) => resolve(e.code));
        });
        if (!/SELF_SIGNED|UNABLE_TO_VERIFY|CERT_UNTRUSTED/.test(reason)) {
          throw new CheckFailure(`the connection failed, but not for the certificate: ${reason}`);
        }
        console.log(`  (refused as expected: ${reason})`);
      },
    ],
  ];
}

const checks = {
  static: staticChecks,
  dynamic: dynamicChecks,
  authorizer: authorizerChecks,
  'tls-trusted': () => tlsChecks(true),
  'tls-untrusted': () => tlsChecks(false),
}[suite]();
runChecks(`autobahn-js auth ${suite}/${serializer}`, checks);
