// Amendments on a declaration (loaded on demand by the declaration view): per clause, the
// amendments that concern it (state, word diff, sponsors) and a form to table one — change
// the text (with a live word-level diff of the edit against the clause), add a clause after
// it, or delete it — with a justification, on behalf of an organisation. Co-sponsors confirm
// a version; when the proposer edits, the version changes and they must confirm again.
import { append, h, newId, replace } from '../dom.js';
import { formatDateTime, t, tp } from '../i18n.js';
import { diffOp } from '../ot/unicode.js';
import { diffSides, diffStats, wordDiff } from '../worddiff.js';
import { actionButton } from './common.js';

const OPEN_STATES = new Set(['draft', 'tabled', 'admissible', 'scheduled']);
const idEq = (a, b) => a != null && b != null && String(a) === String(b);

/** A word diff [{op, text}] as a paragraph with <del>/<ins>, readable without colour. */
export function diffParagraph(diff, lang, attrs = {}) {
  return h('p', { class: 'diff', dir: 'auto', lang, ...attrs }, (diff || []).map((p) => {
    if (p.op === 'insert') return h('ins', null, h('span', { class: 'visually-hidden' }, `[${t('amend.added')}: `), p.text, h('span', { class: 'visually-hidden' }, ']'));
    if (p.op === 'delete') return h('del', null, h('span', { class: 'visually-hidden' }, `[${t('amend.removed')}: `), p.text, h('span', { class: 'visually-hidden' }, ']'));
    return p.text;
  }));
}

/** The body of an amendment: diff (modify), new text (insert), struck clause (delete). */
export function amendmentBody(a, clauseText) {
  if (a.kind === 'insert') return h('p', { class: 'diff', dir: 'auto', lang: a.lang }, h('ins', null, a.text || ''));
  if (a.kind === 'delete') return h('p', { class: 'diff', dir: 'auto', lang: a.lang }, h('del', null, clauseText || t('amend.wholeClause')));
  const diff = Array.isArray(a.diff) && a.diff.length ? a.diff : (a.text != null && clauseText != null ? wordDiff(clauseText, a.text) : null);
  return diff ? diffParagraph(diff, a.lang) : h('p', { class: 'hint' }, t('amend.noDiff'));
}

// What the tabling form offers: the three kinds, with an insertion either after the clause or
// before it (the way to open a section). 'insertBefore' is kind 'insert' with `before: true`.
export const KIND_CHOICES = ['modify', 'insert', 'insertBefore', 'delete'];
export const choiceOf = (a) => (a.kind === 'insert' && a.before ? 'insertBefore' : a.kind);
export const kindFields = (choice) => (choice === 'insertBefore' ? { kind: 'insert', before: true } : { kind: choice });
const inserts = (choice) => choice === 'insert' || choice === 'insertBefore';

export function stateBadge(state) {
  return h('span', { class: `badge am-${state}` }, t(`amstate.${state}`));
}

/**
 * createAmendments({app, declId, orgName, clauseLabel(id), clauseText(id) -> {text, rev, lang}|null,
 * canTable(), liveNote, onChange}) -> {load, panel(clause), destroy}
 */
export function createAmendments(opts) {
  const { app, declId, liveNote } = opts;
  let amendments = [];
  let deadline = null;
  const panels = new Map(); // clause id -> {el, clause}

  const myOrg = () => app.me?.organisation ?? null;
  const mine = (a) => idEq(a.proposer, app.me?.id) || idEq(a.proposer?.id, app.me?.id);
  const orgLabel = (o) => (o == null ? '' : opts.orgName.get(Number(o)) || opts.orgName.get(o) || (typeof o === 'object' ? o.name : String(o)));
  const concerns = (a, clauseId) => idEq(a.clause, clauseId);
  const number = (a) => a.number ?? a.id;

  async function load() {
    try {
      const r = await app.request('amendment.list', { declaration: declId });
      amendments = r.amendments || [];
      deadline = r.deadline ?? null;
      redrawAll();
    } catch (err) {
      if (err.code !== 'unknown_type') app.error(err);
    }
  }

  function upsert(a) {
    const i = amendments.findIndex((x) => idEq(x.id, a.id));
    const old = i >= 0 ? amendments[i] : null;
    if (i >= 0) amendments[i] = a; else amendments.push(a);
    // Redraw only the clauses concerned, so focus and typing elsewhere are left alone.
    for (const p of panels.values()) if (concerns(a, p.clause.id) || (old && concerns(old, p.clause.id))) draw(p);
  }

  function redrawAll() { for (const p of panels.values()) draw(p); }

  function panel(clause) {
    let p = panels.get(clause.id);
    if (!p) {
      p = { clause, formOpen: false, form: null, listId: newId('aml') };
      p.head = h('h4', { id: p.listId, class: 'amend-head' });
      p.list = h('ul', { class: 'amend-list', 'aria-labelledby': p.listId });
      p.tableBtn = h('button', {
        type: 'button', class: 'secondary', 'aria-expanded': 'false',
        onclick: () => {
          p.formOpen = !p.formOpen;
          p.form = p.formOpen ? tableForm(p) : null;
          draw(p);
          if (p.formOpen) p.form.querySelector('input:checked, textarea')?.focus();
        },
      }, t('amend.propose'));
      p.formSlot = h('div');
      p.el = h('div', { class: 'amendments' }, p.head, p.list, h('div', { class: 'actions' }, p.tableBtn), p.formSlot);
      panels.set(clause.id, p);
    }
    p.clause = clause;
    draw(p);
    return p.el;
  }

  function draw(p) {
    const list = amendments.filter((a) => concerns(a, p.clause.id) && (a.state !== 'draft' || mine(a)));
    const label = opts.clauseLabel(p.clause.id);
    p.head.hidden = !list.length;
    p.list.hidden = !list.length;
    replace(p.head, list.length ? tp('amend.count', list.length) : '');
    replace(p.list, list.map((a) => card(a, p)));
    p.tableBtn.hidden = !opts.canTable() && !p.formOpen;
    p.tableBtn.setAttribute('aria-expanded', String(p.formOpen));
    p.tableBtn.setAttribute('aria-label', `${t('amend.propose')}: ${label}`);
    if (p.form) p.tableBtn.setAttribute('aria-controls', p.form.id); else p.tableBtn.removeAttribute('aria-controls');
    if (p.formOpen && p.form) { if (p.formSlot.firstChild !== p.form) replace(p.formSlot, p.form); } else replace(p.formSlot);
    // The tabling deadline follows amendment.deadline_changed in an open form too.
    if (p.deadlineNote) {
      p.deadlineNote.hidden = !deadline;
      replace(p.deadlineNote, deadline ? t('amend.deadlineIs', { when: formatDateTime(deadline, { dateStyle: 'medium', timeStyle: 'short' }) }) : '');
    }
  }

  function sponsorLine(a) {
    const sponsors = a.sponsors || [];
    if (!sponsors.length) return null;
    return h('ul', { class: 'sponsors', 'aria-label': t('amend.sponsors') }, sponsors.map((s) => {
      const confirmed = s.current ?? (s.confirmed_version === a.version);
      const st = confirmed ? 'confirmed' : (s.confirmed_version ? 'reconfirm' : 'invited');
      return h('li', { class: `sponsor sponsor-${st}` }, orgLabel(s.organisation), ' — ',
        h('span', { class: `badge sp-${st}` }, t(`amend.sponsor.${st}`, { v: s.confirmed_version, version: a.version })));
    }));
  }

  function card(a, p) {
    const cardEl = h('li', { class: 'card amendment', dataset: { amendment: a.id, state: a.state } });
    const title = t('amend.numbered', { n: number(a) });
    const src = opts.clauseText(p.clause.id);
    const mySponsor = (a.sponsors || []).find((s) => idEq(s.organisation, myOrg()));
    const actions = [];
    if (mine(a)) {
      if (a.state === 'draft') actions.push(actionButton(t('amend.submit'), () => move(a, 'tabled'), app, { class: 'primary' }));
      if (OPEN_STATES.has(a.state)) actions.push(actionButton(t('amend.withdraw'), () => move(a, 'withdrawn'), app, { class: 'danger-outline', 'aria-label': `${t('amend.withdraw')}: ${title}` }));
      if (a.state === 'draft' || a.state === 'tabled') {
        actions.push(h('button', { type: 'button', class: 'secondary', onclick: () => { p.formOpen = true; p.form = tableForm(p, a); draw(p); p.form.querySelector('textarea')?.focus(); } }, t('amend.edit')));
      }
      if (OPEN_STATES.has(a.state)) actions.push(inviteForm(a));
    } else if (mySponsor && OPEN_STATES.has(a.state) && app.accredited) {
      const current = mySponsor.current ?? (mySponsor.confirmed_version === a.version);
      if (!current) {
        actions.push(actionButton(mySponsor.confirmed_version ? t('amend.reconfirm', { version: a.version }) : t('amend.cosponsor'), async () => {
          const r = await app.request('amendment.sponsor.confirm', { amendment: a.id, version: a.version });
          upsert(r.amendment); replace(liveNote, t('amend.confirmed', { n: number(a) }));
        }, app, { class: 'primary' }));
      }
      actions.push(actionButton(t('amend.unsponsor'), async () => {
        const r = await app.request('amendment.sponsor.withdraw', { amendment: a.id });
        upsert(r.amendment);
      }, app, { class: 'secondary' }));
    }
    const reconfirm = mySponsor && mySponsor.confirmed_version && !(mySponsor.current ?? (mySponsor.confirmed_version === a.version));
    append(cardEl, [
      h('div', { class: 'amend-title' }, h('strong', null, title), ' ', stateBadge(a.state), ' ',
        h('span', { class: 'hint' }, t(`amend.kind.${choiceOf(a)}`), a.organisation != null ? ` · ${orgLabel(a.organisation)}` : '', a.version > 1 ? ` · ${t('amend.version', { version: a.version })}` : '')),
      reconfirm && h('p', { class: 'warn-box', role: 'note' }, t('amend.changedSince', { v: mySponsor.confirmed_version, version: a.version })),
      amendmentBody(a, src?.text),
      a.justification && h('p', { class: 'justification', dir: 'auto' }, h('span', { class: 'hint' }, t('amend.justification'), ': '), a.justification),
      a.reason && h('p', { class: 'hint' }, t('amend.reason'), ': ', h('span', { dir: 'auto' }, a.reason)),
      sponsorLine(a),
      actions.length > 0 && h('div', { class: 'actions' }, actions)]);
    return cardEl;
  }

  async function move(a, to) {
    const r = await app.request('amendment.transition', { amendment: a.id, to });
    upsert(r.amendment);
    replace(liveNote, t('amend.movedTo', { n: number(a), state: t(`amstate.${r.amendment?.state || to}`) }));
  }

  function inviteForm(a) {
    const id = newId('inv');
    const sel = h('select', { id }, h('option', { value: '' }, t('amend.pickOrg')),
      [...opts.orgName].filter(([oid]) => !idEq(oid, myOrg()) && !(a.sponsors || []).some((s) => idEq(s.organisation, oid)))
        .sort((x, y) => String(x[1]).localeCompare(String(y[1])))
        .map(([oid, n]) => h('option', { value: oid }, n)));
    return h('div', { class: 'inline-form invite' },
      h('div', { class: 'field' }, h('label', { for: id }, t('amend.invite')), sel),
      actionButton(t('amend.inviteSend'), async () => {
        if (!sel.value) { app.error(t('amend.pickOrg')); sel.focus(); return; }
        const r = await app.request('amendment.sponsor.invite', { amendment: a.id, organisation: Number(sel.value) });
        upsert(r.amendment);
        replace(liveNote, t('amend.invited'));
      }, app, { class: 'secondary' }));
  }

  function tableForm(p, editing = null) {
    const clause = p.clause;
    const label = opts.clauseLabel(clause.id);
    const src = opts.clauseText(clause.id) || { text: '', rev: 0, lang: opts.lang() };
    const base = { text: src.text, rev: src.rev };
    const formId = newId('amform');
    const kindName = newId('kind');
    let kind = editing ? choiceOf(editing) : 'modify';
    const textId = newId('amtext');
    const editor = h('textarea', { id: textId, rows: 4, dir: 'auto', lang: src.lang, class: 'amend-text' });
    // Editing a change: start from the proposed text (the diff's "after" side).
    const initial = editing ? (editing.kind === 'insert' ? editing.text : (Array.isArray(editing.diff) ? diffSides(editing.diff).after : base.text)) : base.text;
    editor.value = kind === 'modify' ? initial : (inserts(kind) ? (editing?.text || '') : '');
    const editorLabel = h('label', { for: textId });
    const preview = h('div', { class: 'diff-preview', id: `${formId}-preview` });
    const summary = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });
    const editorBox = h('div', { class: 'field' }, editorLabel, editor);
    const just = h('textarea', { id: newId('just'), rows: 2, dir: 'auto', required: true });
    just.value = editing?.justification || '';
    let timer = 0;
    const showPreview = () => {
      clearTimeout(timer);
      if (kind !== 'modify') { replace(preview); replace(summary); return; }
      const d = wordDiff(base.text, editor.value);
      replace(preview, h('p', { class: 'hint' }, t('amend.preview')), diffParagraph(d, src.lang, { 'data-preview': '1' }));
      timer = setTimeout(() => {
        const s = diffStats(d);
        replace(summary, s.removed || s.added ? t('amend.stats', { removed: s.removed, added: s.added }) : t('amend.noChange'));
      }, 600);
    };
    const setKind = (k) => {
      kind = k;
      editorBox.hidden = k === 'delete';
      replace(editorLabel, inserts(k) ? t('amend.newText') : t('amend.yourText', { clause: label }));
      if (k === 'modify' && !editor.value) editor.value = base.text;
      if (inserts(k) && editor.value === base.text) editor.value = '';
      showPreview();
    };
    editor.addEventListener('input', showPreview);
    const form = h('form', { class: 'card amend-form', id: formId, novalidate: true, 'aria-label': `${t('amend.propose')}: ${label}` },
      h('fieldset', null, h('legend', null, t('amend.kindLegend')),
        KIND_CHOICES.map((k) => {
          const rid = newId('rk');
          return h('div', { class: 'check' },
            h('input', { type: 'radio', id: rid, name: kindName, value: k, checked: k === kind, disabled: !!editing && !(k === kind || (inserts(k) && inserts(kind))), onchange: () => setKind(k) }),
            h('label', { for: rid }, t(`amend.kind.${k}`)));
        })),
      editorBox, preview, summary,
      h('div', { class: 'field' }, h('label', { for: just.id }, t('amend.justification')), just),
      h('p', null, t('amend.onBehalf'), ': ', h('strong', null, orgLabel(editing?.organisation ?? myOrg()) || t('amend.noOrg'))),
      p.deadlineNote = h('p', { class: 'hint deadline-note', 'aria-live': 'polite' }),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary', value: 'table' }, editing ? t('amend.saveEdit') : t('amend.table')),
        !editing && h('button', { type: 'submit', class: 'secondary', value: 'draft' }, t('amend.saveDraft')),
        h('button', { type: 'button', class: 'secondary', onclick: () => { p.formOpen = false; p.form = null; draw(p); } }, t('action.cancel'))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const asDraft = e.submitter?.value === 'draft';
      const fields = { ...kindFields(kind), justification: just.value.trim() };
      if (!fields.justification) { app.error(t('amend.justificationMissing')); just.focus(); return; }
      if (kind === 'modify') {
        const op = diffOp(base.text, editor.value);
        if (!op.length) { app.error(t('amend.noChange')); editor.focus(); return; }
        Object.assign(fields, { base_revision: base.rev, op });
      } else if (inserts(kind)) {
        const text = editor.value.trim();
        if (!text) { app.error(t('amend.textMissing')); editor.focus(); return; }
        fields.text = text;
      }
      const btns = [...form.querySelectorAll('button')];
      btns.forEach((b) => { b.disabled = true; });
      try {
        let r;
        if (editing) r = await app.request('amendment.edit', { amendment: editing.id, ...fields, lang: editing.lang || src.lang || opts.lang(), clause: clause.id });
        else {
          const req = { declaration: declId, clause: clause.id, ...fields };
          req.lang = src.lang || opts.lang();
          if (myOrg() != null) req.organisation = Number(myOrg());
          if (asDraft) req.draft = true;
          r = await app.request('amendment.table', req);
        }
        p.formOpen = false; p.form = null;
        upsert(r.amendment);
        const n = number(r.amendment);
        replace(liveNote, t(editing ? 'amend.edited' : asDraft ? 'amend.drafted' : 'amend.tabled', { n }));
        app.notify(t(editing ? 'amend.edited' : asDraft ? 'amend.drafted' : 'amend.tabled', { n }));
        p.el.querySelector(`[data-amendment="${r.amendment.id}"]`)?.scrollIntoView({ block: 'nearest' });
      } catch (err) { app.error(err); } finally { btns.forEach((b) => { if (b.isConnected) b.disabled = false; }); }
    });
    setKind(kind);
    return form;
  }

  const unsub = [
    app.socket.on('amendment.updated', (m) => {
      if (!idEq(m.declaration, declId) && !idEq(m.amendment?.declaration, declId)) return;
      if (m.amendment) {
        const before = amendments.find((x) => idEq(x.id, m.amendment.id));
        upsert(m.amendment);
        const s = (m.amendment.sponsors || []).find((x) => idEq(x.organisation, myOrg()));
        if (before && s && before.version !== m.amendment.version) replace(liveNote, t('amend.changedSince', { v: s.confirmed_version, version: m.amendment.version }));
      } else load();
    }),
    app.socket.on('amendment.deadline_changed', (m) => {
      if (!idEq(m.declaration, declId)) return;
      deadline = m.deadline ?? null;
      redrawAll();
    }),
    app.socket.onResume(() => load()),
  ];

  return {
    load,
    panel,
    amendments: () => amendments,
    deadline: () => deadline,
    destroy() { for (const u of unsub) u(); panels.clear(); },
  };
}

