// Organiser console: the accreditation queue (live from pushed `accreditation`), access codes
// for badges, and declarations (create, change phase).
import { ROLES } from '../app.js';
import { h, newId, replace } from '../dom.js';
import { countryName, languageName, t, tl } from '../i18n.js';
import { actionButton, field, heading, input, langList, loading, localized, select, sessionOrTimeout, requireLogin, textarea } from './common.js';

const PHASES = ['drafting', 'amendments', 'voting', 'adopted', 'published'];

export async function render({ app, main, isCurrent }) {
  replace(main, heading(t('console.title')), loading());
  await sessionOrTimeout(app);
  if (!isCurrent()) return;
  await requireLogin(app);
  if (!isCurrent()) return;
  if (!app.hasRole('organiser')) {
    replace(main, heading(t('console.title')), h('p', null, t('console.onlyOrganisers')));
    return;
  }
  const forumId = app.forumId;
  const data = await app.forum(forumId);
  if (!isCurrent()) return;
  const orgName = new Map((data.organisations || []).map((o) => [o.id, o.name]));

  // Accreditation queue.
  const queue = new Map(); // delegate id -> delegate
  const decided = [];
  const queueEl = h('ul', { class: 'queue', id: 'accreditation-queue', 'aria-labelledby': 'queue-h' });
  const queueCount = h('p', { class: 'count' });
  const decidedEl = h('ul', { class: 'plain-list decided' });
  const liveNote = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });

  function renderQueue() {
    const items = [...queue.values()];
    replace(queueCount, items.length ? t('console.waiting', { n: items.length }) : t('console.queueEmpty'));
    replace(queueEl, items.map(delegateCard));
    replace(decidedEl, decided.slice(0, 10).map((d) => h('li', null, d.name, ' — ', t(`status.${d.status}`))));
  }

  function delegateCard(d) {
    const rejectBox = h('div', { class: 'reject-box', hidden: true });
    const reasonId = newId('reason');
    const reasonField = h('div', { class: 'field' },
      h('label', { for: reasonId }, t('console.reason')),
      h('textarea', { id: reasonId, rows: 2 }));
    const confirmReject = actionButton(t('console.confirmReject'), async () => {
      const reason = reasonField.querySelector('textarea').value.trim();
      if (!reason) { app.error(t('console.reasonMissing')); return; }
      const r = await app.request('delegate.reject', { delegate: d.id, reason });
      decide(r.delegate || { ...d, status: 'rejected' });
    }, app, { class: 'danger' });
    replace(rejectBox, reasonField, confirmReject);
    return h('li', { class: 'card delegate-card', dataset: { delegate: d.id } },
      h('h3', null, d.name),
      h('dl', { class: 'facts' },
        h('dt', null, t('register.organisation')), h('dd', null, orgName.get(d.organisation) || (d.organisation?.name ?? String(d.organisation ?? ''))),
        h('dt', null, t('register.country')), h('dd', null, countryName(d.country)),
        d.region && [h('dt', null, t('register.region')), h('dd', null, d.region)],
        h('dt', null, t('register.languages')), h('dd', null, langList(d.languages)),
        d.email && [h('dt', null, t('join.email')), h('dd', null, d.email)],
        d.accessibility && [h('dt', null, t('register.accessibility')), h('dd', null, d.accessibility)]),
      h('div', { class: 'actions' },
        actionButton(t('console.accredit'), async () => {
          const r = await app.request('delegate.accredit', { delegate: d.id });
          decide(r.delegate || { ...d, status: 'accredited' });
        }, app, { class: 'primary', 'aria-label': t('console.accreditNamed', { name: d.name }) }),
        h('button', {
          type: 'button', class: 'secondary', 'aria-expanded': 'false',
          'aria-label': t('console.rejectNamed', { name: d.name }),
          onclick: (e) => {
            rejectBox.hidden = !rejectBox.hidden;
            e.currentTarget.setAttribute('aria-expanded', String(!rejectBox.hidden));
            if (!rejectBox.hidden) reasonField.querySelector('textarea').focus();
          },
        }, t('console.reject'))),
      rejectBox);
  }

  function decide(d) {
    if (!queue.has(d.id) && decided.some((x) => x.id === d.id && x.status === d.status)) return;
    queue.delete(d.id);
    decided.unshift(d);
    replace(liveNote, t('console.decided', { name: d.name, status: t(`status.${d.status}`) }));
    renderQueue();
  }

  let lastSeq = 0; // per connection; a jump means missed events: re-read the queue
  const unsub = [app.socket.on('accreditation', (m) => {
    if (m.forum != null && m.forum !== forumId) return;
    if (Number.isInteger(m.seq)) {
      if (lastSeq && m.seq > lastSeq + 1) loadQueue();
      lastSeq = m.seq;
    }
    const d = m.delegate;
    if (!d) return;
    if (d.status === 'registered') {
      const isNew = !queue.has(d.id);
      queue.set(d.id, d);
      if (isNew) replace(liveNote, t('console.arrived', { name: d.name }));
      renderQueue();
    } else if (queue.has(d.id)) {
      decide(d);
    }
  })];

  async function loadQueue() {
    try {
      const r = await app.request('delegate.list', { forum: forumId, status: 'registered' });
      queue.clear();
      for (const d of r.delegates || []) if (!d.status || d.status === 'registered') queue.set(d.id, d);
      renderQueue();
    } catch (err) { app.error(err); }
  }
  unsub.push(app.socket.onResume(() => { lastSeq = 0; loadQueue(); }));

  // Access codes.
  const codeOut = h('div', { class: 'code-output', 'aria-live': 'polite' });
  const codeForm = h('form', { class: 'stack', novalidate: true },
    field(t('console.codeRole'), select({ name: 'role' }, ROLES.map((r) => [r, t(`role.${r}`), { selected: r === 'delegate' }]))),
    field(t('console.codeName'), input({ name: 'name', required: true, autocomplete: 'off' })),
    field(t('register.organisation'), select({ name: 'organisation' },
      [['', t('register.optional')], ...[...orgName].sort((a, b) => String(a[1]).localeCompare(String(b[1]))).map(([id, n]) => [id, n])])),
    h('button', { type: 'submit', class: 'primary' }, t('console.createCode')));
  codeForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const el = codeForm.elements;
    const name = el.name.value.trim();
    if (!name) { app.error(t('console.nameMissing')); el.name.focus(); return; }
    const fields = { forum: forumId, role: el.role.value, name };
    if (el.organisation.value) fields.organisation = Number(el.organisation.value);
    const btn = codeForm.querySelector('button[type=submit]');
    btn.disabled = true;
    try {
      const r = await app.request('access_code.create', fields);
      replace(codeOut, h('div', { class: 'badge-print card' },
        h('p', null, t('console.codeFor', { name: r.delegate?.name || name, role: t(`role.${fields.role}`) })),
        h('p', { class: 'access-code', id: 'access-code' }, r.code),
        h('p', { class: 'hint' }, t('console.codeHint')),
        h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, t('console.print'))));
      codeForm.reset();
    } catch (err) { app.error(err); } finally { btn.disabled = false; }
  });

  // Declarations.
  const declList = h('div');
  const langs = data.forum?.languages || ['en'];
  const declForm = h('form', { class: 'stack', novalidate: true },
    field(t('console.declTitle'), input({ name: 'title', required: true })),
    field(t('console.declOriginal'), select({ name: 'original' }, langs.map((l) => [l, languageName(l)]))),
    h('button', { type: 'submit', class: 'primary' }, t('console.createDecl')));
  declForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const el = declForm.elements;
    const title = el.title.value.trim();
    if (!title) { app.error(t('console.titleMissing')); return; }
    try {
      const r = await app.request('declaration.create', {
        forum: forumId, title: { [el.original.value]: title }, languages: langs, original: el.original.value,
      });
      declForm.reset();
      app.notify(t('console.declCreated'));
      loadDecls();
      if (r.declaration?.id) location.hash = `#/declaration/${r.declaration.id}`;
    } catch (err) { app.error(err); }
  });
  async function loadDecls() {
    try {
      const r = await app.request('declaration.list', { forum: forumId });
      replace(declList, h('ul', { class: 'plain-list' }, (r.declarations || []).map((d) => {
        const phaseSel = select({ name: 'phase' }, PHASES.map((p) => [p, t(`phase.${p}`), { selected: p === d.phase }]));
        return h('li', { class: 'decl-row' },
          h('a', { href: `#/declaration/${d.id}` }, localized('span', d.title)),
          h('div', { class: 'inline-form' },
            field(t('console.phase'), phaseSel),
            actionButton(t('console.setPhase'), async (ev) => {
              const row = declList.querySelector(`[data-decl="${d.id}"] select`);
              await app.request('declaration.phase', { declaration: d.id, phase: row.value });
              app.notify(t('console.phaseSet'));
            }, app, { class: 'secondary' })));
      })));
      // Tag rows so the phase button finds its select.
      [...declList.querySelectorAll('.decl-row')].forEach((li, i) => { li.dataset.decl = (r.declarations || [])[i].id; });
    } catch (err) { app.error(err); }
  }

  replace(main,
    heading(t('console.title')),
    h('section', { 'aria-labelledby': 'queue-h' },
      h('h2', { id: 'queue-h' }, t('console.queue')), queueCount, queueEl,
      h('h3', null, t('console.recent')), decidedEl),
    h('section', { 'aria-labelledby': 'codes-h', class: 'card' },
      h('h2', { id: 'codes-h' }, t('console.codes')), h('p', { class: 'hint' }, t('console.codesIntro')), codeForm, codeOut),
    h('section', { 'aria-labelledby': 'decls-h', class: 'card' },
      h('h2', { id: 'decls-h' }, t('console.declarations')), declList, h('h3', null, t('console.newDecl')), declForm),
    liveNote);
  renderQueue();
  // Amendments, polls and the floor: a chunk loaded on first use.
  const toolsSlot = h('div');
  main.insertBefore(toolsSlot, liveNote);
  let tools = null;
  const toolsReady = import('./organiser.js').then((m) => {
    if (!isCurrent()) return;
    tools = m.organiserTools({ app, data, liveNote });
    replace(toolsSlot, tools.el);
    return tools.start();
  }).catch((err) => app.error(err));
  // Exports: the record of the forum and any declaration (a chunk loaded on first use).
  const exportSlot = h('section', { class: 'card', 'aria-labelledby': 'exports-h' }, h('h2', { id: 'exports-h' }, t('export.consoleTitle')));
  main.insertBefore(exportSlot, liveNote);
  const exportsReady = Promise.all([import('./export.js'), app.request('declaration.list', { forum: forumId })]).then(([m, r]) => {
    if (!isCurrent()) return;
    const decls = r.declarations || [];
    const pick = newId('exd');
    const panelSlot = h('div');
    const show = (id) => {
      const d = decls.find((x) => x.id === Number(id));
      replace(panelSlot, d ? m.exportPanel({ app, declaration: d, title: t('export.titleFor', { title: tl(d.title) }) }) : null);
    };
    const sel = h('select', { id: pick, onchange: (e) => show(e.target.value) }, decls.map((d) => h('option', { value: d.id }, tl(d.title))));
    exportSlot.append(m.recordPanel({ app, forum: forumId }),
      decls.length ? h('div', { class: 'field' }, h('label', { for: pick }, t('export.whichDeclaration')), sel) : null, panelSlot);
    if (decls.length) show(decls[0].id);
  }).catch((err) => app.error(err));
  await Promise.all([loadQueue(), loadDecls(), toolsReady, exportsReady]);
  return () => { for (const u of unsub) u(); tools?.destroy(); };
}
