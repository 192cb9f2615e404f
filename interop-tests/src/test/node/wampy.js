'use strict';

// wampy 8.0.2 on Node: node wampy.js <ws-url> <realm> <json|msgpack|cbor>

const { Wampy } = require('wampy');
const { JsonSerializer } = require('wampy/JsonSerializer.js');
const { MsgpackSerializer } = require('wampy/MsgpackSerializer.js');
const { CborSerializer } = require('wampy/CborSerializer.js');
// wampy has no WebSocket of its own on Node; it takes any W3C-style constructor, and `ws` is the one
// its README uses.
const WebSocket = require('ws');
const { runScenario, AppError, show } = require('./scenario.js');

const SERIALIZERS = {
  json: () => new JsonSerializer(),
  msgpack: () => new MsgpackSerializer(),
  cbor: () => new CborSerializer(),
};
const ABORT = 3;
const GOODBYE = 6;
const PUBLISH = 16;

async function connect(url, realm, serializer) {
  const received = [];
  let closeEvent;
  const wampy = new Wampy(url, {
    realm,
    ws: WebSocket,
    serializer: SERIALIZERS[serializer](),
    autoReconnect: false,
    // The debug log is wampy's only window on the raw messages and the WebSocket close event, which
    // tell a GOODBYE handshake from a dropped connection and show EVENTs it would drop silently.
    debug: true,
    logger: ([text, data]) => {
      if (text === 'websocket message received: ') {
        received.push(data);
        if (data[0] === ABORT) {
          // wampy reports only "Websocket error" for the calls this cuts off.
          console.log(`router sent ABORT: ${show(data)}`);
        }
      } else if (text === 'websocket disconnected. Info: ') {
        closeEvent = data;
      }
    },
  });
  await wampy.connect();
  return new WampySession(wampy, received, () => closeEvent);
}

class WampySession {
  constructor(wampy, received, closeEvent) {
    this.wampy = wampy;
    this.received = received;
    this.closeEvent = closeEvent;
    this.protocol = wampy._ws.protocol;
  }

  async register(uri, fn) {
    await this.wampy.register(uri, ({ argsList, argsDict }) => {
      try {
        return { argsList: fn(argsList ?? [], argsDict ?? {}) };
      } catch (e) {
        if (e instanceof AppError) {
          throw { error: e.uri, argsList: e.args, argsDict: e.kwargs };
        }
        throw e;
      }
    });
    // wampy unregisters by URI, not by registration handle.
    return uri;
  }

  unregister(uri) {
    return this.wampy.unregister(uri);
  }

  async call(uri, args, kwargs) {
    try {
      const result = await this.wampy.call(uri, { argsList: args, ...(kwargs ? { argsDict: kwargs } : {}) });
      return { args: result.argsList ?? [], kwargs: result.argsDict ?? {} };
    } catch (e) {
      if (e.errorUri !== undefined) {
        throw { error: e.errorUri, args: e.argsList, kwargs: e.argsDict };
      }
      throw e;
    }
  }

  async subscribe(uri, fn) {
    const subscription = await this.wampy.subscribe(uri, ({ argsList, argsDict }) => fn(argsList, argsDict));
    return subscription.subscriptionId;
  }

  unsubscribe(subscriptionId) {
    return this.wampy.unsubscribe(subscriptionId);
  }

  publish(uri, args, kwargs, options) {
    // wampy always asks for acknowledge, and it drops exclude_me=false (it copies the option only when
    // truthy), so the false value is put on the outgoing PUBLISH itself.
    const { exclude_me: excludeMe, ...rest } = options;
    if (excludeMe !== false) {
      return this.wampy.publish(uri, { argsList: args, argsDict: kwargs }, rest);
    }
    const send = this.wampy._send;
    this.wampy._send = (message) => {
      if (message && message[0] === PUBLISH) {
        message[2].exclude_me = false;
      }
      return send.call(this.wampy, message);
    };
    try {
      return this.wampy.publish(uri, { argsList: args, argsDict: kwargs }, rest);
    } finally {
      this.wampy._send = send;
    }
  }

  mark() {
    return this.received.length;
  }

  receivedAfter(mark, type) {
    return this.received.slice(mark).filter((message) => message[0] === type);
  }

  async leave() {
    await this.wampy.disconnect();
    const goodbye = this.received.some((message) => message[0] === GOODBYE);
    const event = this.closeEvent();
    // wasClean: both sides exchanged WebSocket close frames; the code may be 1000 or 1005 (none given).
    const clean = goodbye && event !== undefined && event.wasClean === true;
    return {
      clean,
      detail: `GOODBYE received: ${goodbye}, close ${event ? show({ code: event.code, wasClean: event.wasClean }) : 'not seen'}`,
    };
  }
}

runScenario('wampy', { connect });
