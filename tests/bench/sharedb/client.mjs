// ShareDB baseline client: replays the automerge-paper trace into one ot-text-unicode document
// with ShareDB's client Doc.submitOp. ShareDB's client pipelines on its own: one op in flight,
// later ops composed into a pending op; an op counts when its submitOp callback fires (the
// server acknowledged it). Verifies the final text (local and re-fetched on a new connection).
// usage: node client.mjs --port PORT [--trace PATH] [--limit N] [--chunk N]
//   --chunk N: submit N ops, then yield to the event loop (0 = submit all ops in one go)
import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import ShareDBClient from 'sharedb/lib/client/index.js';
import * as textUnicode from 'ot-text-unicode';

ShareDBClient.types.register(textUnicode.type);

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const port = Number(opt('--port', '0'));
const tracePath = opt('--trace', path.resolve(here, '../../../../shared/traces/automerge-paper.json.gz'));
const limit = Number(opt('--limit', 'Infinity'));
const chunk = Number(opt('--chunk', '0'));
if (!port) {
  console.error('usage: node client.mjs --port PORT [--trace PATH] [--limit N] [--chunk N]');
  process.exit(2);
}

const trace = JSON.parse(zlib.gunzipSync(fs.readFileSync(tracePath)).toString('utf8'));
const patches = [];
for (const txn of trace.txns) for (const p of txn.patches) patches.push(p);
const n = Math.min(limit, patches.length);
let expected = trace.endContent;
if (n < patches.length) {
  const cps = [...trace.startContent];
  for (let i = 0; i < n; i++) {
    const [pos, del, ins] = patches[i];
    cps.splice(pos, del, ...ins);
  }
  expected = cps.join('');
}
// Ops built before the clock starts: [pos, {d: del}, ins], zero parts omitted.
const ops = new Array(n);
for (let i = 0; i < n; i++) {
  const [pos, del, ins] = patches[i];
  const op = [];
  if (pos) op.push(pos);
  if (del) op.push({ d: del });
  if (ins) op.push(ins);
  ops[i] = op;
}

const open = () =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}`, { maxPayload: 64 << 20 });
    socket.on('open', () => resolve({ socket, connection: new ShareDBClient.Connection(socket) }));
    socket.on('error', reject);
  });
const cb = (resolve, reject) => (err) => (err ? reject(err) : resolve());

const { socket, connection } = await open();
const doc = connection.get('bench', `trace-${process.pid}-${Date.now()}`);
await new Promise((res, rej) => doc.create(trace.startContent, textUnicode.type.uri, cb(res, rej)));

let acked = 0;
let failed = null;
const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
await new Promise((resolve, reject) => {
  const onAck = (err) => {
    if (err) {
      failed = failed || err;
      return reject(err);
    }
    if (++acked === n) resolve();
  };
  if (n === 0) return resolve();
  if (!chunk) {
    for (let i = 0; i < n; i++) doc.submitOp(ops[i], onAck);
  } else {
    let i = 0;
    const step = () => {
      const end = Math.min(n, i + chunk);
      for (; i < end; i++) doc.submitOp(ops[i], onAck);
      if (i < n) setImmediate(step);
    };
    step();
  }
});
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
const localOk = doc.data === expected;

// Re-read from the server on a fresh connection.
const second = await open();
const doc2 = second.connection.get('bench', doc.id);
await new Promise((res, rej) => doc2.fetch(cb(res, rej)));
const serverOk = doc2.data === expected && doc2.version === doc.version;

const result = {
  bench: 'sharedb_replay',
  at: new Date().toISOString(),
  patches: n,
  acked,
  seconds,
  ops_per_s: acked / seconds,
  client_cpu_s: (cpu.user + cpu.system) / 1e6,
  chunk,
  server_version: doc2.version,
  text_ok: localOk && serverOk,
};
console.log(
  `sharedb_replay: ${acked} ops in ${seconds.toFixed(3)} s = ${Math.round(result.ops_per_s)} ops/s ` +
    `(client CPU ${result.client_cpu_s.toFixed(2)} s, server versions ${doc2.version}) final text ` +
    (result.text_ok ? 'matches endContent' : `MISMATCH (local ${localOk}, server ${serverOk})`),
);
console.log(JSON.stringify(result));
socket.close();
second.socket.close();
process.exit(result.text_ok ? 0 : 1);
