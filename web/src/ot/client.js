// Jupiter OT client for one text document (a clause in one language), ot-text-unicode ops.
//
// States: 'synchronized' (nothing pending), 'awaiting' (one op in flight), 'awaiting-buffer'
// (one op in flight and later local edits composed into a buffer). Invariants:
//   serverText = the document at revision `rev` (the last server revision integrated);
//   text = apply(serverText, compose(inflight, buffer)) = what the user sees;
//   inflight and buffer are never empty ops (the server refuses an op that changes nothing,
//   and a character typed and erased while another op is in flight composes to one).
// Server ops are integrated strictly in revision order, from pushed `doc.ops`, from the `ok`
// of our own op (its rev), and from `doc.open {since}` after a gap or a reconnect. An incoming
// op is transformed against the in-flight op and then the buffer: pending ops with side
// 'left' (the server ordered the incoming op first), the incoming op with side 'right'.
// Every op has a random opid and is sent again with the same opid after a reconnect; an op
// of ours seen in the history (same opid) counts as its acknowledgement.
// Pending edits are also kept in localStorage, so a reload on a dropped line loses nothing.
import { type } from 'ot-text-unicode';
import { diffOp } from './unicode.js';

const GAP_WAIT_MS = 2500;
const STORE_PREFIX = 'plenary.pending.';

export function newOpid() {
  const b = new Uint8Array(12);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(36).padStart(2, '0')).join('').slice(0, 20);
}

function loadPending(doc) {
  try { return JSON.parse(localStorage.getItem(STORE_PREFIX + doc) || 'null'); } catch { return null; }
}
function savePending(doc, value) {
  try {
    if (value) localStorage.setItem(STORE_PREFIX + doc, JSON.stringify(value));
    else localStorage.removeItem(STORE_PREFIX + doc);
  } catch { /* storage full or disabled */ }
}

/** An op that changes something, normalised, or null (a typed-then-erased character composes to []). */
function nonEmpty(op) {
  if (!op) return null;
  op = type.normalize(op);
  return op.length ? op : null;
}

export class DocClient {
  /**
   * handlers: onChange(op|null) after remote changes (null = whole text replaced),
   * onCursors(list), onStatus(status, confirmedRev), onState(state), onError(err).
   */
  constructor(socket, doc, handlers = {}) {
    this.socket = socket;
    this.doc = doc;
    this.h = handlers;
    this.text = '';
    this.serverText = '';
    this.rev = 0;
    this.lang = null;
    this.status = null;
    this.clause = null;
    this.inflight = null; // {op, opid, sent, ackRev}
    this.buffer = null;
    this.incoming = new Map(); // rev -> {op, opid, by}
    this.gapTimer = null;
    this.opened = false;
    this.closed = false;
    this.resyncing = null;
    this.unsub = [
      socket.on('doc.ops', (m) => { if (m.doc === doc) this.receiveOps(m.ops || []); }),
      socket.on('doc.cursors', (m) => { if (m.doc === doc) this.h.onCursors?.(m.cursors || []); }),
      socket.on('doc.status', (m) => {
        if (m.doc === doc) { this.status = m.status; this.h.onStatus?.(m.status, m.confirmed_rev); }
      }),
      socket.on('doc.reset', (m) => { if (m.doc === doc) this.resetTo(m.text, m.rev); }),
      socket.onResume(() => this.resume()),
    ];
  }

  get state() {
    if (!this.inflight) return 'synchronized';
    return this.buffer ? 'awaiting-buffer' : 'awaiting';
  }

  async open() {
    const saved = loadPending(this.doc);
    if (saved && Number.isInteger(saved.rev)) {
      // Restore edits made before a reload and catch up from their base revision.
      this.rev = saved.rev;
      this.serverText = saved.serverText;
      this.inflight = saved.inflight ? { ...saved.inflight, sent: false, ackRev: null } : null;
      this.buffer = saved.buffer || null;
      this.text = this.localText();
      const reply = await this.socket.request('doc.open', { doc: this.doc, since: this.rev });
      this.meta(reply);
      this.opened = true;
      this.catchUp(reply);
    } else {
      const reply = await this.socket.request('doc.open', { doc: this.doc });
      this.meta(reply);
      this.text = this.serverText = reply.text ?? '';
      this.rev = reply.rev ?? 0;
      this.opened = true;
      this.process(); // pushes that raced the reply
    }
    this.changed();
    return this;
  }

  meta(reply) {
    if (reply.lang != null) this.lang = reply.lang;
    if (reply.status != null) this.status = reply.status;
    if (reply.clause != null) this.clause = reply.clause;
  }

  localText() {
    let s = this.serverText;
    if (this.inflight) s = type.apply(s, this.inflight.op);
    if (this.buffer) s = type.apply(s, this.buffer);
    return s;
  }

  close() {
    this.closed = true;
    clearTimeout(this.gapTimer);
    for (const u of this.unsub) u();
    this.socket.request('doc.close', { doc: this.doc }, { queue: false, resend: false }).catch(() => {});
  }

  /** A local edit: op applies to this.text. */
  edit(op) {
    op = type.normalize(op);
    if (!op.length) return;
    this.text = type.apply(this.text, op);
    if (!this.inflight) {
      this.inflight = { op, opid: newOpid(), sent: false, ackRev: null };
      this.persist();
      this.send();
    } else {
      this.buffer = nonEmpty(this.buffer ? type.compose(this.buffer, op) : op);
      this.persist();
    }
    this.stateChanged();
  }

  persist() {
    if (!this.inflight && !this.buffer) { savePending(this.doc, null); return; }
    savePending(this.doc, {
      rev: this.rev,
      serverText: this.serverText,
      inflight: this.inflight && { op: this.inflight.op, opid: this.inflight.opid },
      buffer: this.buffer,
    });
  }

  send() {
    const f = this.inflight;
    if (!f || f.sent || !this.opened || this.resyncing || this.closed) return;
    if (!f.op.length) {
      // Unsent and cancelled out by a remote op (it deleted what we deleted): the server
      // refuses empty ops, so it is simply dropped and the buffer, if any, goes next.
      this.inflight = null;
      this.promoteBuffer();
      this.persist();
      this.stateChanged();
      return;
    }
    if (!this.socket.ready) return; // resume() sends it
    f.sent = true;
    this.socket.request('doc.op', { doc: this.doc, rev: this.rev, op: f.op, opid: f.opid },
      { queue: false, resend: false })
      .then((reply) => {
        if (this.inflight !== f) return;
        f.ackRev = reply.rev;
        this.process();
      })
      .catch((err) => {
        if (this.inflight !== f) return;
        f.sent = false;
        if (err.code === 'disconnected' || err.code === 'offline') return; // resume() resends
        if (err.code === 'duplicate') { this.resync(); return; } // it is in the history
        if (err.code === 'rate_limited') { setTimeout(() => this.send(), 1000); return; }
        // Our base revision fell out of the server's history: reload the text and rebase the
        // pending edits over the difference (resetTo), losing nothing.
        if (err.code === 'bad_revision' && !f.retried) { f.retried = true; this.reload(); return; }
        // bad_op, bad_revision, not_allowed, invalid_state...: drop pending, reload the text.
        this.h.onError?.(err);
        this.inflight = null;
        this.buffer = null;
        this.persist();
        this.reload();
      });
  }

  receiveOps(ops) {
    for (const o of ops) if (o.rev > this.rev) this.incoming.set(o.rev, o);
    this.process();
  }

  /** Integrate everything that is next in revision order. */
  process() {
    let changed = false;
    for (;;) {
      const next = this.rev + 1;
      const f = this.inflight;
      if (f && f.ackRev === next) {
        this.finishAck();
        continue;
      }
      const o = this.incoming.get(next);
      if (!o) break;
      this.incoming.delete(next);
      if (f && o.opid != null && o.opid === f.opid) {
        f.ackRev = next;
        this.finishAck();
        continue;
      }
      this.applyRemote(o.op, next);
      changed = true;
    }
    for (const r of this.incoming.keys()) if (r <= this.rev) this.incoming.delete(r);
    const waiting = this.incoming.size > 0 || (this.inflight?.ackRev != null && this.inflight.ackRev > this.rev + 1);
    clearTimeout(this.gapTimer);
    if (waiting) this.gapTimer = setTimeout(() => this.resync(), GAP_WAIT_MS);
    this.persist();
    this.stateChanged();
    return changed;
  }

  finishAck() {
    const f = this.inflight;
    this.serverText = type.apply(this.serverText, f.op);
    this.rev = f.ackRev;
    this.inflight = null;
    this.promoteBuffer();
  }

  /** Nothing in flight: the buffered edits (if they still change anything) are sent next. */
  promoteBuffer() {
    const op = nonEmpty(this.buffer);
    this.buffer = null;
    if (!op) return;
    this.inflight = { op, opid: newOpid(), sent: false, ackRev: null };
    this.persist();
    this.send();
  }

  applyRemote(op, rev) {
    this.serverText = type.apply(this.serverText, op);
    let incoming = op;
    if (this.inflight) {
      const mine = type.transform(this.inflight.op, incoming, 'left');
      incoming = type.transform(incoming, this.inflight.op, 'right');
      this.inflight.op = mine;
    }
    if (this.buffer) {
      const mine = type.transform(this.buffer, incoming, 'left');
      incoming = type.transform(incoming, this.buffer, 'right');
      this.buffer = nonEmpty(mine);
    }
    this.rev = rev;
    this.text = type.apply(this.text, incoming);
    this.h.onChange?.(incoming);
  }

  /** After a reconnect: catch up from our revision and resend what was not acknowledged. */
  resume() {
    if (this.closed || !this.opened) return;
    if (this.inflight) this.inflight.sent = false;
    this.resync();
  }

  async resync() {
    if (this.closed || this.resyncing) return;
    clearTimeout(this.gapTimer);
    this.resyncing = (async () => {
      try {
        const reply = await this.socket.request('doc.open', { doc: this.doc, since: this.rev });
        this.meta(reply);
        this.resyncing = null;
        this.catchUp(reply);
      } catch (err) {
        this.resyncing = null;
        if (err.code === 'disconnected' || err.code === 'offline') return;
        this.h.onError?.(err);
      }
    })();
    return this.resyncing;
  }

  catchUp(reply) {
    if (Array.isArray(reply.ops)) {
      for (const o of reply.ops) if (o.rev > this.rev) this.incoming.set(o.rev, o);
      this.process();
      if (this.inflight?.ackRev != null && this.inflight.ackRev > this.rev) {
        // Our op was acknowledged but the history did not bring the ops before it.
        this.reload();
        return;
      }
    } else if (typeof reply.text === 'string') {
      this.resetTo(reply.text, reply.rev);
      return;
    }
    if (this.inflight && !this.inflight.sent) this.send();
  }

  /** Full reload, keeping pending local edits by rebasing them over the text difference. */
  async reload() {
    try {
      const reply = await this.socket.request('doc.open', { doc: this.doc });
      this.meta(reply);
      this.resetTo(reply.text ?? '', reply.rev ?? 0);
    } catch (err) {
      this.h.onError?.(err);
    }
  }

  /** The server replaced our view with a snapshot (doc.reset) or we reloaded. */
  resetTo(text, rev) {
    if (typeof text !== 'string' || rev == null) return;
    const f = this.inflight;
    const acked = f && f.ackRev != null && f.ackRev <= rev;
    let pending = null;
    if (f && !acked) pending = f.op;
    if (this.buffer) pending = pending ? type.compose(pending, this.buffer) : this.buffer;
    let base = this.serverText;
    if (acked) base = type.apply(base, f.op);
    // The server's changes since our base as one op (we do not have the real history).
    if (pending) pending = type.transform(pending, diffOp(base, text), 'left');
    this.incoming.clear();
    this.serverText = text;
    this.rev = rev;
    this.buffer = null;
    pending = nonEmpty(pending);
    this.inflight = pending
      ? { op: pending, opid: (f && !acked) ? f.opid : newOpid(), sent: false, ackRev: null, retried: f?.retried }
      : null;
    this.text = this.localText();
    this.persist();
    this.h.onChange?.(null);
    this.stateChanged();
    this.send();
  }

  sendCursor(anchor, head) {
    if (!this.opened || !this.socket.ready) return;
    this.socket.request('doc.cursor', { doc: this.doc, rev: this.rev, anchor, head },
      { queue: false, resend: false }).catch(() => {});
  }

  changed() { this.h.onChange?.(null); this.stateChanged(); }

  stateChanged() {
    const s = this.state;
    if (s !== this.lastState) { this.lastState = s; this.h.onState?.(s); }
  }
}

export { type };
