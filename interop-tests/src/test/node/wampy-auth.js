'use strict';

// wampy 8.0.2 authenticating against the router:
//   node wampy-auth.js static <ws-url> <json|msgpack|cbor>
//
// Ticket (its manual onChallenge callback), WAMP-CRA unsalted and salted (its own wampcra plugin) and
// WAMP-Cryptosign (its own cryptosign plugin) in realm `secure` of src/test/resources/auth.yaml, each
// with a right and a wrong credential. Credentials come from the environment (AuthInteropIT generates
// them for every run).

const crypto = require('node:crypto');
const { Wampy } = require('wampy');
const { JsonSerializer } = require('wampy/JsonSerializer.js');
const { MsgpackSerializer } = require('wampy/MsgpackSerializer.js');
const { CborSerializer } = require('wampy/CborSerializer.js');
const cryptosignPlugin = require('wampy/cryptosign.js');
const nacl = require('tweetnacl');
const WebSocket = require('ws');
const {
  STEP_TIMEOUT_MS,
  CheckFailure,
  withTimeout,
  env,
  parseArgs,
  expectWelcome,
  expectAbort,
  runChecks,
  show,
} = require('./auth-checks.js');

const SERIALIZERS = {
  json: () => new JsonSerializer(),
  msgpack: () => new MsgpackSerializer(),
  cbor: () => new CborSerializer(),
};

const { url, serializer } = parseArgs('wampy-auth', ['static']);

/** One join; on WELCOME, leaves again (GOODBYE) before resolving. */
async function attempt(realm, authOptions) {
  const wampy = new Wampy(url, {
    realm,
    ws: WebSocket,
    serializer: SERIALIZERS[serializer](),
    autoReconnect: false,
    ...authOptions,
  });
  let details;
  try {
    details = await withTimeout(wampy.connect(), STEP_TIMEOUT_MS, `WELCOME or ABORT from realm ${realm}`);
  } catch (e) {
    if (e.errorUri !== undefined) {
      // AbortError: the router's ABORT.
      return { kind: 'abort', reason: e.errorUri, message: e.details?.message };
    }
    if (e instanceof CheckFailure) {
      throw e;
    }
    return { kind: 'failed', detail: `${e.name}: ${e.message}` };
  }
  await withTimeout(wampy.disconnect(), STEP_TIMEOUT_MS, 'GOODBYE');
  return { kind: 'welcome', details };
}

// wampy sends authid, authmethods and authextra only when an authid is given, and refuses to connect
// unless it has all three of authid, authmethods and a way to answer the CHALLENGE.
function ticket(authid, value) {
  return { authid, authmethods: ['ticket'], onChallenge: () => value };
}

function wampcra(plugin, authid, secret) {
  return { authid, authmethods: ['wampcra'], authMode: 'auto', authPlugins: { wampcra: plugin.sign(secret) } };
}

function cryptosign(authid, announcedSeed, signingSeed) {
  const pubkey = Buffer.from(nacl.sign.keyPair.fromSeed(announcedSeed).publicKey).toString('hex');
  return {
    authid,
    authmethods: ['cryptosign'],
    authextra: { pubkey },
    authMode: 'auto',
    authPlugins: { cryptosign: cryptosignPlugin.sign(signingSeed.toString('hex')) },
  };
}

async function main() {
  // The wampcra plugin is an ES module with a top-level await: require() cannot load it, import() can.
  const wampcraPlugin = await import('wampy/wampcra.js');
  const rightTicket = env('INTEROP_TICKET');
  const craSecret = env('INTEROP_CRA_SECRET');
  const craPassword = env('INTEROP_CRA_PASSWORD');
  const seed = Buffer.from(env('INTEROP_CRYPTOSIGN_SEED'), 'hex');
  const otherSeed = crypto.randomBytes(32);
  const as = (authid, authmethod) => ({ authid, authrole: 'user', authmethod, authprovider: 'static' });
  const joins = async (options, expected) => expectWelcome(await attempt('secure', options), expected);
  const refused = async (options, reason) => expectAbort(await attempt('secure', options), reason);
  const DENIED = 'wamp.error.authentication_denied';

  await runChecks(`wampy auth static/${serializer}`, [
    ['ticket: right ticket', () => joins(ticket('ticket-user', rightTicket), as('ticket-user', 'ticket'))],
    ['ticket: wrong ticket', () => refused(ticket('ticket-user', `${rightTicket}x`), DENIED)],
    ['wampcra: right secret', () => joins(wampcra(wampcraPlugin, 'cra-user', craSecret), as('cra-user', 'wampcra'))],
    ['wampcra: wrong secret', () => refused(wampcra(wampcraPlugin, 'cra-user', `${craSecret}x`), DENIED)],
    [
      'wampcra salted: right password',
      () => joins(wampcra(wampcraPlugin, 'cra-salted-user', craPassword), as('cra-salted-user', 'wampcra')),
    ],
    ['wampcra salted: wrong password', () => refused(wampcra(wampcraPlugin, 'cra-salted-user', `${craPassword}x`), DENIED)],
    ['cryptosign: right key', () => joins(cryptosign('sign-user', seed, seed), as('sign-user', 'cryptosign'))],
    ['cryptosign: registered public key, other private key', () => refused(cryptosign('sign-user', seed, otherSeed), DENIED)],
    [
      'cryptosign: unknown key',
      () => refused(cryptosign('sign-user', otherSeed, otherSeed), 'wamp.error.no_such_principal'),
    ],
  ]);
}

main().catch((e) => {
  console.log(`FAIL run: ${e instanceof Error ? e.stack : show(e)}`);
  process.exit(1);
});
