'use strict';

// fox-wamp 0.7.28 as a router we did not write: `node fox-router.js PORT [PATH]`, at
// ws://127.0.0.1:PORT/ws (or another PATH; the ws library matches the request path exactly).
// As bench/node/fox-router.js. fox-wamp creates realms on first use, so realm1 needs no set-up, and
// admits everyone anonymously. It speaks json only.
const FoxRouter = require('fox-wamp');

const port = Number(process.argv[2]);
const path = process.argv[3] || '/ws';
const router = new FoxRouter();
const server = router.listenWAMP({ host: '127.0.0.1', port, path });
// The test waits for this line before it points the service at the router.
server.on('listening', () => console.log(`fox-wamp router listening on port ${port}`));
