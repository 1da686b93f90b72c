// A declaration: preamble and numbered clauses grouped in sections, in one content language
// (separate from the UI language), with translation status per clause. The drafting
// committee edits live (one textarea per clause driven by the OT client) and adds, deletes
// and moves clauses; translators see original and translation side by side, with the
// original's changes since the last confirmation, Confirm and Machine pre-translate.
import { h, newId, replace } from '../dom.js';
import { getLang, languageName, t, tl } from '../i18n.js';
import { DocClient } from '../ot/client.js';
import { autosize, bindTextarea } from '../ot/textarea.js';
import { actionButton, heading, loading, localized, sessionOrTimeout } from './common.js';

const CONTENT_LANG_KEY = 'plenary.contentLang';

/** The doc id of a clause in a language; `docs` maps lang -> id (or -> {doc|id, status}). */
export function docOf(clause, lang) {
  const d = clause?.docs?.[lang];
  if (d == null) return null;
  if (typeof d === 'object') return d.doc ?? d.id ?? null;
  return d;
}

export function statusOf(clause, lang, original) {
  const d = clause?.docs?.[lang];
  if (d && typeof d === 'object' && d.status) return d.status;
  if (clause?.status?.[lang]) return clause.status[lang];
  if (clause?.statuses?.[lang]) return clause.statuses[lang];
  return lang === original ? 'original' : null;
}

/** Numbers: preamble paragraphs are not numbered; clauses 1, 2, 3… in document order. */
export function numberClauses(clauses) {
  let n = 0;
  return clauses.map((c) => (c.kind === 'preamble' ? null : ++n));
}

export async function render({ app, main, params, isCurrent }) {
  const declId = params.declaration;
  replace(main, heading(t('decl.title')), loading());
  await sessionOrTimeout(app);
  if (!isCurrent()) return;
  const reply = await app.request('declaration.get', { declaration: declId, subscribe: true });
  if (!isCurrent()) return;
  let decl = reply.declaration;

  let saved = null;
  try { saved = localStorage.getItem(CONTENT_LANG_KEY); } catch { /* ignore */ }
  let contentLang = [saved, getLang(), decl.original].find((l) => l && (decl.languages || []).includes(l)) || decl.original;

  const views = new Map(); // clause id -> clause view
  const sectionHeads = new Map();
  const listEl = h('div', { class: 'clauses', id: 'clauses' });
  const headEl = h('div');
  const toolsEl = h('div', { class: 'decl-tools' });
  const liveNote = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  let modeKey = '';
  let headKey = '';
  // Amendments: a chunk loaded on first use (not part of the first load).
  let amend = null;
  const forumData = await app.forum().catch(() => null);
  const orgName = new Map((forumData?.organisations || []).map((o) => [o.id, o.name]));
  if (!isCurrent()) return;

  // The workshop's rapporteur writes its statement (a declaration of the workshop).
  const isRapporteur = () => decl.workshop != null && !!app.me && (forumData?.programme?.slots || [])
    .some((sl) => (sl.workshops || []).some((w) => w.id === decl.workshop && w.rapporteur === app.me.id));
  const canDraft = () => (app.hasRole('drafting') || isRapporteur()) && app.accredited && decl.phase === 'drafting';
  const isTranslator = () => app.hasRole('translator');
  const myId = () => app.me?.id;

  function renderHead() {
    const langSel = h('select', {
      id: 'content-lang',
      onchange: (e) => {
        contentLang = e.target.value;
        try { localStorage.setItem(CONTENT_LANG_KEY, contentLang); } catch { /* ignore */ }
        sync(true);
      },
    }, (decl.languages || []).map((l) => h('option', { value: l, selected: l === contentLang },
      languageName(l) + (l === decl.original ? ` (${t('decl.originalShort')})` : ''))));
    replace(headEl,
      h('p', { class: 'breadcrumb' }, h('a', { href: `#/forum/${app.forumId}` }, t('room.back'))),
      heading(tl(decl.title), 1, { dir: 'auto' }),
      h('p', { class: 'lead' }, t('decl.phaseLabel'), ' ', h('span', { class: `badge phase-${decl.phase}` }, t(`phase.${decl.phase}`)),
        ' · ', t('decl.originalIn', { lang: languageName(decl.original) })),
      h('div', { class: 'field inline' }, h('label', { for: 'content-lang' }, t('decl.contentLang')), langSel),
      canDraft() && h('p', { class: 'hint' }, t('decl.draftingHelp')),
      isTranslator() && contentLang !== decl.original && h('p', { class: 'hint' }, t('decl.translatorHelp')));
    replace(toolsEl, canDraft() && [
      // "At the end" names the last clause explicitly rather than leaving `after` out.
      actionButton(t('decl.addClause'), () => insertClause(lastClauseId(), 'clause', lastSection()), app, { class: 'secondary' }),
      actionButton(t('decl.addPreamble'), () => insertClause(lastId('preamble'), 'preamble'), app, { class: 'secondary' }),
      sectionForm(),
    ]);
  }

  /** The last preamble paragraph (null: none yet, insert first). */
  function lastId() {
    const pre = (decl.clauses || []).filter((c) => c.kind === 'preamble');
    return pre.length ? pre[pre.length - 1].id : null;
  }
  function lastClauseId() {
    const cs = decl.clauses || [];
    return cs.length ? cs[cs.length - 1].id : undefined;
  }
  function lastSection() {
    const cs = (decl.clauses || []).filter((c) => c.kind !== 'preamble');
    return cs.length ? cs[cs.length - 1].section ?? undefined : undefined;
  }

  // after: a clause id; null = first; undefined = last.
  async function insertClause(after, kind, section) {
    const fields = { declaration: declId, kind };
    if (after !== undefined) fields.after = after;
    if (section !== undefined) fields.section = section;
    const r = await app.request('clause.insert', fields);
    await refresh(r.declaration);
    const newId = typeof r.clause === 'object' ? r.clause?.id : r.clause;
    const v = newId != null && views.get(newId);
    v?.focus();
    replace(liveNote, t('decl.inserted'));
  }

  async function refresh(newDecl) {
    if (newDecl && Array.isArray(newDecl.clauses)) decl = newDecl;
    else decl = (await app.request('declaration.get', { declaration: declId })).declaration;
    sync(false);
  }

  // Keep the clause list in step with `decl` without destroying textareas being edited.
  function sync(force) {
    const key = `${decl.phase}|${contentLang}|${canDraft()}|${isTranslator()}`;
    if (force || key !== modeKey) {
      for (const v of views.values()) v.destroy();
      views.clear();
      modeKey = key;
    }
    // Re-render the head only when it shows something new (keeps focus on its controls).
    const hk = JSON.stringify([key, decl.title, decl.languages, decl.original, getLang()]);
    if (force || hk !== headKey) { headKey = hk; renderHead(); }
    const clauses = decl.clauses || [];
    const numbers = numberClauses(clauses);
    const ids = new Set(clauses.map((c) => c.id));
    for (const [id, v] of views) if (!ids.has(id)) { v.destroy(); views.delete(id); }
    const sections = new Map((decl.sections || []).map((s) => [s.id, s]));
    const nodes = [];
    let prevSection;
    clauses.forEach((c, i) => {
      const sec = c.section ?? null;
      if (sec !== prevSection && sec != null && sections.has(sec)) nodes.push(sectionHead(sections.get(sec)));
      prevSection = sec;
      let v = views.get(c.id);
      if (!v) { v = clauseView(c); views.set(c.id, v); }
      v.update(c, numbers[i], i, clauses);
      nodes.push(v.el);
    });
    for (const s of decl.sections || []) if (!clauses.some((c) => c.section === s.id)) nodes.push(sectionHead(s));
    if (!clauses.length) nodes.push(h('p', null, t('decl.empty')));
    const same = nodes.length === listEl.children.length && nodes.every((n, i) => listEl.children[i] === n);
    if (!same) {
      const active = document.activeElement;
      const sel = active?.tagName === 'TEXTAREA' ? [active.selectionStart, active.selectionEnd] : null;
      replace(listEl, nodes);
      if (active && listEl.contains(active)) {
        active.focus();
        if (sel) active.setSelectionRange(sel[0], sel[1]);
      }
    }
  }

  function sectionHead(s) {
    let entry = sectionHeads.get(s.id);
    if (!entry) {
      const title = h('h2', { class: 'section-title', dir: 'auto' });
      const tools = h('div', { class: 'section-tools' });
      entry = { el: h('div', { class: 'section-head' }, title, tools), title, tools };
      sectionHeads.set(s.id, entry);
    }
    replace(entry.title, tl(s.title, contentLang));
    replace(entry.tools, canDraft() && actionButton(t('decl.addInSection'), () => {
      const cs = decl.clauses || [];
      const inSection = cs.filter((c) => c.section === s.id);
      const after = inSection.length ? inSection[inSection.length - 1].id : (cs.length ? cs[cs.length - 1].id : null);
      return insertClause(after, 'clause', s.id);
    }, app, { class: 'secondary', 'aria-label': `${t('decl.addInSection')}: ${tl(s.title, contentLang)}` }));
    return entry.el;
  }

  function sectionForm() {
    const id = newId('sec');
    const inp = h('input', { id, name: 'title', autocomplete: 'off' });
    const form = h('form', { class: 'inline-form section-form', novalidate: true },
      h('div', { class: 'field' }, h('label', { for: id }, t('decl.sectionTitle')), inp),
      h('button', { type: 'submit', class: 'secondary' }, t('decl.addSection')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const title = inp.value.trim();
      if (!title) { app.error(t('console.titleMissing')); inp.focus(); return; }
      const secs = decl.sections || [];
      try {
        await app.request('section.insert', {
          declaration: declId, after: secs.length ? secs[secs.length - 1].id : null, title: { [decl.original]: title },
        });
        inp.value = '';
        await refresh(null);
        replace(liveNote, t('decl.sectionAdded'));
      } catch (err) { app.error(err); }
    });
    return form;
  }

  function clauseView(c) {
    const el = h('article', { class: 'clause', dataset: { clause: c.id } });
    const titleId = newId('clause');
    const titleEl = h('h3', { class: 'clause-title', id: titleId });
    const badgeEl = h('span', { class: 'badge' });
    const stateEl = h('span', { class: 'sync-state' });
    const cursorsEl = h('ul', { class: 'cursors', 'aria-label': t('decl.othersEditing') });
    const actionsEl = h('div', { class: 'clause-actions' });
    const amendEl = h('div', { class: 'clause-amendments' });
    const body = h('div', { class: 'clause-body' });
    const docs = [];
    let clause = c;
    let destroyed = false;
    let status = statusOf(c, contentLang, decl.original);

    const translating = isTranslator() && contentLang !== decl.original;
    const editable = canDraft() || translating;
    const mainDoc = docOf(c, contentLang);
    const origDoc = translating ? docOf(c, decl.original) : null;

    function showStatus() {
      if (!status) { badgeEl.hidden = true; return; }
      badgeEl.hidden = false;
      badgeEl.className = `badge tr-${status}`;
      replace(badgeEl, t(`trstatus.${status}`));
    }

    function showSync() {
      const dc = docs.find((d) => d.doc === mainDoc);
      if (!dc || !editable) return;
      const s = dc.state;
      replace(stateEl, s !== 'synchronized' && app.socket.state !== 'online' ? t('sync.offline') : t(`sync.${s}`));
    }

    function showCursors(list) {
      const others = list.filter((x) => x.delegate !== myId());
      replace(cursorsEl, others.map((x) => h('li', null, t('decl.editingHere', { name: x.name }))));
    }

    function readOnlyText(docId, lang) {
      const p = h('p', { class: 'clause-text', dir: 'auto', lang }, loading());
      if (docId == null) { replace(p, h('em', null, t('decl.noText'))); return p; }
      const dc = new DocClient(app.socket, docId, {
        onChange: () => replace(p, dc.text || h('em', null, t('decl.noText'))),
        onCursors: showCursors,
        onStatus: (s) => { if (lang === contentLang) { status = s; showStatus(); } },
      });
      docs.push(dc);
      dc.open().then(() => {
        if (lang === contentLang && dc.status) { status = dc.status; showStatus(); }
      }).catch((err) => { if (!destroyed) app.error(err); });
      return p;
    }

    function editor(docId, lang) {
      const taId = newId('ta');
      const ta = h('textarea', { id: taId, class: 'clause-editor', dir: 'auto', lang, rows: 3, disabled: true, spellcheck: 'true' });
      const label = h('label', { for: taId, class: 'visually-hidden' });
      const wrap = h('div', { class: 'editor-wrap' }, label, ta);
      if (docId == null) { replace(wrap, h('em', null, t('decl.noText'))); return { wrap, label }; }
      let binding = null;
      const dc = new DocClient(app.socket, docId, {
        onChange: (op) => binding?.remote(op),
        onCursors: showCursors,
        onStatus: (s) => { status = s; showStatus(); },
        onState: () => showSync(),
        onError: (err) => app.error(err),
      });
      docs.push(dc);
      dc.open().then(() => {
        if (destroyed) return;
        binding = bindTextarea(ta, dc);
        ta.disabled = false;
        if (dc.status) { status = dc.status; showStatus(); }
        requestAnimationFrame(() => autosize(ta));
      }).catch((err) => { if (!destroyed) app.error(err); });
      return { wrap, label, ta, dc, unbind: () => binding?.destroy() };
    }

    let ed = null;
    if (translating) {
      const origCol = h('div', { class: 'col' },
        h('h4', null, t('decl.original', { lang: languageName(decl.original) })),
        readOnlyText(origDoc, decl.original));
      ed = editor(mainDoc, contentLang);
      const diffBox = h('div', { class: 'diff-box', 'aria-live': 'polite' });
      const trCol = h('div', { class: 'col' },
        h('h4', null, t('decl.translation', { lang: languageName(contentLang) })),
        ed.wrap,
        h('div', { class: 'actions' },
          actionButton(t('decl.showChanges'), async () => {
            const r = await app.request('translation.diff', { doc: mainDoc });
            replace(diffBox, renderDiff(r));
          }, app, { class: 'secondary' }),
          actionButton(t('decl.confirm'), async () => {
            const r = await app.request('translation.confirm', { doc: mainDoc });
            status = r.status || 'current'; showStatus();
            replace(diffBox, h('p', { class: 'inline-notice' }, t('decl.confirmed')));
          }, app, { class: 'primary' }),
          actionButton(t('decl.machine'), async () => {
            const r = await app.request('translation.machine', { doc: mainDoc });
            if (r.status) { status = r.status; showStatus(); }
            ed.dc?.resync();
            const unknown = Array.isArray(r.unknown) ? r.unknown.filter((w) => typeof w === 'string') : [];
            replace(diffBox, h('p', { class: 'inline-notice' }, t('decl.machineDone')),
              unknown.length ? h('p', { class: 'inline-notice' }, t('decl.machineUnknown', { words: unknown.join(', ') })) : null);
          }, app, { class: 'secondary' })),
        diffBox);
      replace(body, h('div', { class: 'side-by-side' }, origCol, trCol));
    } else if (editable) {
      ed = editor(mainDoc, contentLang);
      replace(body, ed.wrap);
    } else {
      replace(body, readOnlyText(mainDoc, contentLang));
    }

    append(el, h('div', { class: 'clause-head' }, titleEl, badgeEl, stateEl), body, cursorsEl, actionsEl, amendEl);
    showStatus();

    function renderActions(index, all) {
      if (!canDraft()) { replace(actionsEl); return; }
      const label = titleEl.textContent;
      const del = h('button', { type: 'button', class: 'danger-outline', 'aria-label': `${t('decl.delete')}: ${label}` }, t('decl.delete'));
      del.addEventListener('click', () => {
        const yes = actionButton(t('decl.confirmDelete'), async () => {
          const r = await app.request('clause.delete', { clause: clause.id });
          await refresh(r.declaration);
          replace(liveNote, t('decl.deleted'));
        }, app, { class: 'danger' });
        const no = h('button', { type: 'button', class: 'secondary', onclick: () => renderActions(index, all) }, t('action.cancel'));
        replace(actionsEl, h('span', null, t('decl.reallyDelete', { clause: label })), yes, no);
        no.focus();
      });
      replace(actionsEl,
        actionButton(t('decl.addAfter'), () => insertClause(clause.id, clause.kind === 'preamble' ? 'preamble' : 'clause', clause.section), app,
          { class: 'secondary', 'aria-label': `${t('decl.addAfter')}: ${label}` }),
        actionButton(t('decl.moveUp'), async () => {
          const after = index >= 2 ? all[index - 2].id : null;
          const r = await app.request('clause.move', { clause: clause.id, after });
          await refresh(r.declaration);
          views.get(clause.id)?.focusAction('up');
        }, app, { class: 'secondary', disabled: index === 0, dataset: { act: 'up' }, 'aria-label': `${t('decl.moveUp')}: ${label}` }),
        actionButton(t('decl.moveDown'), async () => {
          const r = await app.request('clause.move', { clause: clause.id, after: all[index + 1].id });
          await refresh(r.declaration);
          views.get(clause.id)?.focusAction('down');
        }, app, { class: 'secondary', disabled: index === all.length - 1, dataset: { act: 'down' }, 'aria-label': `${t('decl.moveDown')}: ${label}` }),
        del);
    }

    return {
      el,
      update(c2, number, index, all) {
        clause = c2;
        const label = c2.kind === 'preamble' ? t('decl.preambleN', { n: all.slice(0, index + 1).filter((x) => x.kind === 'preamble').length })
          : t('decl.clauseN', { n: number });
        replace(titleEl, label);
        if (ed?.label) replace(ed.label, t('decl.textOf', { clause: label }));
        el.setAttribute('aria-labelledby', titleId);
        if (!docs.length || status == null) { status = statusOf(c2, contentLang, decl.original) ?? status; showStatus(); }
        renderActions(index, all);
        this.label = label;
        this.showAmendments();
      },
      label: '',
      showAmendments() {
        if (!amend) return;
        const panel = amend.panel(clause);
        if (amendEl.firstChild !== panel) replace(amendEl, panel);
      },
      /** The clause's text in the content language as this view holds it, with its revision. */
      source() {
        const dc = docs.find((d) => d.doc === mainDoc);
        return dc && dc.opened ? { text: dc.serverText ?? dc.text, rev: dc.rev, lang: contentLang, doc: mainDoc } : null;
      },
      focus() { (ed?.ta || titleEl).focus(); },
      showSync,
      focusAction(act) {
        const b = actionsEl.querySelector(`[data-act="${act}"]`);
        (b && !b.disabled ? b : actionsEl.querySelector('button'))?.focus();
      },
      destroy() {
        destroyed = true;
        ed?.unbind?.();
        for (const d of docs) d.close();
      },
    };
  }

  function renderDiff(r) {
    const before = r.before ?? '';
    const after = r.after ?? '';
    if (before === after) return h('p', null, t('decl.noChanges'));
    const a = Array.from(before); const b = Array.from(after);
    let p = 0; while (p < a.length && p < b.length && a[p] === b[p]) p++;
    let s = 0; while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
    return h('div', null,
      h('h5', null, t('decl.changesSince')),
      h('p', { class: 'diff', dir: 'auto', lang: decl.original },
        a.slice(0, p).join(''),
        s + p < a.length && h('del', null, a.slice(p, a.length - s).join('')),
        s + p < b.length && h('ins', null, b.slice(p, b.length - s).join('')),
        a.slice(a.length - s).join('')));
  }

  const unsub = [
    app.socket.on('declaration.changed', (m) => {
      const d = m.declaration;
      if (d === declId || d?.id === declId) refresh(typeof d === 'object' ? d : null).catch((err) => app.error(err));
    }),
    app.socket.onResume(() => {
      app.request('declaration.get', { declaration: declId, subscribe: true })
        .then((r) => { decl = r.declaration; sync(false); }).catch((err) => app.error(err));
    }),
    app.onChange(() => sync(false)),
    app.socket.onState(() => { for (const v of views.values()) v.showSync(); }),
  ];

  replace(main, headEl, toolsEl, listEl, liveNote);
  sync(true);

  // Amendments are tabled in the `amendments` phase by accredited delegates; they are shown
  // from then on (the chunk is not even loaded while the declaration is being drafted).
  let amendLoading = false;
  const ensureAmendments = () => {
    if (amend || amendLoading || decl.phase === 'drafting') return;
    amendLoading = true;
    loadAmendments();
  };
  const loadAmendments = () => import('./amend.js').then(async (m) => {
    if (!isCurrent()) return;
    amend = m.createAmendments({
      app, declId, orgName, liveNote,
      clauseLabel: (id) => views.get(id)?.label || '',
      clauseText: (id) => views.get(id)?.source() || null,
      lang: () => contentLang,
      canTable: () => decl.phase === 'amendments' && app.accredited && app.hasRole('delegate'),
    });
    await amend.load();
    for (const v of views.values()) v.showAmendments();
    // Version history and comparison: versions are made by adopted amendments.
    const vm = await import('./versions.js');
    if (!isCurrent()) return;
    const vp = vm.versionsPanel({ app, declId, languages: decl.languages, lang: contentLang });
    main.append(vp.el);
    await vp.load();
    unsub.push(app.socket.on('amendment.updated', (m) => { if (m.amendment?.state === 'adopted') vp.load(); }));
  }).catch((err) => app.error(err));
  ensureAmendments();
  unsub.push(app.socket.on('declaration.changed', () => setTimeout(ensureAmendments, 0)));

  // Signatories (from adoption) and exports (organisers and the rapporteur; anyone once
  // published): chunks loaded when the declaration needs them.
  const signSlot = h('div', { class: 'sign-slot' });
  const exportSlot = h('div', { class: 'export-slot' });
  main.insertBefore(signSlot, liveNote);
  main.insertBefore(exportSlot, liveNote);
  let signatures = null;
  let exportShown = false;
  const ensureExtras = () => {
    if (!isCurrent()) return;
    if (!signatures && (decl.phase === 'adopted' || decl.phase === 'published')) {
      signatures = true;
      import('./signatures.js').then(async (m) => {
        if (!isCurrent()) return;
        signatures = m.createSignatures({ app, declId, forum: forumData, liveNote });
        replace(signSlot, signatures.el);
        await signatures.load();
      }).catch((err) => { signatures = null; app.error(err); });
    }
    const mayExport = app.hasRole('organiser') || isRapporteur() || decl.phase === 'published';
    if (!exportShown && mayExport) {
      exportShown = true;
      import('./export.js').then((m) => {
        if (!isCurrent()) return;
        replace(exportSlot, m.exportPanel({ app, declaration: decl, level: 2 }));
      }).catch((err) => { exportShown = false; app.error(err); });
    }
  };
  ensureExtras();
  unsub.push(app.socket.on('declaration.changed', () => setTimeout(ensureExtras, 0)));

  return () => {
    for (const u of unsub) u();
    // Leaving the declaration ends its pushes on this connection (not when the next view is
    // this declaration again: its subscription is already on its way and would be cut).
    if (location.hash !== `#/declaration/${declId}`) {
      app.request('declaration.unsubscribe', { declaration: declId }, { queue: false, resend: false }).catch(() => {});
    }
    for (const v of views.values()) v.destroy();
    views.clear();
    amend?.destroy();
    if (signatures && signatures !== true) signatures.destroy();
  };
}

function append(el, ...children) { for (const c of children) el.append(c); }
