// Unit tests of the browser's OT client (src/ot): the textarea diff in code points, and a
// randomised convergence test of DocClient against a simulated central server (Jupiter model)
// whose replies and pushes arrive with random delays — including acks that overtake the
// pushes of earlier revisions — and connections that drop and resume.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type } from 'ot-text-unicode';
import { DocClient } from '../src/ot/client.js';
import { cpLength, cpToUtf16, diffOp, utf16ToCp } from '../src/ot/unicode.js';

test('code point helpers', () => {
  const s = 'a😀b𝒜c';
  assert.equal(cpLength(s), 5);
  assert.equal(utf16ToCp(s, 3), 2);
  assert.equal(cpToUtf16(s, 2), 3);
  assert.equal(cpToUtf16(s, 4), 6);
  assert.equal(cpToUtf16(s, 99), s.length);
});

test('diffOp: inserts, deletes, replacements in code points; caret breaks ties', () => {
  assert.deepEqual(diffOp('abc', 'abc'), []);
  assert.deepEqual(diffOp('abc', 'abXc'), [2, 'X']);
  assert.deepEqual(diffOp('a😀c', 'a😀😀c'), [2, '😀']);
  assert.deepEqual(diffOp('a😀c', 'ac'), [1, { d: 1 }]);
  assert.deepEqual(diffOp('hello world', 'hello there'), [6, { d: 5 }, 'there']);
  // Typing "a" at position 1 of "aa": the caret (2) says where.
  assert.deepEqual(diffOp('aa', 'aaa', 2), [1, 'a']);
  assert.deepEqual(diffOp('aa', 'aaa', 1), ['a']);
  assert.deepEqual(diffOp('aa', 'aaa'), [2, 'a']);
  // Backspace in the middle of "aaa" at caret 1.
  assert.deepEqual(diffOp('aaa', 'aa', 1), [1, { d: 1 }]);
  for (const [a, b] of [['', 'x'], ['x', ''], ['ab', 'ba'], ['🌍🌍', '🌍'], ['مرحبا', 'مرحبا بكم']]) {
    assert.equal(type.apply(a, diffOp(a, b)), b);
  }
});

// ---- a simulated server and network ----
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 2 ** 32; };
}

class Sim {
  constructor(seed, text) {
    this.rand = rng(seed);
    this.text = text;
    this.history = [];
    this.opids = new Map();
    this.refused = []; // doc.op messages refused as bad_op
    this.conns = new Set();
    this.now = 0;
    this.events = []; // [time, seq, fn]
    this.seq = 0;
  }
  at(delay, fn) { this.events.push([this.now + delay, this.seq++, fn]); }
  run(limit = 1e6) {
    let n = 0;
    while (this.events.length && n++ < limit) {
      this.events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      const [t, , fn] = this.events.shift();
      this.now = t;
      fn();
    }
  }
  handle(conn, type, m) {
    if (type === 'doc.open') {
      if (m.since != null) return { doc: 1, rev: this.history.length, lang: 'en', status: 'original', clause: 1, ops: this.history.slice(m.since) };
      return { doc: 1, rev: this.history.length, lang: 'en', status: 'original', clause: 1, text: this.text };
    }
    if (type === 'doc.op') {
      if (this.opids.has(m.opid)) return { rev: this.opids.get(m.opid) };
      // Like the server: an op that changes nothing is refused.
      if (!type_.normalize(m.op).length) { this.refused.push(m); return { error: 'bad_op' }; }
      if (this.refuseNext) { const error = this.refuseNext; this.refuseNext = null; this.refused.push(m); return { error }; }
      assert.ok(m.rev <= this.history.length, 'rev from the future');
      let op = m.op;
      for (const h of this.history.slice(m.rev)) op = type_.transform(op, h.op, 'left');
      this.text = type_.apply(this.text, op);
      const rec = { rev: this.history.length + 1, op, opid: m.opid, by: conn.id };
      this.history.push(rec);
      this.opids.set(m.opid, rec.rev);
      // Fan-out on a later tick, batched; the ack goes out now (so it may overtake pushes).
      for (const c of this.conns) if (c !== conn && c.subscribed) c.pendingPush.push(rec);
      this.at(1 + this.rand() * 5, () => { for (const c of this.conns) c.flushPushes(); });
      return { rev: rec.rev };
    }
    return {};
  }
}
const type_ = type;

class FakeSocket {
  constructor(sim, id) {
    this.sim = sim; this.id = id;
    this.ready = true;
    this.listeners = new Map();
    this.resumeHooks = new Set();
    this.inflight = new Map();
    this.nextId = 1;
    this.wire = []; // messages to the client, in order
    this.wireBusy = false;
    this.pendingPush = [];
    this.subscribed = false;
    sim.conns.add(this);
  }
  on(t, fn) { if (!this.listeners.has(t)) this.listeners.set(t, new Set()); this.listeners.get(t).add(fn); return () => this.listeners.get(t).delete(fn); }
  onResume(fn) { this.resumeHooks.add(fn); return () => this.resumeHooks.delete(fn); }
  request(type, fields, opts = {}) {
    if (!this.ready) return Promise.reject(Object.assign(new Error('offline'), { code: 'offline' }));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.inflight.set(id, { resolve, reject });
      // Client -> server latency, in order.
      const conn = this;
      const epoch = this.epoch;
      this.sim.at(1 + this.sim.rand() * 3, () => {
        if (conn.epoch !== epoch) return; // lost with the connection
        if (type === 'doc.open') conn.subscribed = true;
        const reply = this.sim.handle(conn, type, fields);
        conn.deliver({ re: id, reply });
      });
    });
  }
  flushPushes() {
    if (!this.pendingPush.length) return;
    const ops = this.pendingPush; this.pendingPush = [];
    this.deliver({ push: { type: 'doc.ops', doc: 1, ops } });
  }
  deliver(msg) {
    const epoch = this.epoch;
    this.wire.push(msg);
    // Server -> client latency; order kept per connection.
    const last = this.lastArrival || 0;
    const t = Math.max(last, this.sim.now + 1 + this.sim.rand() * 4);
    this.lastArrival = t;
    this.sim.events.push([t, this.sim.seq++, () => {
      if (this.epoch !== epoch) return;
      const m = this.wire.shift();
      if (m.push) { for (const fn of this.listeners.get(m.push.type) || []) fn(m.push); return; }
      const p = this.inflight.get(m.re);
      if (!p) return;
      this.inflight.delete(m.re);
      if (m.reply.error) p.reject(Object.assign(new Error(m.reply.error), { code: m.reply.error }));
      else p.resolve({ type: 'ok', re: m.re, ...m.reply });
    }]);
  }
  drop() {
    this.ready = false;
    this.epoch = (this.epoch || 0) + 1;
    this.wire = []; this.pendingPush = []; this.subscribed = false;
    for (const [, p] of this.inflight) p.reject(Object.assign(new Error('disconnected'), { code: 'disconnected' }));
    this.inflight.clear();
    this.lastArrival = 0;
  }
  resume() {
    this.ready = true;
    for (const fn of this.resumeHooks) fn();
  }
}

const ALPHABET = ['a', 'b', 'c', ' ', 'é', '😀', '𝒜', 'ب', '\n'];
function randomEdit(rand, text) {
  const len = cpLength(text);
  const pos = Math.floor(rand() * (len + 1));
  if (len > 0 && rand() < 0.35) {
    const n = 1 + Math.floor(rand() * Math.min(4, len - pos));
    if (pos < len) return pos ? [pos, { d: n }] : [{ d: n }];
  }
  let s = '';
  for (let i = 0, k = 1 + Math.floor(rand() * 3); i < k; i++) s += ALPHABET[Math.floor(rand() * ALPHABET.length)];
  return pos ? [pos, s] : [s];
}

async function settle() { for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r)); }

for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
  test(`DocClient converges with concurrent editors, reordered acks and drops (seed ${seed})`, async () => {
    const sim = new Sim(seed, 'We, the delegates 🌍, declare:');
    const sockets = [0, 1, 2].map((i) => new FakeSocket(sim, i + 1));
    const clients = sockets.map((s) => new DocClient(s, 1));
    const opens = clients.map((c) => c.open());
    sim.run(); await settle(); sim.run();
    await Promise.all(opens);
    const rand = rng(seed * 7919);
    for (let step = 0; step < 300; step++) {
      const i = Math.floor(rand() * clients.length);
      const c = clients[i]; const s = sockets[i];
      const r = rand();
      if (r < 0.03 && s.ready) s.drop();
      else if (r < 0.08 && !s.ready) s.resume();
      else c.edit(randomEdit(rand, c.text));
      // Let some time pass and promises resolve.
      const until = sim.now + rand() * 6;
      while (sim.events.length) {
        sim.events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        if (sim.events[0][0] > until) break;
        const [t, , fn] = sim.events.shift(); sim.now = t; fn();
        await settle();
      }
      sim.now = Math.max(sim.now, until);
    }
    for (const s of sockets) if (!s.ready) s.resume();
    for (let k = 0; k < 200 && (sim.events.length || clients.some((c) => c.state !== 'synchronized')); k++) {
      while (sim.events.length) {
        sim.events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        const [t, , fn] = sim.events.shift(); sim.now = t; fn();
        await settle();
      }
      await settle();
      // Gap timers use real setTimeout; nudge lagging clients the way the timer would.
      for (const c of clients) if (c.incoming.size || (c.inflight && c.inflight.ackRev != null)) c.resync();
      await settle();
    }
    for (const c of clients) {
      assert.equal(c.state, 'synchronized', 'nothing pending');
      assert.equal(c.rev, sim.history.length, 'at the latest revision');
      assert.equal(c.text, sim.text, 'same text as the server');
      clearTimeout(c.gapTimer);
    }
    // Every opid was applied once, and no client sent an op that changes nothing.
    assert.equal(new Set(sim.history.map((h) => h.opid)).size, sim.history.length);
    assert.deepEqual(sim.refused, []);
  });
}

// Step the simulation until nothing is scheduled (promises resolve between events).
async function drain(sim) {
  for (let k = 0; k < 50 && sim.events.length; k++) {
    while (sim.events.length) {
      sim.events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      const [t, , fn] = sim.events.shift(); sim.now = t; fn();
      await settle();
    }
    await settle();
  }
}

test('a character typed and erased while an op is in flight is not sent as an empty op, and later typing is kept', async () => {
  const sim = new Sim(11, 'Nous affirmons.');
  const s = new FakeSocket(sim, 1);
  const c = new DocClient(s, 1);
  const opening = c.open(); await drain(sim); await opening;
  const errors = [];
  c.h.onError = (e) => errors.push(e.code);
  c.edit([15, 'x']); // in flight
  c.edit([16, 'y']); // buffered
  c.edit([16, { d: 1 }]); // erased again: the buffer composes to nothing
  assert.equal(c.buffer, null, 'an empty buffer is dropped');
  await drain(sim);
  c.edit([16, 'z']);
  await drain(sim);
  assert.deepEqual(sim.refused, [], 'no empty op reached the server');
  assert.deepEqual(errors, []);
  assert.equal(c.state, 'synchronized');
  assert.equal(sim.text, 'Nous affirmons.xz');
  assert.equal(c.text, sim.text);
});

test('an unsent op cancelled out by a remote op is dropped and the buffered edits still go', async () => {
  const sim = new Sim(12, 'abcdef');
  const sa = new FakeSocket(sim, 1); const sb = new FakeSocket(sim, 2);
  const a = new DocClient(sa, 1); const b = new DocClient(sb, 1);
  const opening = Promise.all([a.open(), b.open()]); await drain(sim); await opening;
  sb.drop();
  b.edit([2, { d: 1 }]); // deletes "c" while offline (unsent)
  a.edit([2, { d: 1 }]); // deletes the same "c"
  await drain(sim);
  b.edit(['Z']); // buffered behind the unsent delete
  sb.resume(); // b catches up: a's delete cancels b's own, which must not be sent empty
  await drain(sim);
  for (const c of [a, b]) if (c.incoming.size) c.resync();
  await drain(sim);
  assert.deepEqual(sim.refused, [], 'no empty op reached the server');
  assert.equal(sim.text, 'Zabdef');
  assert.equal(a.text, sim.text);
  assert.equal(b.text, sim.text);
  assert.equal(b.state, 'synchronized');
});

test('an op refused as bad_revision is rebased over a reload and sent again, nothing lost', async () => {
  const sim = new Sim(13, 'Article 1.');
  const sa = new FakeSocket(sim, 1); const sb = new FakeSocket(sim, 2);
  const a = new DocClient(sa, 1); const b = new DocClient(sb, 1);
  const opening = Promise.all([a.open(), b.open()]); await drain(sim); await opening;
  const errors = [];
  a.h.onError = (e) => errors.push(e.code);
  b.edit(['Preamble. ']);
  await drain(sim);
  assert.equal(a.text, 'Preamble. Article 1.');
  sim.refuseNext = 'bad_revision';
  a.edit([20, ' Adopted.']);
  a.edit([29, '!']);
  await drain(sim);
  assert.equal(sim.refused.length, 1, 'the first send was refused');
  assert.deepEqual(errors, [], 'the delegate is not told of an error that lost nothing');
  assert.equal(sim.text, 'Preamble. Article 1. Adopted.!');
  assert.equal(a.text, sim.text);
  assert.equal(a.state, 'synchronized');
});
