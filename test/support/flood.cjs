// Another local user's attack on the agent's TCP port (run as that user by the connection-flood
// test and bench/connection-flood.mjs): IDLE connections that never send a byte, and FLOOD
// connections that pipeline requests with a wrong token for as long as they live, reconnecting.
// Prints {"open","closedByAgent","floodAnswers"} every 200 ms. CommonJS: runs with a bare `node`.
'use strict';
const net = require('node:net');
const [port, idle, flood] = process.argv.slice(2).map(Number);
const request = `GET /v1/credentials/none HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: wrong\r\n\r\n`;
let open = 0;
let closedByAgent = 0;
let floodAnswers = 0;
for (let i = 0; i < idle; i++) {
  const s = net.connect(port, '127.0.0.1');
  s.on('connect', () => { open++; });
  s.on('close', () => { open--; closedByAgent++; });
  s.on('error', () => {});
}
function flooder() {
  const s = net.connect(port, '127.0.0.1');
  s.on('connect', () => s.write(request.repeat(64)));
  s.on('data', (c) => { floodAnswers += (c.toString().match(/HTTP\/1\.1 /g) || []).length; s.write(request.repeat(8)); });
  s.on('close', () => setImmediate(flooder));
  s.on('error', () => {});
}
for (let i = 0; i < flood; i++) flooder();
setInterval(() => console.log(JSON.stringify({ open, closedByAgent, floodAnswers })), 200);
