'use strict';

// Autobahn|JS 22.11.1 on Node as the other party of the Quarkus service, through router-service:
//
//   node autobahn-js-peer.js <ws-url> <realm> <json|msgpack|cbor> <name>
//
// Joins anonymously (the realm gives role "peer"), registers it.peer.<name>.upper and .fail and subscribes
// it.peer.<name>.news for the service to use; then calls the service's procedures (it.app.*) and publishes
// to its topics, one "PASS <check>" or "FAIL <check>: <why>" line per check, and prints READY.
// AutobahnPeersTest then calls the procedures and publishes to the topic through the service's Wamp bean,
// and closes this program's stdin: it checks that the event arrived, leaves, and exits with the number of
// failed checks. Every wait is bounded; the whole run ends after 40 s. The checks and their names match
// src/test/python/autobahn_python_peer.py.

const autobahn = require('autobahn');
const { isDeepStrictEqual, inspect } = require('node:util');

const SERIALIZERS = {
  json: () => new autobahn.serializer.JSONSerializer(),
  msgpack: () => new autobahn.serializer.MsgpackSerializer(),
  cbor: () => new autobahn.serializer.CBORSerializer(),
};
const STEP_TIMEOUT_MS = 5000;
const RUN_TIMEOUT_MS = 40000;
const ACK = { acknowledge: true };

function show(value) {
  return inspect(value, { depth: 5, breakLength: Infinity });
}

class CheckFailure extends Error {}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new CheckFailure(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([Promise.resolve(promise), timeout]).finally(() => clearTimeout(timer));
}

function expectEqual(actual, expected, what) {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new CheckFailure(`${what}: expected ${show(expected)} but got ${show(actual)}`);
  }
}

function connect(url, realm, serializer) {
  return new Promise((resolve, reject) => {
    const connection = new autobahn.Connection({
      url,
      realm,
      // One serializer only, so the router cannot fall back to another one unnoticed.
      serializers: [SERIALIZERS[serializer]()],
      max_retries: 0,
      retry_if_unreachable: false,
    });
    let closed;
    const closedPromise = new Promise((r) => (closed = r));
    connection.onopen = (session, details) => resolve({ connection, session, details, closed: closedPromise });
    connection.onclose = (reason, details) => {
      closed({ reason, details });
      reject(new Error(`connection ${reason} before the session opened: ${show(details)}`));
      return true;
    };
    connection.open();
  });
}

/** A call's outcome: its single result unwrapped, or {args, kwargs} for anything bigger. */
async function call(session, uri, args, kwargs, options) {
  return withTimeout(session.call(uri, args, kwargs, options), STEP_TIMEOUT_MS, `the result of ${uri}`);
}

async function expectError(promise, uri) {
  let result;
  try {
    result = await withTimeout(promise, STEP_TIMEOUT_MS, `the error ${uri}`);
  } catch (e) {
    if (!(e instanceof autobahn.Error)) {
      throw e;
    }
    expectEqual(e.error, uri, 'error URI');
    return e;
  }
  throw new CheckFailure(`expected error ${uri} but the call returned ${show(result)}`);
}

function stdinClosed(ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      console.log('the test never closed stdin');
      resolve();
    }, ms);
    process.stdin.on('data', () => {});
    process.stdin.on('end', () => {
      clearTimeout(timer);
      resolve();
    });
    process.stdin.resume();
  });
}

async function run(url, realm, serializer, name) {
  let failures = 0;
  async function check(label, body) {
    try {
      await withTimeout(body(), 3 * STEP_TIMEOUT_MS, label);
      console.log(`PASS ${label}`);
      return true;
    } catch (e) {
      failures++;
      const why = e instanceof CheckFailure ? e.message : `${e && e.constructor && e.constructor.name}: ${show(e)}`;
      console.log(`FAIL ${label}: ${why}`);
      return false;
    }
  }

  let peer;
  const ok = await check('join', async () => {
    peer = await connect(url, realm, serializer);
    expectEqual(peer.details.transport.protocol, `wamp.2.${serializer}`, 'negotiated subprotocol');
    expectEqual(peer.details.authrole, 'peer', 'authrole');
  });
  if (!ok) {
    return failures;
  }
  const s = peer.session;
  const news = [];
  let newsArrived;
  const firstNews = new Promise((r) => (newsArrived = r));

  await check('register and subscribe', async () => {
    await s.register(`it.peer.${name}.upper`, (args, kwargs) =>
      String(args[0]).toUpperCase().repeat((kwargs && kwargs.times) || 1));
    await s.register(`it.peer.${name}.fail`, () => {
      throw new autobahn.Error('it.error.peer_refused', ['nope', 3], { reason: 'testing' });
    });
    await s.subscribe(`it.peer.${name}.news`, (args, kwargs) => {
      news.push({ args: args || [], kwargs: kwargs || {} });
      newsArrived();
    });
  });

  await check('call positional', async () => {
    expectEqual(await call(s, 'it.app.add', [2, 3]), 5, 'add(2, 3)');
  });

  await check('call keyword arguments', async () => {
    expectEqual(await call(s, 'it.app.greet', [], { name: 'ann', greeting: 'hi' }), 'hi, ann', 'greet');
    expectEqual(await call(s, 'it.app.greet', ['bob']), 'hello, bob', 'greet without greeting');
  });

  await check('call record', async () => {
    expectEqual(await call(s, 'it.app.create', [], { title: 'T', body: 'B' }), { id: 7, title: 'T', body: 'B' }, 'create');
  });

  await check('call application error', async () => {
    const e = await expectError(s.call('it.app.refuse'), 'it.error.refused');
    expectEqual(e.args, ['no', 2], 'error args');
    expectEqual(e.kwargs, { why: 'because' }, 'error kwargs');
  });

  await check('call validation error', async () => {
    const e = await expectError(s.call('it.app.login', ['', 'short']), 'wamp.error.invalid_argument');
    if (!(String(e.args[0]).includes('username') && String(e.args[0]).includes('password'))) {
      throw new CheckFailure(`the message names neither field: ${show(e.args)}`);
    }
    expectEqual(e.kwargs.violations.map((v) => v.field).sort(), ['password', 'username'], 'violations');
  });

  await check('call runtime error', async () => {
    const e = await expectError(s.call('it.app.crash'), 'wamp.error.runtime_error');
    if (show(e.args).includes('secret internals')) {
      throw new CheckFailure(`the error tells the callee's internals: ${show(e.args)}`);
    }
  });

  await check('call progressive results', async () => {
    const received = [];
    // Autobahn|JS's default promises (when.js) report progress through then's third callback.
    const result = await withTimeout(
      new Promise((resolve, reject) => {
        s.call('it.app.count', [3], {}, { receive_progress: true }).then(resolve, reject, (p) => received.push(p));
      }),
      STEP_TIMEOUT_MS,
      'the progressive call',
    );
    expectEqual(received, [1, 2, 3], 'progressive results');
    expectEqual(result, null, 'the final result');
    expectEqual(await call(s, 'it.app.count', [3]), [1, 2, 3], 'one list without receive_progress');
  });

  await check('caller disclosed', async () => {
    const who = await call(s, 'it.app.whoami');
    expectEqual(who.authrole, 'peer', 'caller_authrole');
    expectEqual(who.session, s.id, 'caller');
  });

  await check('publish to the service', async () => {
    await withTimeout(s.publish('it.app.inbox', [`hello from ${name}`], { n: 1 }, ACK), STEP_TIMEOUT_MS, 'PUBLISHED');
    await withTimeout(
      s.publish('it.app.posts', [], { id: 1, title: name, body: 'from Autobahn|JS' }, ACK),
      STEP_TIMEOUT_MS,
      'PUBLISHED',
    );
  });

  console.log('READY');
  await stdinClosed(RUN_TIMEOUT_MS);

  await check('event from the service', async () => {
    await withTimeout(firstNews, STEP_TIMEOUT_MS, 'the event');
    expectEqual(news[0], { args: [`news for ${name}`], kwargs: { n: 2 } }, 'event');
  });

  await check('goodbye', async () => {
    peer.connection.close();
    const { reason } = await withTimeout(peer.closed, STEP_TIMEOUT_MS, 'the close');
    expectEqual(reason, 'closed', 'close reason');
  });
  return failures;
}

const [url, realm, serializer, name] = process.argv.slice(2);
if (!url || !realm || !SERIALIZERS[serializer] || !name) {
  console.error('usage: node autobahn-js-peer.js <ws-url> <realm> <json|msgpack|cbor> <name>');
  process.exit(2);
}
withTimeout(run(url, realm, serializer, name), RUN_TIMEOUT_MS + 20000, 'the whole run')
  .then((failures) => process.exit(Math.min(failures, 100)))
  .catch((e) => {
    console.log(`FAIL run: ${show(e)}`);
    process.exit(1);
  });
