'use strict';

// What the Node authentication programs (autobahn-js-auth.js, wampy-auth.js) share: the check runner
// (one "PASS <check>" or "FAIL <check>: <why>" line per check, exit code 0 only if all passed, like
// scenario.js), the verdicts on a join attempt, and the credentials from the environment.
//
// A join attempt resolves to one of
//   {kind: 'welcome', details, ...}          WELCOME.Details as the client library reports them
//   {kind: 'abort', reason, message}         ABORT with its reason URI
//   {kind: 'unreachable', detail}            the WebSocket never opened (e.g. a TLS handshake failure)

const { inspect } = require('node:util');

const SERIALIZERS = ['json', 'msgpack', 'cbor'];
const STEP_TIMEOUT_MS = 5000;
const RUN_TIMEOUT_MS = 20000;

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

function env(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`environment variable ${name} is not set (AuthInteropIT sets it)`);
    process.exit(2);
  }
  return value;
}

function parseArgs(peerName, suites) {
  const [suite, url, serializer] = process.argv.slice(2);
  if (!suites.includes(suite) || !url || !SERIALIZERS.includes(serializer)) {
    console.error(`usage: node ${peerName}.js <${suites.join('|')}> <ws-url> <json|msgpack|cbor>`);
    process.exit(2);
  }
  return { suite, url, serializer };
}

function expectWelcome(outcome, expected) {
  if (outcome.kind !== 'welcome') {
    throw new CheckFailure(`expected WELCOME but got ${describe(outcome)}`);
  }
  const got = {};
  for (const key of Object.keys(expected)) {
    got[key] = outcome.details[key];
  }
  if (show(got) !== show(expected)) {
    throw new CheckFailure(`WELCOME details: expected ${show(expected)} but got ${show(got)}`);
  }
}

function expectAbort(outcome, reason) {
  if (outcome.kind !== 'abort') {
    throw new CheckFailure(`expected ABORT ${reason} but got ${describe(outcome)}`);
  }
  if (outcome.reason !== reason) {
    throw new CheckFailure(`expected ABORT ${reason} but got ABORT ${outcome.reason} (${outcome.message})`);
  }
}

function describe(outcome) {
  switch (outcome.kind) {
    case 'welcome':
      return `WELCOME as ${outcome.details.authid}/${outcome.details.authrole} (${outcome.details.authmethod})`;
    case 'abort':
      return `ABORT ${outcome.reason} (${outcome.message})`;
    default:
      return `${outcome.kind}: ${show(outcome.detail)}`;
  }
}

/** Runs the checks in order and exits: 0 if all passed, 1 if one failed, 3 if the run took too long. */
async function runChecks(title, checks) {
  const watchdog = setTimeout(() => {
    console.log(`FAIL run: ${title} did not finish within ${RUN_TIMEOUT_MS} ms`);
    process.exit(3);
  }, RUN_TIMEOUT_MS);
  let failures = 0;
  for (const [name, body] of checks) {
    try {
      await withTimeout(body(), 3 * STEP_TIMEOUT_MS, `check ${name}`);
      console.log(`PASS ${name}`);
    } catch (e) {
      failures++;
      if (e instanceof CheckFailure) {
        console.log(`FAIL ${name}: ${e.message}`);
      } else {
        console.log(`FAIL ${name}: ${e instanceof Error ? e.message : show(e)}`);
        console.error(e instanceof Error ? e.stack : show(e));
      }
    }
  }
  clearTimeout(watchdog);
  console.log(`${title}: ${failures === 0 ? 'all checks passed' : `${failures} check(s) failed`}`);
  // The client libraries keep timers (auto-ping, reconnect) alive; the verdict is final here.
  process.exit(failures === 0 ? 0 : 1);
}

module.exports = {
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
};
