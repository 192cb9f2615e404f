'use strict';

// The interop scenario shared by the Node peers. Each peer supplies an adapter that maps this small
// session API onto its client library, so Autobahn|JS and wampy run exactly the same checks:
//
//   connect(url, realm, serializer) -> Promise<session>
//   session.protocol                    negotiated WebSocket subprotocol, e.g. "wamp.2.cbor"
//   session.register(uri, fn)           fn(args, kwargs) returns the result args or throws appError()
//   session.unregister(registration)
//   session.call(uri, args, kwargs)  -> {args, kwargs}; rejects with {error, args, kwargs}
//   session.subscribe(uri, fn)          fn(args, kwargs)
//   session.unsubscribe(subscription)
//   session.publish(uri, args, kwargs, options)  resolves on PUBLISHED (acknowledge is always on)
//   session.mark(), session.receivedAfter(mark, type)
//                                       optional: raw messages of one WAMP type received since mark()
//   session.leave() -> {clean, detail}  GOODBYE handshake, then the WebSocket close
//
// Output is one line per check, "PASS <check>" or "FAIL <check>: <why>", which RouterInteropIT shows
// when a peer exits non-zero.

const crypto = require('node:crypto');
const { isDeepStrictEqual, inspect } = require('node:util');

const SERIALIZERS = ['json', 'msgpack', 'cbor'];
const STEP_TIMEOUT_MS = 5000;
// How long "nothing arrived" is watched for; events on loopback arrive within milliseconds.
const GRACE_MS = 300;
const SCENARIO_TIMEOUT_MS = 20000;
const EVENT = 36;

function parseArgs(argv, peerName) {
  const [url, realm, serializer] = argv.slice(2);
  if (!url || !realm || !SERIALIZERS.includes(serializer)) {
    console.error(`usage: node ${peerName}.js <ws-url> <realm> <json|msgpack|cbor>`);
    process.exit(2);
  }
  return { url, realm, serializer };
}

function show(value) {
  return inspect(value, { depth: 5, breakLength: Infinity });
}

/** A check's own verdict, as opposed to an exception from inside a client library. */
class CheckFailure extends Error {}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new CheckFailure(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([Promise.resolve(promise), timeout]).finally(() => clearTimeout(timer));
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Collects events of one subscription so a check can wait for the next one or assert silence. */
class Inbox {
  constructor() {
    this.events = [];
    this.waiters = [];
  }

  push(args, kwargs) {
    const event = { args: args ?? [], kwargs: kwargs ?? {} };
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter(event);
    } else {
      this.events.push(event);
    }
  }

  next(what) {
    if (this.events.length > 0) {
      return Promise.resolve(this.events.shift());
    }
    return withTimeout(new Promise((resolve) => this.waiters.push(resolve)), STEP_TIMEOUT_MS, what);
  }

  async expectNone(what) {
    await sleep(GRACE_MS);
    if (this.events.length > 0) {
      throw new CheckFailure(`${what} received ${show(this.events)}`);
    }
  }
}

function expectEqual(actual, expected, what) {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new CheckFailure(`${what}: expected ${show(expected)} but got ${show(actual)}`);
  }
}

async function expectCallError(promise, uri, args, kwargs) {
  let result;
  try {
    result = await withTimeout(promise, STEP_TIMEOUT_MS, 'the call error');
  } catch (e) {
    if (e.error === undefined) {
      throw e;
    }
    expectEqual(e.error, uri, 'error URI');
    if (args !== undefined) {
      expectEqual(e.args ?? [], args, 'error args');
      expectEqual(e.kwargs ?? {}, kwargs, 'error kwargs');
    }
    return;
  }
  throw new CheckFailure(`expected error ${uri} but the call returned ${show(result)}`);
}

class AppError extends Error {
  constructor(uri, args, kwargs) {
    super(uri);
    this.uri = uri;
    this.args = args;
    this.kwargs = kwargs;
  }
}

async function runScenario(peerName, adapter) {
  const { url, realm, serializer } = parseArgs(process.argv, peerName);
  const watchdog = setTimeout(() => {
    console.log(`FAIL scenario: ${peerName}/${serializer} did not finish within ${SCENARIO_TIMEOUT_MS} ms`);
    process.exit(3);
  }, SCENARIO_TIMEOUT_MS);

  const suffix = `${serializer}_${crypto.randomBytes(4).toString('hex')}`;
  const add2 = `com.example.add2.${suffix}`;
  const failing = `com.example.failing.${suffix}`;
  const nonexistent = `com.example.nonexistent.${suffix}`;
  const topic = `com.example.topic.${suffix}`;

  let failures = 0;
  const check = async (name, body) => {
    try {
      await withTimeout(body(), 3 * STEP_TIMEOUT_MS, `check ${name}`);
      console.log(`PASS ${name}`);
      return true;
    } catch (e) {
      failures++;
      if (e instanceof CheckFailure) {
        console.log(`FAIL ${name}: ${e.message}`);
      } else {
        console.log(`FAIL ${name}: ${e instanceof Error ? e.message : show(e)}`);
        console.error(e instanceof Error ? e.stack : show(e));
      }
      return false;
    }
  };

  let a;
  let b;
  const joined = await check('join', async () => {
    [a, b] = await Promise.all([
      withTimeout(adapter.connect(url, realm, serializer), STEP_TIMEOUT_MS, 'session A to join'),
      withTimeout(adapter.connect(url, realm, serializer), STEP_TIMEOUT_MS, 'session B to join'),
    ]);
    expectEqual(a.protocol, `wamp.2.${serializer}`, 'negotiated subprotocol');
  });
  if (!joined) {
    finish(peerName, serializer, failures, watchdog);
    return;
  }

  let add2Registration;
  await check('register+call', async () => {
    add2Registration = await b.register(add2, (args) => [args[0] + args[1]]);
    const result = await withTimeout(a.call(add2, [2, 3]), STEP_TIMEOUT_MS, 'the call result');
    expectEqual(result.args, [5], 'result args');
  });

  await check('call no_such_procedure', () =>
    expectCallError(a.call(nonexistent, [1]), 'wamp.error.no_such_procedure'));

  await check('call application error', async () => {
    await b.register(failing, () => {
      throw new AppError('com.example.error.oops', [1, 'two'], { three: 3 });
    });
    await expectCallError(a.call(failing, []), 'com.example.error.oops', [1, 'two'], { three: 3 });
  });

  const inboxA = new Inbox();
  const inboxB = new Inbox();
  let subscriptionB;
  await check('publish+event', async () => {
    subscriptionB = await b.subscribe(topic, (args, kwargs) => inboxB.push(args, kwargs));
    const ack = a.publish(topic, ['hello'], { n: 1 }, {});
    await withTimeout(ack, STEP_TIMEOUT_MS, 'PUBLISHED');
    const event = await inboxB.next("B's event");
    expectEqual(event.args, ['hello'], 'event args');
    expectEqual(event.kwargs, { n: 1 }, 'event kwargs');
  });

  await check('publisher exclusion (default)', async () => {
    await a.subscribe(topic, (args, kwargs) => inboxA.push(args, kwargs));
    await withTimeout(a.publish(topic, ['excluded'], {}, {}), STEP_TIMEOUT_MS, 'PUBLISHED');
    expectEqual((await inboxB.next("B's event")).args, ['excluded'], 'event args at B');
    await inboxA.expectNone('A (the publisher, excluded by default)');
  });

  await check('publisher exclusion (exclude_me=false)', async () => {
    await withTimeout(a.publish(topic, ['included'], {}, { exclude_me: false }), STEP_TIMEOUT_MS, 'PUBLISHED');
    expectEqual((await inboxB.next("B's event")).args, ['included'], 'event args at B');
    expectEqual((await inboxA.next("A's own event")).args, ['included'], 'event args at A');
  });

  await check('unsubscribe', async () => {
    await withTimeout(b.unsubscribe(subscriptionB), STEP_TIMEOUT_MS, 'UNSUBSCRIBED');
    const mark = b.mark ? b.mark() : undefined;
    await withTimeout(a.publish(topic, ['after-unsubscribe'], {}, {}), STEP_TIMEOUT_MS, 'PUBLISHED');
    await inboxB.expectNone('B (unsubscribed)');
    // Some clients drop an EVENT for a subscription they no longer hold without a word, so where the
    // adapter sees raw frames, check that the router sent none.
    if (mark !== undefined) {
      const stray = b.receivedAfter(mark, EVENT);
      if (stray.length > 0) {
        throw new CheckFailure(`router still sent EVENT to B after UNSUBSCRIBED: ${show(stray)}`);
      }
    }
  });

  await check('unregister', async () => {
    await withTimeout(b.unregister(add2Registration), STEP_TIMEOUT_MS, 'UNREGISTERED');
    await expectCallError(a.call(add2, [2, 3]), 'wamp.error.no_such_procedure');
  });

  await check('goodbye', async () => {
    const [closeA, closeB] = await Promise.all([
      withTimeout(a.leave(), STEP_TIMEOUT_MS, 'A to close'),
      withTimeout(b.leave(), STEP_TIMEOUT_MS, 'B to close'),
    ]);
    if (!closeA.clean || !closeB.clean) {
      throw new CheckFailure(`unclean close: A ${show(closeA)}, B ${show(closeB)}`);
    }
  });

  finish(peerName, serializer, failures, watchdog);
}

function finish(peerName, serializer, failures, watchdog) {
  clearTimeout(watchdog);
  console.log(`${peerName}/${serializer}: ${failures === 0 ? 'all checks passed' : `${failures} check(s) failed`}`);
  // The client libraries keep timers (auto-ping, reconnect) alive; the verdict is final here.
  process.exit(failures === 0 ? 0 : 1);
}

module.exports = { runScenario, AppError, show };
