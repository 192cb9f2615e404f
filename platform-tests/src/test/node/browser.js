'use strict';

// One Autobahn|JS 22.11.1 session, as the forum's web page holds one, driven by a Java test over
// stdin/stdout, one JSON object per line:
//
//   node browser.js
//
// Requests (each with an "id" the reply echoes):
//   {"op": "open", "url", "realm", "authid"?, "ticket"?, "reconnect"?: bool}
//       joins anonymously, or with ticket authentication when "ticket" is given; replies once joined
//       ({session, authid, authrole}) or refused ({error, message}). With "reconnect", Autobahn|JS
//       reconnects after a loss and re-joins; each join and loss is then also reported as an event.
//   {"op": "call", "procedure", "args"?, "kwargs"?}       -> {result} | {error, args}
//   {"op": "subscribe", "topic"}                           -> {} and then events
//   {"op": "register", "procedure"}                        -> {} | {error, args}
//   {"op": "publish", "topic", "args"?, "kwargs"?}         -> {} | {error, args} (acknowledged)
//   {"op": "close"}                                        -> {} once closed
// Events (no "id"): {"event": "published", "topic", "args", "kwargs"},
//   {"event": "joined", "session", "authid", "authrole"}, {"event": "lost", "reason", "message"}.

const readline = require('node:readline');
const autobahn = require('autobahn');

// Autobahn|JS logs every closed connection at length; the test logs what matters.
autobahn.log.warn = () => {};
autobahn.log.debug = () => {};

let connection = null;
let session = null;

function send(message) {
  process.stdout.write(JSON.stringify(message) + '\n');
}

function failure(error) {
  // autobahn.Error for WAMP errors; anything else is a bug or a closed session.
  if (error && error.error) {
    return { error: error.error, args: error.args || [], kwargs: error.kwargs || {} };
  }
  return { error: 'client.error', args: [String(error && error.message ? error.message : error)] };
}

function open(request) {
  return new Promise((resolve) => {
    const options = {
      url: request.url,
      realm: request.realm,
      max_retries: request.reconnect ? -1 : 0,
      initial_retry_delay: 0.2,
      max_retry_delay: 1,
      retry_delay_jitter: 0.1,
    };
    if (request.ticket) {
      options.authmethods = ['ticket'];
      options.authid = request.authid;
      options.onchallenge = () => request.ticket;
    }
    let answered = false;
    connection = new autobahn.Connection(options);
    connection.onopen = (s, details) => {
      session = s;
      const joined = { session: s.id, authid: details.authid, authrole: details.authrole };
      if (!answered) {
        answered = true;
        resolve(joined);
      } else {
        send({ event: 'joined', ...joined });
      }
    };
    connection.onclose = (reason, details) => {
      session = null;
      const message = (details && details.message) || '';
      const lost = { reason: (details && details.reason) || reason, message };
      if (!answered) {
        answered = true;
        resolve({ error: lost.reason, message });
      } else {
        send({ event: 'lost', ...lost });
      }
      // false: let Autobahn|JS retry when "reconnect" was asked (max_retries), as a page does.
      return false;
    };
    connection.open();
  });
}

function current() {
  if (!session || !session.isOpen) {
    throw new Error('no open session');
  }
  return session;
}

async function handle(request) {
  switch (request.op) {
    case 'open':
      return open(request);
    case 'call': {
      const result = await current().call(request.procedure, request.args || [], request.kwargs || {});
      // One positional result comes as the value itself; several as an autobahn.Result.
      return { result: result instanceof autobahn.Result ? { args: result.args, kwargs: result.kwargs } : result };
    }
    case 'subscribe':
      await current().subscribe(request.topic, (args, kwargs) =>
        send({ event: 'published', topic: request.topic, args: args || [], kwargs: kwargs || {} }),
      );
      return {};
    case 'register':
      await current().register(request.procedure, () => 'registered by a browser');
      return {};
    case 'publish':
      await current().publish(request.topic, request.args || [], request.kwargs || {}, { acknowledge: true });
      return {};
    case 'close':
      if (connection) {
        await new Promise((resolve) => {
          const previous = connection.onclose;
          connection.onclose = (reason, details) => {
            previous(reason, details);
            resolve();
            return true;
          };
          connection.close();
        });
      }
      return {};
    default:
      throw new Error('unknown op ' + request.op);
  }
}

readline.createInterface({ input: process.stdin }).on('line', async (line) => {
  let request;
  try {
    request = JSON.parse(line);
  } catch (e) {
    send({ event: 'bad-request', line });
    return;
  }
  try {
    send({ id: request.id, ...(await handle(request)) });
  } catch (e) {
    send({ id: request.id, ...failure(e) });
  }
});

process.stdin.on('end', () => process.exit(0));
