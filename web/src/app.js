// Application state shared by the views: the socket, the session (token, me), the chosen
// forum and its programme, and helpers to tell the user things (notices, errors).
import { h, replace } from './dom.js';
import { getLang, t } from './i18n.js';
import { defaultUrl, Socket } from './net/socket.js';

const TOKEN_KEY = 'plenary.token';
const FORUM_KEY = 'plenary.forum';
const ME_KEY = 'plenary.me';

function load(key) { try { return localStorage.getItem(key); } catch { return null; } }
function save(key, v) {
  try { if (v == null) localStorage.removeItem(key); else localStorage.setItem(key, String(v)); } catch { /* ignore */ }
}

export const ROLES = ['delegate', 'observer', 'organiser', 'moderator', 'rapporteur', 'translator', 'drafting'];
export const CONSTITUENCIES = ['migrant_association', 'trade_union', 'ngo', 'faith_based', 'womens_group', 'academic', 'other'];

class App {
  constructor() {
    this.token = load(TOKEN_KEY);
    const f = Number(load(FORUM_KEY));
    this.forumId = Number.isInteger(f) && f > 0 ? f : null;
    // The last known "me", shown until hello confirms it (offline starts).
    this.me = null;
    if (this.token) { try { this.me = JSON.parse(load(ME_KEY) || 'null'); } catch { /* ignore */ } }
    this.forumCache = new Map(); // forum id -> forum.get reply
    this.listeners = new Set();
    this.socket = new Socket({
      url: defaultUrl(),
      helloFields: () => ({ lang: getLang(), token: this.token }),
    });
    this.sessionReady = new Promise((resolve) => { this.resolveSession = resolve; });
    this.socket.on('hello', (reply) => {
      if (reply.delegate) this.setMe(reply.delegate);
      else if (!reply.anonymous && this.token && !reply.delegate) { /* token valid, no delegate echoed */ }
      this.resolveSession();
    });
    this.socket.on('auth-lost', (m) => {
      const had = !!this.token;
      this.setToken(null);
      this.setMe(null);
      if (had) {
        const text = t(m.code === 'revoked' ? 'session.revoked' : 'session.expired');
        if (!/^#\/(join)?$/.test(location.hash)) { this.flashText = text; location.hash = '#/join'; } else this.error(text);
      }
    });
    this.socket.on('accreditation', (m) => {
      if (this.me && m.delegate && m.delegate.id === this.me.id) {
        this.setMe({ ...this.me, ...m.delegate });
      }
    });
  }

  start() { this.socket.connect(); }

  onChange(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); }
  changed() { for (const fn of this.listeners) fn(); }

  setToken(token) { this.token = token; save(TOKEN_KEY, token); }
  setForum(id) { this.forumId = id; save(FORUM_KEY, id); }
  setMe(me) {
    this.me = me;
    save(ME_KEY, me ? JSON.stringify(me) : null);
    if (me?.forum) this.setForum(me.forum);
    this.changed();
  }

  /** Apply a login/register reply. */
  signedIn(reply) {
    this.setToken(reply.token);
    this.setMe(reply.delegate);
  }

  async logout() {
    try { await this.socket.request('logout', {}, { queue: false }); } catch { /* offline: forget locally */ }
    this.setToken(null);
    this.setMe(null);
    for (const k of Object.keys(localStorage)) if (k.startsWith('plenary.pending.')) localStorage.removeItem(k);
  }

  hasRole(role) { return !!this.me?.roles?.includes(role); }
  get accredited() { return this.me?.status === 'accredited'; }

  request(type, fields, opts) { return this.socket.request(type, fields, opts); }

  /**
   * forum.get for a forum, kept in memory and in localStorage: while the line is down the
   * last copy is used (the programme still shows after a reload offline).
   */
  async forum(id = this.forumId, fresh = false) {
    if (!id) return null;
    if (!fresh && this.forumCache.has(id)) return this.forumCache.get(id);
    const key = `plenary.forumdata.${id}`;
    const live = this.request('forum.get', { forum: id }).then((reply) => {
      this.forumCache.set(id, reply);
      save(key, JSON.stringify(reply));
      return reply;
    });
    if (this.socket.state !== 'online') {
      let stored = null;
      try { stored = JSON.parse(load(key) || 'null'); } catch { /* ignore */ }
      if (stored) { live.catch(() => {}); this.forumCache.set(id, stored); return stored; }
    }
    return live;
  }

  notify(text) {
    const el = document.getElementById('notices');
    replace(el, h('p', null, text));
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => replace(el), 8000);
  }

  /** Show an error in plain language: a ProtocolError by its code, or a given text. */
  error(errOrText) {
    const text = typeof errOrText === 'string' ? errOrText : errorText(errOrText);
    const el = document.getElementById('alerts');
    const close = h('button', { type: 'button', class: 'link-button', onclick: () => replace(el) }, t('action.dismiss'));
    replace(el, h('div', { class: 'alert' }, h('p', null, text), close));
    if (typeof errOrText !== 'string') console.warn(errOrText);
  }

  /** Clear the error shown, or show the message kept for the next view (flashText). */
  clearError() {
    replace(document.getElementById('alerts'));
    if (this.flashText) { const f = this.flashText; this.flashText = null; this.error(f); }
  }
}

export function errorText(err) {
  const code = err?.code;
  if (code) {
    const s = t(`error.${code}`);
    if (s !== `error.${code}`) return s;
  }
  return t('error.generic');
}

export const app = new App();
