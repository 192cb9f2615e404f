'use strict';

// Autobahn|JS 22.11.1 on Node: node autobahn-js.js <ws-url> <realm> <json|msgpack|cbor>

const autobahn = require('autobahn');
const { runScenario, AppError, show } = require('./scenario.js');

// Autobahn|JS offers json+msgpack unless told otherwise; the run must pin exactly one serializer so the
// router cannot fall back to another one unnoticed.
const SERIALIZERS = {
  json: () => new autobahn.serializer.JSONSerializer(),
  msgpack: () => new autobahn.serializer.MsgpackSerializer(),
  cbor: () => new autobahn.serializer.CBORSerializer(),
};

function connect(url, realm, serializer) {
  return new Promise((resolve, reject) => {
    const connection = new autobahn.Connection({
      url,
      realm,
      serializers: [SERIALIZERS[serializer]()],
      max_retries: 0,
      retry_if_unreachable: false,
    });
    let closed;
    const closedPromise = new Promise((r) => (closed = r));
    connection.onopen = (session, details) => {
      resolve(new AutobahnSession(connection, session, details.transport.protocol, closedPromise));
    };
    connection.onclose = (reason, details) => {
      closed({ reason, details });
      reject(new Error(`connection ${reason} before the session opened: ${show(details)}`));
      return true;
    };
    connection.open();
  });
}

class AutobahnSession {
  constructor(connection, session, protocol, closed) {
    this.connection = connection;
    this.session = session;
    this.protocol = protocol;
    this.closed = closed;
  }

  register(uri, fn) {
    return this.session.register(uri, (args, kwargs) => {
      try {
        // A plain return value would travel as one positional argument, an array as [[...]].
        return new autobahn.Result(fn(args, kwargs));
      } catch (e) {
        if (e instanceof AppError) {
          throw new autobahn.Error(e.uri, e.args, e.kwargs);
        }
        throw e;
      }
    });
  }

  unregister(registration) {
    return this.session.unregister(registration);
  }

  async call(uri, args, kwargs) {
    try {
      const result = await this.session.call(uri, args, kwargs);
      // A single positional result arrives unwrapped; a Result object carries args/kwargs.
      if (result instanceof autobahn.Result) {
        return { args: result.args, kwargs: result.kwargs };
      }
      return { args: [result], kwargs: {} };
    } catch (e) {
      if (e instanceof autobahn.Error) {
        throw { error: e.error, args: e.args, kwargs: e.kwargs };
      }
      throw e;
    }
  }

  subscribe(uri, fn) {
    return this.session.subscribe(uri, (args, kwargs) => fn(args, kwargs));
  }

  unsubscribe(subscription) {
    return this.session.unsubscribe(subscription);
  }

  publish(uri, args, kwargs, options) {
    return this.session.publish(uri, args, kwargs, { acknowledge: true, ...options });
  }

  async leave() {
    this.connection.close();
    const { reason, details } = await this.closed;
    // "closed" means the WebSocket closed cleanly; details.reason is the router's GOODBYE reason,
    // which Autobahn|JS only learns from an actual GOODBYE reply.
    return { clean: reason === 'closed' && typeof details.reason === 'string', detail: { reason, details } };
  }
}

runScenario('autobahn-js', { connect });
