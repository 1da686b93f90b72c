// A workshop room or the plenary: join, show who is present (live from `presence`), leave
// when the user navigates away; re-join after a reconnect.
import { h, replace } from '../dom.js';
import { t, tl, tp } from '../i18n.js';
import { formatRange, heading, langList, loading, localized, sessionOrTimeout, requireLogin } from './common.js';
import { languageName } from '../i18n.js';

// Routes: #/workshop/ID (a workshop: its room) or #/room/ID (the plenary or any room).
export async function render({ app, main, params, isCurrent }) {
  let roomId = params.room;
  replace(main, heading(t('room.title')), loading());
  await sessionOrTimeout(app);
  if (!isCurrent()) return;
  await requireLogin(app);
  if (!isCurrent()) return;
  let data = null;
  try { data = await app.forum(); } catch (err) { app.error(err); }
  if (!isCurrent()) return;

  // A room hosts several workshops over the days; a workshop names its room.
  let workshop = null;
  for (const slot of data?.programme?.slots || []) {
    for (const w of slot.workshops || []) if (params.workshop != null ? w.id === params.workshop : false) workshop = w;
  }
  if (params.workshop != null) {
    if (!workshop) { replace(main, heading(t('room.title')), h('p', null, t('error.not_found'))); return; }
    roomId = workshop.room;
  }
  const isPlenary = data?.plenary === roomId;
  const slotOf = (w) => (data?.programme?.slots || []).find((sl) => sl.id === w.slot || (sl.workshops || []).includes(w));
  const orgName = new Map((data?.organisations || []).map((o) => [o.id, o.name]));
  const title = workshop ? localized('span', workshop.title) : isPlenary ? t('room.plenary') : t('room.title');

  // The room's list: complete in a room of at most 100 people (`listed`), kept live from the
  // `presence` pushes' changes; a larger room shows its count only.
  const present = new Map(); // delegate id -> {delegate, name, organisation}
  let count = 0;
  let listed = true;
  const countEl = h('p', { class: 'count' });
  const unlistedEl = h('p', { class: 'unlisted', hidden: true }, t('room.unlisted', { limit: 100 }));
  const listEl = h('ul', { class: 'presence', id: 'presence-list', 'aria-labelledby': 'present-h' });
  const changes = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const stateEl = h('p', { class: 'room-state' });
  const floorEl = h('div', { class: 'floor-slot' });
  let floor = null;

  function renderList() {
    const people = listed ? [...present.values()].sort((a, b) => String(a.name).localeCompare(String(b.name))) : [];
    replace(countEl, tp('room.count', listed ? people.length : count));
    unlistedEl.hidden = listed;
    replace(listEl, people.map((p) => h('li', { dataset: { delegate: p.delegate } },
      h('span', { class: 'person-name' }, p.name),
      p.organisation != null && h('span', { class: 'person-org' }, orgName.get(p.organisation) || (typeof p.organisation === 'string' ? p.organisation : '')),
      app.me && p.delegate === app.me.id && h('span', { class: 'badge' }, t('room.you')))));
  }

  replace(main,
    h('p', { class: 'breadcrumb' }, h('a', { href: `#/forum/${app.forumId}` }, t('room.back'))),
    heading(title),
    workshop && h('p', { class: 'lead' }, tl(workshop.location), ' · ',
      formatRange(slotOf(workshop)?.starts, slotOf(workshop)?.ends, data?.forum?.timezone)),
    workshop && h('p', null, t('workshop.language'), ': ', languageName(workshop.working_language), ' · ',
      t('workshop.interpretation'), ': ', (workshop.interpretation || []).length ? langList(workshop.interpretation) : t('workshop.noInterpretation')),
    workshop?.description && localized('p', workshop.description),
    isPlenary && h('p', null, t('room.plenaryText')),
    stateEl,
    floorEl,
    h('section', { 'aria-labelledby': 'present-h' },
      h('h2', { id: 'present-h' }, t('room.present')), countEl, unlistedEl, listEl),
    changes);

  let joined = false;
  async function join() {
    try {
      const reply = await app.request('room.join', { room: roomId });
      if (!isCurrent()) return;
      joined = true;
      present.clear();
      for (const p of reply.present || []) present.set(p.delegate, p);
      count = reply.count ?? present.size;
      listed = present.size >= count;
      replace(stateEl, t('room.joined'));
      renderList();
    } catch (err) {
      if (!isCurrent()) return;
      replace(stateEl, err.code === 'not_accredited' ? t('room.needAccreditation') : '');
      app.error(err);
    }
  }

  const unsub = [
    app.socket.on('presence', (m) => {
      if (m.room !== roomId) return;
      count = m.count ?? count;
      const arrived = []; const gone = [];
      if (Array.isArray(m.present)) {
        // The room shrank back to a listed size: the full list replaces ours.
        const before = new Set(present.keys());
        present.clear();
        for (const p of m.present) { present.set(p.delegate, p); if (listed && !before.has(p.delegate)) arrived.push(p); }
        listed = true;
      } else if (Array.isArray(m.joined) || Array.isArray(m.left)) {
        for (const p of m.joined || []) { if (!present.has(p.delegate)) arrived.push(p); present.set(p.delegate, p); }
        for (const p of m.left || []) { if (present.has(p.delegate)) gone.push(p); present.delete(p.delegate); }
      } else {
        // A room too large to list: the count only.
        present.clear();
        listed = false;
      }
      const others = arrived.filter((p) => !app.me || p.delegate !== app.me.id);
      if (others.length + gone.length === 1) {
        replace(changes, others.length ? t('room.arrived', { name: others[0].name }) : t('room.left', { name: gone[0].name }));
      } else if (others.length + gone.length > 1) {
        replace(changes, tp('room.count', listed ? present.size : count));
      }
      renderList();
    }),
    app.socket.onResume(() => { if (joined) join(); }),
  ];
  renderList();
  await join();
  // Agenda, speakers' list and polls: a chunk loaded on first use.
  if (joined && isCurrent()) {
    try {
      const m = await import('./floor.js');
      if (isCurrent()) {
        // Chairs: organisers; moderators in the plenary; a workshop's own moderator in its room.
        const moderates = (data?.programme?.slots || []).some((sl) => (sl.workshops || []).some((w) => w.room === roomId && app.me && w.moderator === app.me.id));
        const control = app.hasRole('organiser') || (app.hasRole('moderator') && (isPlenary || moderates));
        floor = m.mountFloor({ app, roomId, orgName, control });
        replace(floorEl, floor.el);
        await floor.load();
      }
    } catch (err) { app.error(err); }
  }

  return () => {
    floor?.destroy();
    for (const u of unsub) u();
    if (joined) app.request('room.leave', { room: roomId }, { queue: false, resend: false }).catch(() => {});
  };
}
