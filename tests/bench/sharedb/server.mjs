// ShareDB baseline server: ShareDB with its in-memory database (MemoryDB), the ot-text-unicode
// type registered, and a WebSocket endpoint on 127.0.0.1.
// usage: node server.mjs [--port 0] [--port-file FILE]
import http from 'node:http';
import fs from 'node:fs';
import ShareDB from 'sharedb';
import { WebSocketServer } from 'ws';
import WebSocketJSONStream from '@teamwork/websocket-json-stream';
import * as textUnicode from 'ot-text-unicode';

ShareDB.types.register(textUnicode.type);

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const port = Number(opt('--port', '0'));
const portFile = opt('--port-file', '');

const backend = new ShareDB(); // in-memory database and pub/sub
const server = http.createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
    return;
  }
  res.writeHead(404);
  res.end();
});
const wss = new WebSocketServer({ server, maxPayload: 64 << 20 });
wss.on('connection', (ws) => backend.listen(new WebSocketJSONStream(ws)));

server.listen(port, '127.0.0.1', () => {
  const p = server.address().port;
  if (portFile) {
    fs.writeFileSync(portFile + '.tmp', `${p}\n`);
    fs.renameSync(portFile + '.tmp', portFile);
  }
  console.error(JSON.stringify({ event: 'listening', port: p }));
});

const stop = () => {
  wss.close();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
