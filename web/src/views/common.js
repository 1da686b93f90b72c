// Small pieces shared by views: headings, form fields, status badges, time formatting.
import { h, newId } from '../dom.js';
import { formatDateTime, getLang, languageName, t, tl, tlLang } from '../i18n.js';

export function heading(text, level = 1, attrs = {}) {
  return h(`h${level}`, { class: level === 1 ? 'view-heading' : null, tabindex: level === 1 ? '-1' : null, ...attrs }, text);
}

/** A labelled control. control(id) builds the input with that id. */
export function field(label, control, hint) {
  const id = newId('fld');
  const hintId = hint ? `${id}-hint` : null;
  const el = control(id, hintId);
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    hint && h('p', { class: 'hint', id: hintId }, hint),
    el);
}

export function input(attrs) {
  return (id, hintId) => h('input', { id, 'aria-describedby': hintId, ...attrs });
}

export function select(attrs, options) {
  return (id, hintId) => h('select', { id, 'aria-describedby': hintId, ...attrs },
    options.map(([value, label, extra]) => h('option', { value, ...(extra || {}) }, label)));
}

export function textarea(attrs) {
  return (id, hintId) => h('textarea', { id, 'aria-describedby': hintId, ...attrs });
}

export function statusBadge(status) {
  return h('span', { class: `badge badge-${status}` }, t(`status.${status}`));
}

/** Text from a {lang: text} map with lang and dir set for the piece actually shown. */
export function localized(tag, map, attrs = {}) {
  const l = tlLang(map);
  return h(tag, { lang: l && l !== getLang() ? l : null, dir: 'auto', ...attrs }, tl(map));
}

/**
 * Times in the seed and protocol may be wall-clock ("2026-12-02T09:00", no zone: shown as
 * written) or absolute (with Z or an offset: shown in the forum's time zone).
 */
export function formatTime(s, opts, timeZone) {
  if (!s) return '';
  const wall = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/.test(s);
  if (wall) return formatDateTime(s.length === 10 ? `${s}T00:00Z` : `${s}Z`, opts, 'UTC');
  return formatDateTime(s, opts, timeZone);
}

export function formatRange(a, b, timeZone) {
  const toDate = (x) => {
    if (!x) return null;
    const wall = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/.test(x);
    return { d: new Date(wall ? (x.length === 10 ? `${x}T00:00Z` : `${x}Z`) : x), wall };
  };
  const from = toDate(a); const to = toDate(b);
  if (!from || Number.isNaN(from.d.getTime())) return '';
  const opts = { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' };
  const tz = from.wall ? 'UTC' : timeZone;
  let fmt;
  try { fmt = new Intl.DateTimeFormat(getLang(), { ...opts, timeZone: tz }); } catch { fmt = new Intl.DateTimeFormat(getLang(), opts); }
  if (to && !Number.isNaN(to.d.getTime()) && fmt.formatRange) return fmt.formatRange(from.d, to.d);
  return fmt.format(from.d);
}

export const langList = (codes) => (codes || []).map((c) => languageName(c)).join(', ');

export function loading() {
  return h('p', { class: 'loading' }, t('ui.loading'));
}

/** A button that disables itself while its async action runs and reports errors. */
export function actionButton(label, action, app, attrs = {}) {
  const btn = h('button', { type: 'button', ...attrs }, label);
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    try { await action(); } catch (err) { app.error(err); } finally { if (btn.isConnected) btn.disabled = false; }
  });
  return btn;
}

/** Wait for the first session (hello answered) but not forever: offline starts still render. */
export function sessionOrTimeout(app, ms = 4000) {
  return Promise.race([app.sessionReady, new Promise((r) => setTimeout(r, ms))]);
}

/** Views that need a session call this: the router then shows "please log in" and a link. */
// With a token but no answer yet (offline start), wait for the session instead.
export async function requireLogin(app) {
  if (app.me) return;
  if (app.token) {
    await app.sessionReady;
    if (app.me) return;
  }
  throw Object.assign(new Error('unauthenticated'), { code: 'unauthenticated' });
}
