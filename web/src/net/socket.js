// The one WebSocket client of the app (protocol v1, see protocols/README.md).
//
// - Numbers requests and matches `ok`/`error` replies by `re`, resolving/rejecting promises.
// - Every (re)connection starts with `hello {protocol:1, lang, token}`; nothing else is sent
//   before its reply.
// - Reconnects with exponential backoff and jitter; on reconnect runs the resume hooks
//   (views re-join rooms, re-open documents), then sends the requests queued while offline.
// - Requests made while offline are queued (unless {queue:false}). Requests in flight when the
//   line drops are sent again after reconnect, except those made with {resend:false}
//   (document ops), which are rejected with code `disconnected` so their owner can resend
//   them itself with the same opid.
// - State: 'connecting' | 'online' | 'reconnecting' | 'offline'.

export class ProtocolError extends Error {
  constructor(code, message, reply) {
    super(message || code);
    this.code = code;
    this.reply = reply;
  }
}

const REQUEST_TIMEOUT_MS = 20000;

export class Socket {
  constructor({ url, helloFields }) {
    this.url = url;
    this.helloFields = helloFields; // () => ({lang, token})
    this.ws = null;
    this.nextId = 1;
    this.pending = new Map(); // id -> {msg, resolve, reject, opts, timer}
    this.queue = []; // entries waiting for a session
    this.ready = false; // hello answered on the current connection
    this.state = 'connecting';
    this.attempt = 0;
    this.connectedOnce = false;
    this.retryTimer = null;
    this.listeners = new Map(); // type -> Set(fn)
    this.stateListeners = new Set();
    this.resumeHooks = new Set();
    this.helloReply = null;
    this.closedByUs = false;
    if (typeof window !== 'undefined') {
      window.addEventListener('online', () => this.reconnectNow());
      window.addEventListener('offline', () => { this.setState('offline'); this.abandon(); });
    }
  }

  setState(s) {
    if (this.state === s) return;
    this.state = s;
    for (const fn of this.stateListeners) fn(s);
  }

  onState(fn) { this.stateListeners.add(fn); fn(this.state); return () => this.stateListeners.delete(fn); }

  /** Listen to pushed events of one type (or '*' for all; 'hello' after each session start). */
  on(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(fn);
    return () => this.listeners.get(type)?.delete(fn);
  }

  emit(type, msg) {
    for (const fn of this.listeners.get(type) || []) {
      try { fn(msg); } catch (e) { console.error(e); }
    }
    if (type !== '*') for (const fn of this.listeners.get('*') || []) { try { fn(msg); } catch (e) { console.error(e); } }
  }

  /** fn() runs after every reconnect's hello (not the first connection). Returns unregister. */
  onResume(fn) { this.resumeHooks.add(fn); return () => this.resumeHooks.delete(fn); }

  connect() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.ws && this.ws.readyState <= 1) return;
    if (typeof navigator !== 'undefined' && navigator.onLine === false) { this.scheduleReconnect(); return; }
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (e) {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => this.startSession(ws);
    ws.onmessage = (ev) => this.receive(ev.data);
    ws.onclose = () => { if (this.ws === ws) this.dropped(); };
    ws.onerror = () => { /* onclose follows */ };
  }

  reconnectNow() {
    this.attempt = 0;
    if (!this.ws || this.ws.readyState > 1) this.connect();
  }

  /**
   * Give up on the current socket now (the line is dead or the device went offline): do not
   * wait for a close handshake that may never come; requeue or reject what was in flight.
   */
  abandon() {
    const ws = this.ws;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    try { ws.close(); } catch { /* ignore */ }
    this.dropped();
  }

  async startSession(ws) {
    const resumed = this.connectedOnce;
    const id = this.nextId++;
    const fields = this.helloFields();
    const hello = { type: 'hello', id, protocol: 1, lang: fields.lang };
    if (fields.token) hello.token = fields.token;
    let reply;
    try {
      reply = await this.rawRequest(ws, hello);
    } catch (err) {
      if (err instanceof ProtocolError && (err.code === 'token_expired' || err.code === 'unauthenticated')) {
        // Session gone: tell the app, carry on anonymously on this connection.
        this.emit('auth-lost', { code: err.code });
        reply = { type: 'ok', anonymous: true };
      } else {
        if (err.code !== 'disconnected') console.warn('hello failed', err);
        if (this.ws === ws) this.abandon();
        return;
      }
    }
    if (this.ws !== ws) return;
    this.ready = true;
    this.attempt = 0;
    this.connectedOnce = true;
    this.helloReply = reply;
    this.setState('online');
    this.emit('hello', reply);
    if (resumed) {
      for (const fn of [...this.resumeHooks]) {
        try { fn(); } catch (e) { console.error(e); }
      }
    }
    this.flush();
  }

  /** Send a message on a given socket outside the queue, resolving on its reply. */
  rawRequest(ws, msg, opts = {}) {
    return new Promise((resolve, reject) => {
      const entry = { msg, resolve, reject, opts, ws };
      this.pending.set(msg.id, entry);
      this.arm(entry);
      ws.send(JSON.stringify(msg));
    });
  }

  arm(entry) {
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      // No reply: assume a dead line, drop it and let reconnect handle the rest.
      if (this.pending.get(entry.msg.id) === entry && entry.ws === this.ws) this.abandon();
    }, entry.opts.timeout || REQUEST_TIMEOUT_MS);
  }

  /**
   * Send a request; resolves with the `ok` reply, rejects with ProtocolError.
   * opts.queue (default true): while offline, wait for the connection instead of failing.
   * opts.resend (default true): if the line drops before the reply, send again on reconnect.
   */
  request(type, fields = {}, opts = {}) {
    const options = { queue: true, resend: true, ...opts };
    return new Promise((resolve, reject) => {
      const entry = { type, fields, resolve, reject, opts: options };
      if (this.ready && this.ws && this.ws.readyState === 1) this.sendEntry(entry);
      else if (options.queue) this.queue.push(entry);
      else reject(new ProtocolError('offline', 'offline'));
    });
  }

  sendEntry(entry) {
    const msg = { ...entry.fields, type: entry.type, id: this.nextId++ };
    entry.msg = msg;
    entry.ws = this.ws;
    this.pending.set(msg.id, entry);
    this.arm(entry);
    try {
      this.ws.send(JSON.stringify(msg));
    } catch {
      // The close handler will requeue it.
    }
  }

  flush() {
    const q = this.queue;
    this.queue = [];
    for (const entry of q) this.sendEntry(entry);
  }

  receive(data) {
    let msg;
    try { msg = JSON.parse(data); } catch { console.warn('bad frame from server'); return; }
    if (msg.type === 'ok' || msg.type === 'error') {
      const entry = msg.re != null ? this.pending.get(msg.re) : null;
      if (!entry) {
        if (msg.type === 'error') this.emit('server-error', msg);
        return;
      }
      this.pending.delete(msg.re);
      clearTimeout(entry.timer);
      if (msg.type === 'error' && msg.code === 'rate_limited' && entry.type && (entry.retries || 0) < 5) {
        // Not processed: send it again a little later (the server's bucket refills).
        entry.retries = (entry.retries || 0) + 1;
        setTimeout(() => {
          if (this.ready && this.ws && this.ws.readyState === 1) this.sendEntry(entry);
          else if (entry.opts.queue || entry.opts.resend) this.queue.push(entry);
          else entry.reject(new ProtocolError('disconnected', 'disconnected'));
        }, 500 * 2 ** entry.retries);
        return;
      }
      if (msg.type === 'ok') entry.resolve(msg);
      else entry.reject(new ProtocolError(msg.code, msg.message, msg));
      return;
    }
    if (msg.type === 'revoked') {
      // `reason`: "expired"/"revoked" (README) or a human-readable text (schema).
      this.emit('auth-lost', { code: /expire/i.test(String(msg.reason)) ? 'token_expired' : 'revoked', reason: msg.reason });
    }
    this.emit(msg.type, msg);
  }

  dropped() {
    this.ready = false;
    this.ws = null;
    // In-flight requests: hello is simply dropped; others are re-queued or rejected.
    const resend = [];
    for (const [id, entry] of this.pending) {
      clearTimeout(entry.timer);
      this.pending.delete(id);
      if (entry.opts.resend && entry.type) resend.push(entry);
      else entry.reject(new ProtocolError('disconnected', 'disconnected'));
    }
    this.queue = resend.concat(this.queue);
    this.scheduleReconnect();
  }

  scheduleReconnect() {
    const online = typeof navigator === 'undefined' || navigator.onLine !== false;
    this.setState(online ? 'reconnecting' : 'offline');
    if (this.retryTimer) return;
    const base = Math.min(15000, 500 * 2 ** this.attempt);
    const delay = base / 2 + Math.random() * base / 2;
    this.attempt++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect(); // while the device says it is offline, this only re-arms the timer
    }, delay);
  }
}

/** The WebSocket URL on the same origin as the page. */
export function defaultUrl(loc = window.location) {
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${loc.host}/ws`;
}
