// The rapporteur's view, `#/rapporteur` (lazy chunk): the workshops this person reports on,
// each with its workshop statement — written here if there is none yet (`declaration.create`
// with the workshop), edited live in the declaration view (the one editor), and exported.
import { h, replace } from '../dom.js';
import { languageName, t, tl } from '../i18n.js';
import { actionButton, formatRange, heading, loading, localized, requireLogin, sessionOrTimeout } from './common.js';
import { exportPanel } from './export.js';

export async function render({ app, main, isCurrent }) {
  replace(main, heading(t('rapp.title')), loading());
  await sessionOrTimeout(app);
  if (!isCurrent()) return;
  await requireLogin(app);
  if (!isCurrent()) return;
  const data = await app.forum(app.forumId);
  if (!isCurrent()) return;
  const tz = data.forum?.timezone;
  const mine = [];
  for (const slot of data.programme?.slots || []) {
    for (const w of slot.workshops || []) if (w.rapporteur === app.me?.id) mine.push({ w, slot });
  }
  const listEl = h('div', { class: 'rapp-workshops' });
  const liveNote = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });

  async function load() {
    const r = await app.request('declaration.list', { forum: app.forumId });
    if (!isCurrent()) return;
    const byWorkshop = new Map();
    for (const d of r.declarations || []) if (d.workshop != null && !byWorkshop.has(d.workshop)) byWorkshop.set(d.workshop, d);
    replace(listEl, mine.map(({ w, slot }) => card(w, slot, byWorkshop.get(w.id))));
  }

  function card(w, slot, statement) {
    const hid = `rapp-w-${w.id}`;
    const body = [];
    if (!statement) {
      body.push(h('p', null, t('rapp.noStatement')),
        h('div', { class: 'actions' }, actionButton(t('rapp.create'), async () => {
          const langs = data.forum?.languages || [w.working_language || 'en'];
          const original = langs.includes(w.working_language) ? w.working_language : langs[0];
          const title = t('rapp.statementTitle', { workshop: tl(w.title, original) });
          const r = await app.request('declaration.create', {
            forum: app.forumId, title: { [original]: title }, languages: langs, original, workshop: w.id,
          });
          replace(liveNote, t('rapp.created'));
          if (r.declaration?.id) location.hash = `#/declaration/${r.declaration.id}`;
        }, app, { class: 'primary' })));
    } else {
      body.push(
        h('p', null, localized('strong', statement.title), ' ',
          h('span', { class: `badge phase-${statement.phase}` }, t(`phase.${statement.phase}`)),
          ' · ', t('decl.originalIn', { lang: languageName(statement.original) })),
        h('p', { class: 'actions' }, h('a', { class: 'button-link', href: `#/declaration/${statement.id}` },
          t(statement.phase === 'drafting' ? 'rapp.edit' : 'rapp.open'))),
        exportPanel({ app, declaration: statement, title: t('export.titleFor', { title: tl(statement.title) }) }));
    }
    return h('section', { class: 'card rapp-workshop', 'aria-labelledby': hid, dataset: { workshop: w.id } },
      h('h2', { id: hid }, localized('span', w.title)),
      h('p', { class: 'hint' }, formatRange(slot.starts, slot.ends, tz), w.location ? ` · ${w.location}` : ''),
      body);
  }

  replace(main, heading(t('rapp.title')), h('p', { class: 'lead' }, t('rapp.intro')), listEl, liveNote);
  if (!mine.length) { replace(listEl, h('p', null, t('rapp.none'))); return; }
  await load();
  const unsub = app.socket.onResume(() => { load().catch((err) => app.error(err)); });
  return () => unsub();
}
