'use strict'
// fox-wamp 0.7.28 as a reference router for the benchmarks: `node fox-router.js PORT`.
// fox-wamp creates realms on first use, so realm1 needs no set-up.
const FoxRouter = require('fox-wamp')

const port = Number(process.argv[2])
const router = new FoxRouter()
const server = router.listenWAMP({ host: '127.0.0.1', port, path: '/ws' })
// The load generator waits for this line before it connects.
server.on('listening', () => console.log(`fox-wamp router listening on port ${port}`))
