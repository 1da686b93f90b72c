// Version history of a declaration (loaded on demand): every version made by an adopted
// amendment, and a word-by-word comparison of any two versions in one language.
import { h, newId, replace } from '../dom.js';
import { formatDateTime, languageName, t } from '../i18n.js';
import { diffParagraph } from './amend.js';

export function versionsPanel({ app, declId, languages, lang }) {
  const listEl = h('ol', { class: 'versions' });
  const outEl = h('div', { class: 'compare-out', 'aria-live': 'polite' });
  const ids = { from: newId('vf'), to: newId('vt'), lang: newId('vl') };
  const fromSel = h('select', { id: ids.from });
  const toSel = h('select', { id: ids.to });
  const langSel = h('select', { id: ids.lang }, (languages || []).map((l) => h('option', { value: l, selected: l === lang }, languageName(l))));
  let versions = [];

  const label = (v) => t(v.reason === 'amendment' ? 'versions.byAmendment' : 'versions.base', { n: v.number, amendment: v.amendment ?? '' });

  async function load() {
    try {
      versions = (await app.request('declaration.versions', { declaration: declId })).versions || [];
    } catch (err) { if (err.code !== 'unknown_type') app.error(err); return; }
    replace(listEl, versions.map((v) => h('li', null, label(v), ' · ', h('span', { class: 'hint' }, formatDateTime(v.at, { dateStyle: 'medium', timeStyle: 'short' })))));
    const opts = (sel, pick) => replace(sel, versions.map((v) => h('option', { value: v.number, selected: v.number === pick }, label(v))));
    const last = versions.length ? versions[versions.length - 1].number : null;
    opts(fromSel, versions.length > 1 ? versions[versions.length - 2].number : last);
    opts(toSel, last);
    el.hidden = versions.length < 2;
  }

  async function compare() {
    const r = await app.request('declaration.compare', { declaration: declId, from: Number(fromSel.value), to: Number(toSel.value), lang: langSel.value });
    const changed = (r.clauses || []).filter((c) => c.change !== 'same');
    replace(outEl, changed.length ? h('ul', { class: 'plain-list' }, changed.map((c) => h('li', { dataset: { clause: c.clause } },
      h('p', null, h('strong', null, c.number != null ? t('decl.clauseN', { n: c.number }) : t('versions.preamble')), ' ',
        h('span', { class: 'badge' }, t(`versions.change.${c.change}`))),
      diffParagraph(c.diff, langSel.value))))
      : h('p', null, t('versions.noDifference')));
  }

  const go = h('button', { type: 'button', class: 'secondary' }, t('versions.compare'));
  go.addEventListener('click', () => compare().catch((err) => app.error(err)));
  const el = h('section', { class: 'card versions-panel', 'aria-labelledby': 'versions-h', hidden: true },
    h('h2', { id: 'versions-h' }, t('versions.title')), listEl,
    h('div', { class: 'inline-form' },
      h('div', { class: 'field' }, h('label', { for: ids.from }, t('versions.from')), fromSel),
      h('div', { class: 'field' }, h('label', { for: ids.to }, t('versions.to')), toSel),
      h('div', { class: 'field' }, h('label', { for: ids.lang }, t('versions.lang')), langSel),
      go),
    outEl);
  return { el, load };
}
