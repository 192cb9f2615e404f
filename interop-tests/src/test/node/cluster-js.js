'use strict';

// Autobahn|JS 22.11.1 against three router nodes of one cluster: events and calls across nodes.
//   node cluster-js.js <ws-url-n1> <ws-url-n2> <ws-url-n3> <realm> <json|msgpack|cbor>
//
// Every session of a check is on the node its name says. Output is one line per check, "PASS <check>" or
// "FAIL <check>: <why>"; the exit code is 0 only if every check passed. ClusterInteropIT runs it.

const crypto = require('node:crypto');
const { isDeepStrictEqual, inspect } = require('node:util');
const autobahn = require('autobahn');

const SERIALIZERS = {
  json: () => new autobahn.serializer.JSONSerializer(),
  msgpack: () => new autobahn.serializer.MsgpackSerializer(),
  cbor: () => new autobahn.serializer.CBORSerializer(),
};
const STEP_TIMEOUT_MS = 5000;
// How long "nothing arrived" is watched for: an event crosses two nodes and NATS in milliseconds.
const GRACE_MS = 500;
const RUN_TIMEOUT_MS = 90000;

const [url1, url2, url3, realm, serializer] = process.argv.slice(2);
if (!url1 || !url2 || !url3 || !realm || !(serializer in SERIALIZERS)) {
  console.error('usage: node cluster-js.js <ws-url-n1> <ws-url-n2> <ws-url-n3> <realm> <json|msgpack|cbor>');
  process.exit(2);
}
const URLS = { n1: url1, n2: url2, n3: url3 };

const warn = autobahn.log.warn;
autobahn.log.warn = (...args) => {
  if (args[0] !== 'connection closed') {
    warn(...args);
  }
};

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

function expectEqual(actual, expected, what) {
  if (!isDeepStrictEqual(actual, expected)) {
    const show = (v) => inspect(v, { depth: 6, breakLength: Infinity });
    throw new CheckFailure(`${what}: expected ${show(expected)} but got ${show(actual)}`);
  }
}

/** A session on node `node` ("n1", "n2" or "n3"). */
function on(node) {
  return withTimeout(
    new Promise((resolve, reject) => {
      const connection = new autobahn.Connection({
        url: URLS[node],
        realm,
        serializers: [SERIALIZERS[serializer]()],
        max_retries: 0,
        retry_if_unreachable: false,
      });
      connection.onopen = (session) => resolve({ connection, session });
      connection.onclose = (reason, details) => {
        reject(new Error(`a session on ${node}: connection ${reason}: ${inspect(details)}`));
        return true;
      };
      connection.open();
    }),
    STEP_TIMEOUT_MS,
    `a session on ${node}`,
  );
}

/** Events of one or more subscriptions, in arrival order. */
class Inbox {
  constructor() {
    this.events = [];
    this.waiters = [];
    this.handler = (args, kwargs, details) => {
      this.events.push({ args, kwargs, details });
      const w = this.waiters.shift();
      if (w) {
        w(this.events.shift());
      }
    };
  }

  next(what) {
    if (this.events.length > 0) {
      return Promise.resolve(this.events.shift());
    }
    return withTimeout(new Promise((r) => this.waiters.push(r)), STEP_TIMEOUT_MS, what);
  }

  async expectNone(who) {
    await sleep(GRACE_MS);
    if (this.events.length > 0) {
      throw new CheckFailure(`${who} received ${inspect(this.events[0])}`);
    }
  }
}

/** CALL, again while the caller's node does not know the procedure yet (milliseconds after REGISTERED). */
async function callWhenRoutable(session, procedure, args, kwargs, options) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    try {
      return await session.call(procedure, args, kwargs, options);
    } catch (e) {
      if (e.error !== 'wamp.error.no_such_procedure' || Date.now() > deadline) {
        throw e;
      }
      await sleep(20);
    }
  }
}

const suffix = `${serializer}_${crypto.randomBytes(4).toString('hex')}`;
const ACK = { acknowledge: true };
const open = [];

async function session(node) {
  const s = await on(node);
  open.push(s.connection);
  return s.session;
}

const checks = [
  [
    'an event published on n1 reaches subscribers on n2 and n3 once',
    async () => {
      const topic = `com.cluster.js.news.${suffix}`;
      const [s2, s3, p1] = await Promise.all([session('n2'), session('n3'), session('n1')]);
      const in2 = new Inbox();
      const in3 = new Inbox();
      await s2.subscribe(topic, in2.handler);
      await s3.subscribe(topic, in3.handler);
      await p1.publish(topic, ['hello', 42], { note: { k: 'v' } }, ACK);
      for (const [inbox, who] of [[in2, 'n2'], [in3, 'n3']]) {
        const e = await inbox.next(`the event on ${who}`);
        expectEqual([e.args, e.kwargs], [['hello', 42], { note: { k: 'v' } }], `the event on ${who}`);
        expectEqual(e.details.publisher, p1.id, `the publisher disclosed on ${who}`);
        await inbox.expectNone(`the subscriber on ${who}, after its one event`);
      }
    },
  ],
  [
    'a prefix subscription on n3 and a wildcard one on n2 get an event published on n1, once each',
    async () => {
      const base = `com.jspat${suffix}`;
      const [s2, s3, p1] = await Promise.all([session('n2'), session('n3'), session('n1')]);
      const prefix = new Inbox();
      const wildcard = new Inbox();
      await s3.subscribe(`${base}.emerg`, prefix.handler, { match: 'prefix' });
      await s2.subscribe('com..emergency', wildcard.handler, { match: 'wildcard' });
      await p1.publish(`${base}.emergency`, [1], {}, ACK);
      for (const [inbox, who] of [[prefix, 'prefix'], [wildcard, 'wildcard']]) {
        const e = await inbox.next(`the ${who} subscriber's event`);
        expectEqual(e.args, [1], `the ${who} subscriber's event`);
        expectEqual(e.details.topic, `${base}.emergency`, `the topic given to the ${who} subscriber`);
        await inbox.expectNone(`the ${who} subscriber`);
      }
    },
  ],
  [
    'subscribed on n2, published at once on n3: never missed (50 rounds)',
    async () => {
      const [s2, p3] = await Promise.all([session('n2'), session('n3')]);
      for (let i = 0; i < 50; i++) {
        const topic = `com.jscausal.${suffix}.t${i}`;
        const inbox = new Inbox();
        const sub = await s2.subscribe(topic, inbox.handler);
        await p3.publish(topic, [i], {}, ACK);
        const e = await inbox.next(`round ${i}`);
        expectEqual(e.args, [i], `round ${i}`);
        await s2.unsubscribe(sub);
      }
    },
  ],
  [
    'wamp.session.on_join of a session on n1 reaches a subscriber on n3',
    async () => {
      const watcher = await session('n3');
      const joins = new Inbox();
      await watcher.subscribe('wamp.session.on_join', joins.handler);
      const newcomer = await session('n1');
      for (;;) {
        const e = await joins.next('the newcomer on_join');
        if (e.args[0].session === newcomer.id) {
          break;
        }
      }
    },
  ],
  [
    'a caller on n3 calls a callee on n1: disclosure, progressive results, then the result',
    async () => {
      const procedure = `com.cluster.js.count.${suffix}`;
      const [callee, caller] = await Promise.all([session('n1'), session('n3')]);
      let disclosed;
      await callee.register(procedure, (args, kwargs, details) => {
        disclosed = details.caller;
        for (let i = 0; i < args[0]; i++) {
          details.progress([i]);
        }
        return 'done';
      });
      // The first call waits until n3 knows the procedure; the second collects progressive results
      // through the third callback of Autobahn|JS's promise (when.js), which a native promise lacks.
      await callWhenRoutable(caller, procedure, [0]);
      const progress = [];
      const result = await new Promise((resolve, reject) => {
        caller
          .call(procedure, [10], {}, { receive_progress: true, disclose_me: true })
          .then(resolve, reject, (p) => progress.push(p instanceof autobahn.Result ? p.args[0] : p));
      });
      expectEqual(progress, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'the progressive results, in order');
      expectEqual(result, 'done', 'the result from n1');
      expectEqual(disclosed, caller.id, 'the caller on n3 disclosed to the callee on n1');
    },
  ],
  [
    "a callee's error on n2 reaches its caller on n1 with URI, args and kwargs",
    async () => {
      const procedure = `com.cluster.js.fails.${suffix}`;
      const [callee, caller] = await Promise.all([session('n2'), session('n1')]);
      await callee.register(procedure, () => {
        throw new autobahn.Error('com.cluster.error.js', ['no way'], { code: 7 });
      });
      try {
        await callWhenRoutable(caller, procedure, []);
        throw new CheckFailure('the call succeeded');
      } catch (e) {
        if (e instanceof CheckFailure) {
          throw e;
        }
        expectEqual([e.error, e.args, e.kwargs], ['com.cluster.error.js', ['no way'], { code: 7 }], 'the error');
      }
    },
  ],
];

async function main() {
  let failures = 0;
  for (const [name, body] of checks) {
    try {
      await withTimeout(body(), 3 * STEP_TIMEOUT_MS, name);
      console.log(`PASS ${name}`);
    } catch (e) {
      failures++;
      console.log(`FAIL ${name}: ${e instanceof CheckFailure ? e.message : e.stack || e}`);
    }
  }
  for (const c of open) {
    try {
      c.close();
    } catch (e) {
      // already closed
    }
  }
  console.log(`cluster-js/${serializer}: ${failures === 0 ? 'all checks passed' : `${failures} check(s) failed`}`);
  return failures === 0 ? 0 : 1;
}

withTimeout(main(), RUN_TIMEOUT_MS, 'the whole run').then(
  (code) => process.exit(code),
  (e) => {
    console.log(`FAIL run: ${e.message}`);
    process.exit(3);
  },
);
