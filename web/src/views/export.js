// Exports (lazy chunk): one panel to download a declaration as Markdown, HTML, PDF, Akoma Ntoso
// XML, DOCX, ODT or JSON, in one of its languages or all, with its history and annexes (votes,
// signatories, participation), and the record of the forum (HTML or PDF). Downloads go over
// HTTP (`GET /api/export/...`) with the session token as a bearer token; the file keeps the
// name the server gives it (Content-Disposition); a refusal shows the server's message.
import { h, newId, replace } from '../dom.js';
import { languageName, t } from '../i18n.js';

export const FORMATS = ['md', 'html', 'pdf', 'akn', 'docx', 'odt', 'json'];
export const ANNEXES = ['votes', 'signatories', 'participation'];

/** The file name of a Content-Disposition header (RFC 6266: filename* wins), or null. */
export function dispositionName(header) {
  if (!header) return null;
  const star = header.match(/filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i);
  if (star) { try { return decodeURIComponent(star[2].trim().replace(/^"|"$/g, '')); } catch { /* fall through */ } }
  const plain = header.match(/filename\s*=\s*("((?:[^"\\]|\\.)*)"|[^;]+)/i);
  if (!plain) return null;
  return (plain[2] != null ? plain[2].replace(/\\(.)/g, '$1') : plain[1]).trim() || null;
}

/** The query of a declaration export. */
export function declarationUrl(id, { format, lang, history, annexes }) {
  const q = new URLSearchParams({ format, lang: lang || 'all', history: history ? '1' : '0' });
  // Commas are left as they are (the list separator of `annexes`).
  const list = annexes?.length ? `&annexes=${annexes.map(encodeURIComponent).join(',')}` : '';
  return `/api/export/declaration/${id}?${q}${list}`;
}
export const recordUrl = (forum, format) => `/api/export/forum/${forum}/record?${new URLSearchParams({ format })}`;

/** GET url with the session token; saves the body under the server's file name. */
export async function download(app, url, fallbackName) {
  let res;
  try {
    res = await fetch(url, { headers: app.token ? { Authorization: `Bearer ${app.token}` } : {}, cache: 'no-store' });
  } catch {
    throw new Error(t('export.offline'));
  }
  if (!res.ok) {
    let message = '';
    try { const body = await res.json(); message = body?.message || body?.error || ''; } catch { /* not JSON */ }
    throw new Error(t('export.failed', { status: res.status, message: message || res.statusText || '' }));
  }
  // An export is always an attachment: anything else (a page of the app) is not the file.
  const disposition = res.headers.get('Content-Disposition') || '';
  if (!/^\s*attachment/i.test(disposition)) throw new Error(t('export.failed', { status: res.status, message: t('export.noFile') }));
  const blob = await res.blob();
  const name = dispositionName(disposition) || fallbackName;
  const href = URL.createObjectURL(blob);
  const a = h('a', { href, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 30000);
  return name;
}

function statusLine() { return h('p', { class: 'export-status', role: 'status', 'aria-live': 'polite' }); }

/** The export panel of a declaration (summary or full object: id and languages). */
export function exportPanel({ app, declaration, title, level = 3 }) {
  const headId = newId('exp');
  const ids = { format: newId('exf'), lang: newId('exl'), history: newId('exh') };
  const status = statusLine();
  const errorEl = h('p', { class: 'export-error', role: 'alert' });
  const format = h('select', { id: ids.format, name: 'format' },
    FORMATS.map((f) => h('option', { value: f }, t(`export.format.${f}`))));
  const lang = h('select', { id: ids.lang, name: 'lang' },
    h('option', { value: 'all' }, t('export.allLanguages')),
    (declaration.languages || []).map((l) => h('option', { value: l }, languageName(l))));
  const history = h('input', { type: 'checkbox', id: ids.history, name: 'history' });
  const annexBoxes = ANNEXES.map((a) => {
    const id = newId('exa');
    return { a, box: h('input', { type: 'checkbox', id, name: 'annex', value: a }), id };
  });
  const button = h('button', { type: 'submit', class: 'primary' }, t('export.download'));
  const form = h('form', { class: 'export-form stack', novalidate: true, dataset: { declaration: declaration.id } },
    h('div', { class: 'field' }, h('label', { for: ids.format }, t('export.formatLabel')), format),
    h('div', { class: 'field' }, h('label', { for: ids.lang }, t('export.langLabel')), lang),
    h('div', { class: 'check' }, history, h('label', { for: ids.history }, t('export.history'))),
    h('fieldset', { class: 'annexes' }, h('legend', null, t('export.annexes')),
      annexBoxes.map(({ a, box, id }) => h('div', { class: 'check' }, box, h('label', { for: id }, t(`export.annex.${a}`))))),
    button, status, errorEl);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    replace(errorEl);
    button.disabled = true;
    replace(status, t('export.preparing'));
    try {
      const url = declarationUrl(declaration.id, {
        format: format.value, lang: lang.value, history: history.checked,
        annexes: annexBoxes.filter((x) => x.box.checked).map((x) => x.a),
      });
      const name = await download(app, url, `declaration-${declaration.id}.${format.value === 'akn' ? 'akn.xml' : format.value}`);
      replace(status, t('export.saved', { name }));
    } catch (err) {
      replace(status);
      replace(errorEl, err.message);
    } finally { button.disabled = false; }
  });
  return h('section', { class: 'card export-panel', 'aria-labelledby': headId },
    h(`h${level}`, { id: headId }, title || t('export.title')), form);
}

/** The record of the forum (organisers): HTML or PDF. */
export function recordPanel({ app, forum }) {
  const status = statusLine();
  const errorEl = h('p', { class: 'export-error', role: 'alert' });
  const buttons = ['html', 'pdf'].map((f) => {
    const b = h('button', { type: 'button', class: 'secondary', dataset: { record: f } }, t(`export.record.${f}`));
    b.addEventListener('click', async () => {
      replace(errorEl);
      b.disabled = true;
      replace(status, t('export.preparing'));
      try {
        const name = await download(app, recordUrl(forum, f), `forum-${forum}-record.${f}`);
        replace(status, t('export.saved', { name }));
      } catch (err) { replace(status); replace(errorEl, err.message); } finally { b.disabled = false; }
    });
    return b;
  });
  return h('section', { class: 'card record-panel', 'aria-labelledby': 'record-h' },
    h('h3', { id: 'record-h' }, t('export.recordTitle')), h('p', { class: 'hint' }, t('export.recordHint')),
    h('div', { class: 'actions' }, buttons), status, errorEl);
}
