// A small in-memory stand-in for the Plenary server, speaking protocol v1 as described in
// protocols/README.md, for developing the browser client while the C++ server is written.
// Same command line as the real one:
//   node tests/e2e/mock/server.mjs serve --listen 127.0.0.1:0 --web web/dist --seed seed/forum.json --port-file F
// It is NOT the reference: where it and the README disagree, the README wins. The e2e tests
// use it only when PLENARY_MOCK=1.
import { createServer } from 'node:http';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';

const here = new URL('.', import.meta.url).pathname;
const require = createRequire(join(here, '../../package.json'));
const { WebSocketServer } = require('ws');
const requireWeb = createRequire(join(here, '../../../web/package.json'));
const { type: text } = requireWeb('ot-text-unicode');

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : def; };
const [host, port] = opt('listen', '127.0.0.1:8080').split(':');
const webDir = opt('web', 'web/dist');
const seed = JSON.parse(readFileSync(opt('seed', 'seed/forum.json'), 'utf8'));
const portFile = opt('port-file');

// ---- state from the seed ----
let nextId = 1;
const id = () => nextId++;
const forumId = id();
const orgKey = new Map(); const netKey = new Map(); const roomKey = new Map(); const slotKey = new Map(); const delKey = new Map();
const networks = seed.networks.map((n) => { const x = { id: id(), name: n.name, scope: n.scope }; netKey.set(n.key, x.id); return x; });
const organisations = seed.organisations.map((o) => {
  const x = { id: id(), name: o.name, country: o.country, constituency: o.constituency, networks: (o.networks || []).map((k) => netKey.get(k)) };
  orgKey.set(o.key, x.id); return x;
});
const rooms = seed.rooms.map((r) => { const x = { id: id(), name: r.name, capacity: r.capacity }; roomKey.set(r.key, x.id); return x; });
const delegates = new Map();
for (const d of seed.delegates) {
  const x = { id: id(), forum: forumId, name: d.name, organisation: orgKey.get(d.organisation), country: d.country, region: d.region,
    languages: d.languages, gender: d.gender, roles: d.roles, status: d.status, email: d.email, password: d.password, code: d.code, accessibility: d.accessibility };
  delKey.set(d.key, x.id); delegates.set(x.id, x);
}
for (const l of seed.demo_logins) {
  const d = delegates.get(delKey.get(l.delegate));
  if (d) { d.code = l.code; if (l.email) d.email = l.email; if (l.password) d.password = l.password; }
}
const slots = seed.slots.map((s) => { const x = { id: id(), name: s.name, starts: s.starts, ends: s.ends, workshops: [] }; slotKey.set(s.key, x); return x; });
for (const w of seed.workshops) {
  const slot = slotKey.get(w.slot);
  const room = rooms.find((r) => r.id === roomKey.get(w.room));
  slot.workshops.push({ id: id(), room: room.id, title: w.title, description: w.description, slot: slot.id, location: room.name,
    working_language: w.working_language, interpretation: w.interpretation, capacity: w.capacity,
    moderator: delKey.get(w.moderator), rapporteur: delKey.get(w.rapporteur) });
}
const plenaryRoom = roomKey.get(seed.plenary.room);
const forum = { id: forumId, ...seed.forum };
delete forum.key;

const docs = new Map(); // id -> {id, lang, clause, text, rev, history:[{rev, op, opid, by}], status, confirmed_rev, subs:Set(conn)}
const declarations = new Map();
function newDoc(clause, lang, initial, status) {
  const d = { id: id(), lang, clause, text: initial || '', rev: 0, history: [], status, confirmed_rev: 0, subs: new Set(), seqs: new Map(), opids: new Map() };
  docs.set(d.id, d); return d;
}
function newClause(decl, kind, section, texts) {
  const c = { id: id(), declaration: decl.id, kind, section, docs: {} };
  for (const l of decl.languages) {
    const d = newDoc(c.id, l, texts?.[l] || '', l === decl.original ? 'original' : (texts?.[l] ? 'current' : 'stale'));
    c.docs[l] = d.id;
  }
  for (const l of decl.languages) docs.get(c.docs[l]).confirmedOrig = texts?.[decl.original] || '';
  return c;
}
for (const sd of seed.declarations || []) {
  const decl = { id: id(), forum: forumId, title: sd.title, languages: sd.languages, original: sd.original, phase: sd.phase, workshop: null, sections: [], clauses: [], subs: new Set() };
  const secKey = new Map();
  for (const s of sd.sections || []) { const x = { id: id(), declaration: decl.id, title: s.title }; secKey.set(s.key, x.id); decl.sections.push(x); }
  for (const c of sd.clauses || []) decl.clauses.push(newClause(decl, c.kind || 'clause', c.section ? secKey.get(c.section) : null, c.text));
  declarations.set(decl.id, decl);
}

const sessions = new Map(); // token -> delegate id
const conns = new Set();

// ---- helpers ----
const pub = (d) => { const { password, code, email, ...rest } = d; return rest; };
const withEmail = (d) => { const { password, code, ...rest } = d; return rest; };
class Fail extends Error { constructor(code) { super(code); this.code = code; } }
const need = (c, cond, code) => { if (!cond) throw new Fail(code); };
function push(conn, key, msg) {
  const seq = (conn.seqs.get(key) || 0) + 1; conn.seqs.set(key, seq);
  send(conn, { ...msg, seq });
}
function send(conn, msg) { if (conn.ws.readyState === 1) conn.ws.send(JSON.stringify(msg)); }
const declView = (d) => ({ id: d.id, forum: d.forum, title: d.title, languages: d.languages, original: d.original, phase: d.phase, workshop: d.workshop,
  sections: d.sections, clauses: d.clauses });
function declChanged(decl) { for (const c of decl.subs) push(c, `decl:${decl.id}`, { type: 'declaration.changed', declaration: declView(decl) }); }
function accreditationPush(d) {
  for (const c of conns) {
    const me = c.delegate && delegates.get(c.delegate);
    if (me && (me.roles.includes('organiser') || me.id === d.id)) push(c, 'console', { type: 'accreditation', forum: forumId, delegate: withEmail(d) });
  }
}
function login(conn, d) {
  const token = randomBytes(16).toString('hex');
  sessions.set(token, d.id); conn.delegate = d.id;
  return { token, expires: new Date(Date.now() + 7 * 864e5).toISOString(), delegate: withEmail(d) };
}
function meOf(conn) { need(conn, conn.delegate, 'unauthenticated'); return delegates.get(conn.delegate); }
function accredited(conn) { const me = meOf(conn); need(conn, me.status === 'accredited', 'not_accredited'); return me; }
function organiser(conn) { const me = accredited(conn); need(conn, me.roles.includes('organiser'), 'not_allowed'); return me; }
function roomMembers(roomId) { return [...conns].filter((c) => c.rooms.has(roomId)); }
function presentCount(roomId) { return new Set(roomMembers(roomId).map((c) => c.delegate)).size; }
// One change per push, in the server's changes form ({count, joined, left} plus {event, delegate}).
function presenceMsg(roomId, event, d) {
  const who = { delegate: d.id, name: d.name, organisation: d.organisation };
  return { type: 'presence', room: roomId, count: presentCount(roomId), joined: event === 'join' ? [who] : [], left: event === 'leave' ? [who] : [], event, delegate: who };
}
function presence(roomId, event, d) {
  for (const c of roomMembers(roomId)) push(c, `room:${roomId}`, presenceMsg(roomId, event, d));
}
function leaveRoom(conn, roomId) {
  if (!conn.rooms.delete(roomId)) return;
  const d = delegates.get(conn.delegate);
  const stillThere = roomMembers(roomId).some((c) => c.delegate === d.id);
  if (!stillThere) for (const c of roomMembers(roomId).concat([conn])) push(c, `room:${roomId}`, presenceMsg(roomId, 'leave', d));
}
function findDecl(declId) { const d = declarations.get(declId); need(null, d, 'not_found'); return d; }
function clauseDecl(clauseId) {
  for (const d of declarations.values()) { const i = d.clauses.findIndex((c) => c.id === clauseId); if (i >= 0) return [d, i]; }
  throw new Fail('not_found');
}
function drafting(conn, decl) { const me = accredited(conn); need(conn, me.roles.includes('drafting'), 'not_allowed'); need(conn, decl.phase === 'drafting', 'invalid_state'); return me; }

// Batched op fan-out, once per tick.
const pendingOps = new Map(); // doc id -> [{rev, op, opid, by, from}]
let flushTimer = null;
function queueOps(doc, entry) {
  if (!pendingOps.has(doc.id)) pendingOps.set(doc.id, []);
  pendingOps.get(doc.id).push(entry);
  if (!flushTimer) flushTimer = setTimeout(flushOps, 15);
}
function flushOps() {
  flushTimer = null;
  for (const [docId, entries] of pendingOps) {
    const doc = docs.get(docId);
    for (const c of doc.subs) {
      const ops = entries.filter((e) => e.from !== c).map(({ rev, op, opid, by }) => ({ rev, op, opid, by }));
      if (ops.length) push(c, `doc:${docId}`, { type: 'doc.ops', doc: docId, ops });
    }
  }
  pendingOps.clear();
}
function cursorsPush(doc) {
  const cursors = [...doc.subs].filter((c) => c.cursors.has(doc.id)).map((c) => {
    const d = delegates.get(c.delegate); const cur = c.cursors.get(doc.id);
    return { delegate: d.id, name: d.name, anchor: cur.anchor, head: cur.head };
  });
  for (const c of doc.subs) push(c, `doc:${doc.id}`, { type: 'doc.cursors', doc: doc.id, cursors });
}

// ---- handlers ----
const H = {
  hello(conn, m) {
    need(conn, m.protocol === 1, 'protocol_version');
    if (m.token) {
      const did = sessions.get(m.token);
      need(conn, did, 'unauthenticated');
      conn.delegate = did;
      return { protocol: 1, server: 'plenary-mock/0', delegate: withEmail(delegates.get(did)) };
    }
    return { protocol: 1, server: 'plenary-mock/0' };
  },
  login(conn, m) {
    need(conn, m.forum === forumId, 'not_found');
    let d;
    if (m.code) d = [...delegates.values()].find((x) => x.code && x.code === String(m.code).toUpperCase());
    else d = [...delegates.values()].find((x) => x.email && x.email === m.email && x.password === m.password);
    need(conn, d, 'bad_credentials');
    return login(conn, d);
  },
  register(conn, m) {
    need(conn, m.forum === forumId, 'not_found');
    need(conn, typeof m.name === 'string' && m.name && typeof m.email === 'string' && typeof m.password === 'string' && m.password.length >= 8, 'bad_message');
    need(conn, ![...delegates.values()].some((x) => x.email === m.email), 'conflict');
    let org = m.organisation;
    if (typeof org === 'object') { const o = { id: id(), ...org, networks: [] }; organisations.push(o); org = o.id; }
    const d = { id: id(), forum: forumId, name: m.name, organisation: org, country: m.country, region: m.region, languages: m.languages || [],
      gender: m.gender, roles: ['delegate'], status: 'registered', email: m.email, password: m.password, accessibility: m.accessibility };
    delegates.set(d.id, d);
    const r = login(conn, d);
    setTimeout(() => accreditationPush(d), 0);
    return r;
  },
  logout(conn) { conn.delegate = null; return {}; },
  'forum.list'() { return { forums: [{ id: forum.id, name: forum.name, starts: forum.starts, ends: forum.ends }] }; },
  'forum.get'(conn, m) {
    need(conn, m.forum === forumId, 'not_found');
    return { forum, organisations, networks, programme: { slots }, plenary: plenaryRoom };
  },
  'room.join'(conn, m) {
    const me = accredited(conn);
    need(conn, rooms.some((r) => r.id === m.room), 'not_found');
    const already = roomMembers(m.room).some((c) => c.delegate === me.id);
    conn.rooms.add(m.room);
    const present = [...new Map(roomMembers(m.room).map((c) => { const d = delegates.get(c.delegate); return [d.id, { delegate: d.id, name: d.name, organisation: d.organisation }]; })).values()];
    if (!already) setTimeout(() => presence(m.room, 'join', me), 0);
    return { room: m.room, count: present.length, present };
  },
  'room.leave'(conn, m) { need(conn, conn.rooms.has(m.room), 'not_found'); leaveRoom(conn, m.room); return {}; },
  'delegate.list'(conn, m) {
    organiser(conn);
    return { delegates: [...delegates.values()].filter((d) => !m.status || d.status === m.status).map(withEmail) };
  },
  'delegate.accredit'(conn, m) {
    organiser(conn); const d = delegates.get(m.delegate); need(conn, d, 'not_found');
    need(conn, d.status !== 'accredited', 'invalid_state');
    d.status = 'accredited'; accreditationPush(d); return { delegate: withEmail(d) };
  },
  'delegate.reject'(conn, m) {
    organiser(conn); const d = delegates.get(m.delegate); need(conn, d, 'not_found'); need(conn, m.reason, 'bad_message');
    d.status = 'rejected'; d.reason = m.reason; accreditationPush(d); return { delegate: withEmail(d) };
  },
  'access_code.create'(conn, m) {
    organiser(conn);
    const code = [0, 1, 2].map(() => randomBytes(4).toString('hex').slice(0, 4).toUpperCase()).join('-');
    const d = { id: id(), forum: forumId, name: m.name, organisation: m.organisation, country: null, region: null, languages: [], roles: [m.role], status: 'accredited', code };
    delegates.set(d.id, d);
    return { code, delegate: pub(d) };
  },
  'session.revoke'(conn, m) {
    organiser(conn);
    let revoked = 0;
    for (const [tok, did] of sessions) if (did === m.delegate) { sessions.delete(tok); revoked++; }
    for (const c of conns) {
      if (c.delegate === m.delegate) {
        send(c, { type: 'revoked', reason: 'session revoked by an organiser' });
        c.delegate = null;
        setTimeout(() => c.ws.close(1008, 'revoked'), 10);
      }
    }
    return { revoked };
  },
  'declaration.list'(conn, m) {
    meOf(conn);
    return { declarations: [...declarations.values()].filter((d) => d.forum === m.forum).map((d) => ({ id: d.id, title: d.title, phase: d.phase, languages: d.languages, original: d.original })) };
  },
  'declaration.get'(conn, m) {
    meOf(conn); const d = findDecl(m.declaration);
    if (m.subscribe) d.subs.add(conn);
    return { declaration: declView(d) };
  },
  'declaration.create'(conn, m) {
    organiser(conn);
    const d = { id: id(), forum: forumId, title: m.title, languages: m.languages, original: m.original, phase: 'drafting', workshop: m.workshop ?? null, sections: [], clauses: [], subs: new Set() };
    declarations.set(d.id, d); return { declaration: declView(d) };
  },
  'declaration.phase'(conn, m) { organiser(conn); const d = findDecl(m.declaration); d.phase = m.phase; declChanged(d); return { declaration: declView(d) }; },
  'section.insert'(conn, m) {
    const decl = findDecl(m.declaration); drafting(conn, decl);
    const x = { id: id(), declaration: decl.id, title: m.title };
    const i = m.after === undefined ? decl.sections.length : m.after === null ? 0 : decl.sections.findIndex((y) => y.id === m.after) + 1;
    decl.sections.splice(i, 0, x); declChanged(decl);
    return { section: x };
  },
  'clause.insert'(conn, m) {
    const decl = findDecl(m.declaration); drafting(conn, decl);
    const c = newClause(decl, m.kind || 'clause', m.section ?? null, m.text ? { [decl.original]: m.text } : null);
    const i = m.after === undefined ? decl.clauses.length : m.after === null ? 0 : decl.clauses.findIndex((x) => x.id === m.after) + 1;
    decl.clauses.splice(i, 0, c); declChanged(decl);
    return { clause: c.id, docs: c.docs };
  },
  'clause.move'(conn, m) {
    const [decl, i] = clauseDecl(m.clause); drafting(conn, decl);
    const [c] = decl.clauses.splice(i, 1);
    const j = m.after == null ? 0 : decl.clauses.findIndex((x) => x.id === m.after) + 1;
    decl.clauses.splice(j, 0, c); declChanged(decl); return { declaration: declView(decl) };
  },
  'clause.delete'(conn, m) {
    const [decl, i] = clauseDecl(m.clause); drafting(conn, decl);
    decl.clauses.splice(i, 1); declChanged(decl); return { declaration: declView(decl) };
  },
  'doc.open'(conn, m) {
    meOf(conn); const doc = docs.get(m.doc); need(conn, doc, 'not_found');
    doc.subs.add(conn);
    const base = { doc: doc.id, rev: doc.rev, lang: doc.lang, status: doc.status, clause: doc.clause };
    if (m.since != null) {
      need(conn, m.since >= 0 && m.since <= doc.rev, 'bad_revision');
      return { ...base, ops: doc.history.slice(m.since).map(({ rev, op, opid, by }) => ({ rev, op, opid, by })) };
    }
    return { ...base, text: doc.text };
  },
  'doc.op'(conn, m) {
    const me = accredited(conn); const doc = docs.get(m.doc); need(conn, doc, 'not_found');
    need(conn, me.roles.includes('drafting') || me.roles.includes('translator'), 'not_allowed');
    if (doc.opids.has(m.opid)) return { rev: doc.opids.get(m.opid) };
    need(conn, Number.isInteger(m.rev) && m.rev >= 0 && m.rev <= doc.rev, 'bad_revision');
    let op;
    try { op = text.normalize(m.op); text.checkOp(op); } catch { throw new Fail('bad_op'); }
    for (const h of doc.history.slice(m.rev)) op = text.transform(op, h.op, 'left');
    try { doc.text = text.apply(doc.text, op); } catch { throw new Fail('bad_op'); }
    doc.rev++;
    const entry = { rev: doc.rev, op, opid: m.opid, by: me.id };
    doc.history.push(entry); doc.opids.set(m.opid, doc.rev);
    const decl = [...declarations.values()].find((d) => d.clauses.some((c) => c.id === doc.clause));
    if (decl && doc.lang === decl.original) {
      const c = decl.clauses.find((x) => x.id === doc.clause);
      for (const [l, di] of Object.entries(c.docs)) {
        const t = docs.get(di);
        if (l !== decl.original && t.status !== 'stale') { t.status = 'stale'; for (const s of t.subs) push(s, `doc:${t.id}`, { type: 'doc.status', doc: t.id, status: 'stale', confirmed_rev: t.confirmed_rev }); }
      }
    }
    queueOps(doc, { ...entry, from: conn });
    return { rev: doc.rev };
  },
  'doc.close'(conn, m) { const doc = docs.get(m.doc); if (doc) { doc.subs.delete(conn); conn.cursors.delete(doc.id); } return {}; },
  'doc.cursor'(conn, m) {
    const doc = docs.get(m.doc); need(conn, doc && doc.subs.has(conn), 'not_found');
    conn.cursors.set(doc.id, { anchor: m.anchor, head: m.head }); cursorsPush(doc); return {};
  },
  'translation.diff'(conn, m) {
    const doc = docs.get(m.doc); need(conn, doc, 'not_found');
    const decl = [...declarations.values()].find((d) => d.clauses.some((c) => c.id === doc.clause));
    const orig = docs.get(decl.clauses.find((c) => c.id === doc.clause).docs[decl.original]);
    return { original: orig.id, confirmed_rev: doc.confirmed_rev, rev: orig.rev, before: doc.confirmedOrig, after: orig.text, diff: [] };
  },
  'translation.confirm'(conn, m) {
    const doc = docs.get(m.doc); need(conn, doc, 'not_found');
    doc.status = 'current'; doc.confirmed_rev = doc.rev;
    const decl = [...declarations.values()].find((d) => d.clauses.some((c) => c.id === doc.clause));
    doc.confirmedOrig = docs.get(decl.clauses.find((c) => c.id === doc.clause).docs[decl.original]).text;
    for (const s of doc.subs) push(s, `doc:${doc.id}`, { type: 'doc.status', doc: doc.id, status: 'current', confirmed_rev: doc.confirmed_rev });
    return { status: 'current', confirmed_rev: doc.confirmed_rev };
  },
  'translation.machine'() { throw new Fail('translation_unavailable'); },
};

function handle(conn, raw) {
  let m;
  try { m = JSON.parse(raw); } catch { send(conn, { type: 'error', re: null, code: 'bad_json', message: 'bad json' }); return; }
  const re = m.id ?? null;
  const fn = H[m.type];
  if (!fn) { send(conn, { type: 'error', re, code: 'unknown_type', message: m.type }); return; }
  try {
    const r = fn(conn, m);
    send(conn, { type: 'ok', re, ...r });
  } catch (e) {
    if (!(e instanceof Fail)) console.error(e);
    send(conn, { type: 'error', re, code: e.code || 'internal', message: e.message });
  }
}

// ---- HTTP + WebSocket ----
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.webmanifest': 'application/manifest+json' };
const server = createServer((req, res) => {
  let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (p.endsWith('/')) p += 'index.html';
  const f = normalize(join(webDir, p));
  try {
    if (!f.startsWith(normalize(webDir)) || !statSync(f).isFile()) throw new Error();
    res.writeHead(200, { 'content-type': types[extname(f)] || 'application/octet-stream' });
    res.end(readFileSync(f));
  } catch { res.writeHead(404); res.end('not found'); }
});
const wss = new WebSocketServer({ noServer: true });
server.on('upgrade', (req, sock, head) => {
  if (new URL(req.url, 'http://x').pathname !== '/ws') { sock.destroy(); return; }
  wss.handleUpgrade(req, sock, head, (ws) => {
    const conn = { ws, delegate: null, rooms: new Set(), seqs: new Map(), cursors: new Map() };
    conns.add(conn);
    ws.on('message', (data) => handle(conn, data.toString()));
    ws.on('close', () => {
      conns.delete(conn);
      for (const r of [...conn.rooms]) leaveRoom(conn, r);
      for (const d of docs.values()) d.subs.delete(conn);
      for (const d of declarations.values()) d.subs.delete(conn);
    });
  });
});
server.listen(Number(port), host, () => {
  const p = server.address().port;
  if (portFile) writeFileSync(portFile, `${p}\n`);
  console.log(`plenary mock listening on http://${host}:${p}`);
});
process.on('SIGTERM', () => process.exit(0));
