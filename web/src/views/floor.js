// The floor of a room (loaded on demand by the room view and the organiser console): the
// agenda, the speakers' list — ask to speak, point of order, withdraw; the queue in calling
// order; the current speaker with a countdown — and the room's polls with their live count.
// With `control` (moderators, organisers): next, skip, finish, balancing mode, time limit.
// Pushes: speakers.updated, speakers.timer, agenda.updated, poll.count, poll.updated, poll.result.
import { h, newId, replace } from '../dom.js';
import { formatNumber, t } from '../i18n.js';
import { BALANCES, formatClock, normPoll, secondsLeft } from '../ballot.js';
import { actionButton } from './common.js';

const idEq = (a, b) => a != null && b != null && String(a) === String(b);

/** mountFloor({app, roomId, control, names: Map(delegate id -> name), orgName}) -> {el, start(), destroy()} */
export function mountFloor({ app, roomId, control = false, orgName = new Map(), polls: showPolls = true }) {
  let speakers = null;
  let receivedAt = 0;
  let agenda = null;
  let tick = 0;
  let announced = { delegate: null, warn: false, over: false };
  const polls = new Map();

  const agendaEl = h('section', { class: 'agenda', 'aria-labelledby': `agenda-h-${roomId}` });
  const currentEl = h('div', { class: 'current-speaker' });
  const clockEl = h('p', { class: 'clock', role: 'timer', 'aria-live': 'off', 'aria-atomic': 'true' });
  const queueEl = h('ol', { class: 'speaker-queue', id: `queue-${roomId}`, 'aria-labelledby': `queue-h-${roomId}` });
  const myEl = h('div', { class: 'my-request' });
  const controlEl = h('div', { class: 'speaker-controls' });
  const pollsEl = h('section', { class: 'room-polls', 'aria-labelledby': `polls-h-${roomId}` });
  const polite = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const assertive = h('p', { class: 'visually-hidden', role: 'alert', 'aria-live': 'assertive' });
  const firstId = newId('first');
  const firstBox = h('input', { type: 'checkbox', id: firstId });

  const name = (d) => d?.name ?? (typeof d === 'object' ? String(d.delegate) : String(d));
  const queue = () => speakers?.queue || [];
  const current = () => speakers?.current || null;
  const me = () => app.me?.id;

  function say(text, loud = false) { replace(loud ? assertive : polite, text); }

  function renderAgenda() {
    const items = agenda?.items || [];
    replace(agendaEl, h('h2', { id: `agenda-h-${roomId}` }, t('floor.agenda')),
      items.length ? h('ol', { class: 'agenda-list' }, items.map((it, i) => {
        const cur = agenda.current != null && (idEq(agenda.current, it.id) || idEq(agenda.current, i));
        return h('li', { class: cur ? 'agenda-current' : null, 'aria-current': cur ? 'step' : null, dir: 'auto' },
          it.title && typeof it.title === 'object' ? Object.values(it.title)[0] : it.title,
          cur && h('span', { class: 'badge' }, t('floor.now')));
      })) : h('p', { class: 'hint' }, t('floor.noAgenda')));
  }

  function renderClock() {
    const cur = current();
    if (!cur) { replace(clockEl); clockEl.hidden = true; return; }
    const left = secondsLeft(cur, receivedAt, Date.now());
    clockEl.hidden = left == null;
    if (left == null) return;
    replace(clockEl, h('span', { class: 'visually-hidden' }, t('floor.timeLeft'), ' '), formatClock(left));
    clockEl.classList.toggle('clock-low', left <= 30 && left > 0);
    clockEl.classList.toggle('clock-over', left === 0);
    const mine = idEq(cur.delegate, me());
    if (left <= 30 && left > 0 && !announced.warn && (cur.limit || 0) > 30) {
      announced.warn = true;
      if (mine) say(t('floor.thirtySeconds'));
    }
    if (left === 0 && !announced.over) {
      announced.over = true;
      say(mine ? t('floor.yourTimeUp') : t('floor.timeUp', { name: name(cur) }));
    }
  }

  function renderSpeakers() {
    const cur = current();
    if (!cur || !idEq(cur.delegate, announced.delegate)) {
      announced = { delegate: cur?.delegate ?? null, warn: false, over: false };
      if (cur && idEq(cur.delegate, me())) say(t('floor.youHaveFloor'), true);
      else if (cur) say(t('floor.nowSpeaking', { name: name(cur) }));
    }
    replace(currentEl, h('h3', null, t('floor.current')),
      cur ? h('p', { class: 'speaker-now' }, h('strong', null, h('bdi', null, name(cur))),
        cur.organisation != null && orgName.get(cur.organisation) && h('span', { class: 'person-org' }, h('bdi', null, orgName.get(cur.organisation))),
        cur.point_of_order && h('span', { class: 'badge poo' }, t('floor.pointOfOrder')),
        idEq(cur.delegate, me()) && h('span', { class: 'badge badge-accredited' }, t('floor.you')))
        : h('p', { class: 'hint' }, t('floor.nobody')),
      clockEl);
    const q = queue();
    replace(queueEl, q.length ? q.map((r, i) => h('li', { class: r.point_of_order ? 'poo-item' : null, dataset: { delegate: r.delegate } },
      h('bdi', null, name(r)),
      r.organisation != null && orgName.get(r.organisation) && h('span', { class: 'person-org' }, ' · ', h('bdi', null, orgName.get(r.organisation))),
      r.point_of_order && h('span', { class: 'badge poo' }, t('floor.pointOfOrder')),
      r.first_time && h('span', { class: 'badge' }, t('floor.firstTime')),
      idEq(r.delegate, me()) && h('span', { class: 'badge badge-accredited' }, t('floor.youAt', { n: i + 1 })),
      control && actionButton(t('floor.remove'), () => act('speakers.withdraw', { delegate: r.delegate }), app,
        { class: 'link-button', 'aria-label': t('floor.removeNamed', { name: name(r) }) })))
      : [h('li', { class: 'hint empty' }, t('floor.queueEmpty'))]);
    const queued = q.filter((r) => idEq(r.delegate, me()));
    const canAsk = app.accredited && app.hasRole('delegate');
    replace(myEl, canAsk && h('div', { class: 'actions big' },
      !queued.some((r) => !r.point_of_order) && actionButton(t('floor.request'), () => act('speakers.request', firstBox.checked ? { first_time: true } : {}), app, { class: 'primary' }),
      !queued.some((r) => r.point_of_order) && actionButton(t('floor.pointOfOrderAsk'), () => act('speakers.request', { point_of_order: true }), app, { class: 'secondary' }),
      queued.length > 0 && actionButton(t('floor.withdraw'), () => act('speakers.withdraw', {}), app, { class: 'danger-outline' })),
      canAsk && !queued.some((r) => !r.point_of_order) && h('div', { class: 'check' }, firstBox, h('label', { for: firstId }, t('floor.firstTimeAsk'))));
    renderClock();
    renderControls();
  }

  // The chair's controls are built once and updated in place, so focus stays where it was.
  let ctl = null;
  function buildControls() {
    const balId = newId('bal'); const capId = newId('cap'); const limId = newId('lim');
    const balSel = h('select', { id: balId }, BALANCES.map((b) => h('option', { value: b }, t(`balance.${b}`))));
    const capIn = h('input', { id: capId, type: 'number', min: 1, max: 99, value: 1, inputmode: 'numeric' });
    const limIn = h('input', { id: limId, type: 'number', min: 0, max: 3600, value: 0, inputmode: 'numeric' });
    const skip = actionButton(t('floor.skip'), () => act('speakers.skip', {}), app, { class: 'secondary' });
    const finish = actionButton(t('floor.finish'), () => act('speakers.finish', {}), app, { class: 'secondary' });
    replace(controlEl, h('h3', null, t('floor.controls')),
      h('div', { class: 'actions big' },
        actionButton(t('floor.next'), () => act('speakers.next', {}), app, { class: 'primary' }), skip, finish),
      h('div', { class: 'inline-form' },
        h('div', { class: 'field' }, h('label', { for: balId }, t('floor.balance')), balSel),
        h('div', { class: 'field narrow' }, h('label', { for: capId }, t('floor.cap')), capIn),
        actionButton(t('floor.setBalance'), () => act('speakers.balance', balSel.value === 'cap_per_organisation'
          ? { mode: balSel.value, cap: Math.max(1, Number(capIn.value) || 1) } : { mode: balSel.value }), app, { class: 'secondary' })),
      h('div', { class: 'inline-form' },
        h('div', { class: 'field narrow' }, h('label', { for: limId }, t('floor.limit')), limIn),
        actionButton(t('floor.setLimit'), () => act('speakers.limit', { seconds: Math.max(0, Math.floor(Number(limIn.value) || 0)) }), app, { class: 'secondary' })));
    return { balSel, capIn, limIn, skip, finish };
  }

  function renderControls() {
    if (!control) return;
    if (!ctl) ctl = buildControls();
    const bal = speakers?.balance;
    const mode = (bal && typeof bal === 'object' ? bal.mode : bal) ?? speakers?.mode ?? 'plain';
    const cap = (bal && typeof bal === 'object' ? bal.cap : null) ?? speakers?.cap ?? 1;
    const limit = speakers?.limit ?? speakers?.time_limit ?? 0;
    const active = document.activeElement;
    if (active !== ctl.balSel) ctl.balSel.value = mode;
    if (active !== ctl.capIn) ctl.capIn.value = String(cap);
    if (active !== ctl.limIn) ctl.limIn.value = String(limit);
    // Not `disabled` while focused (a keyboard user would lose their place): the server refuses.
    if (active !== ctl.skip) ctl.skip.disabled = !queue().length;
    if (active !== ctl.finish) ctl.finish.disabled = !current();
  }

  async function act(type, fields) {
    const inMine = myEl.contains(document.activeElement);
    const r = await app.request(type, { room: roomId, ...fields });
    if (r.speakers) update(r.speakers);
    // My buttons change with my state: keep focus in that group.
    if (inMine && !myEl.contains(document.activeElement)) myEl.querySelector('button')?.focus();
  }

  function update(s) {
    speakers = s;
    receivedAt = Date.now();
    // The server's clock may differ: `remaining` is what counts, measured from now.
    renderSpeakers();
  }

  function pollLine(p) {
    const c = p.count || {};
    const ballots = p.ballots ?? c.ballots;
    const entitled = p.entitled ?? c.entitled;
    const title = p.title || p.question || (p.amendment != null ? t('poll.onAmendment', { n: p.amendment_number ?? p.amendment }) : p.declaration != null ? t('poll.onDeclaration') : t('poll.title'));
    return h('li', { class: 'card poll-line', dataset: { poll: p.id, state: p.state } },
      h('p', null, h('strong', { dir: 'auto' }, title), ' ', h('span', { class: `badge poll-${p.state}` }, t(`pollstate.${p.state}`))),
      ballots != null && h('p', { class: 'poll-count' }, entitled != null ? t('vote.countOf', { n: formatNumber(ballots), of: formatNumber(entitled) }) : t('vote.count', { n: formatNumber(ballots) })),
      p.state === 'open' && h('a', { class: 'button-link', href: `#/poll/${p.id}` }, t('floor.voteNow')),
      p.state === 'published' && h('a', { href: `#/poll/${p.id}` }, t('floor.seeResult')));
  }

  function renderPolls() {
    if (!showPolls) { replace(pollsEl); return; }
    const list = [...polls.values()].filter((p) => p.state !== 'created' || control);
    replace(pollsEl, h('h2', { id: `polls-h-${roomId}` }, t('floor.polls')),
      list.length ? h('ul', { class: 'plain-list polls' }, list.map(pollLine)) : h('p', { class: 'hint' }, t('floor.noPolls')));
  }

  async function load() {
    const tasks = [
      app.request('speakers.get', { room: roomId }).then((r) => update(r.speakers)),
      app.request('agenda.get', { room: roomId }).then((r) => { agenda = r.agenda; renderAgenda(); }),
    ];
    if (showPolls) tasks.push(app.request('poll.list', { room: roomId }).then((r) => { polls.clear(); for (const p of r.polls || []) polls.set(String(p.id), normPoll(p)); renderPolls(); }));
    const results = await Promise.allSettled(tasks);
    for (const r of results) if (r.status === 'rejected' && r.reason?.code !== 'unknown_type') app.error(r.reason);
  }

  const unsub = [
    app.socket.on('speakers.updated', (m) => { if (idEq(m.room, roomId)) update(m.speakers); }),
    app.socket.on('speakers.timer', (m) => {
      if (!idEq(m.room, roomId)) return;
      if (speakers?.current && idEq(speakers.current.delegate, m.delegate)) {
        speakers = { ...speakers, current: { ...speakers.current, remaining: m.remaining } };
        receivedAt = Date.now();
        renderClock();
      }
    }),
    app.socket.on('agenda.updated', (m) => { if (idEq(m.room, roomId)) { agenda = m.agenda; renderAgenda(); } }),
    app.socket.on('poll.count', (m) => {
      const p = polls.get(String(m.poll));
      if (p) { polls.set(String(m.poll), { ...p, ballots: m.ballots, entitled: m.entitled }); renderPolls(); }
    }),
    app.socket.on('poll.updated', (m) => {
      if (!m.poll || (m.poll.room != null && !idEq(m.poll.room, roomId))) return;
      const was = polls.get(String(m.poll.id))?.state;
      polls.set(String(m.poll.id), { ...polls.get(String(m.poll.id)), ...normPoll(m.poll) });
      if (was !== m.poll.state && m.poll.state === 'open') say(t('floor.pollOpened'), true);
      if (was !== m.poll.state && m.poll.state === 'closed') say(t('floor.pollClosed'), true);
      renderPolls();
    }),
    app.socket.on('poll.result', (m) => {
      const id = String(m.poll?.id ?? m.poll);
      const p = polls.get(id);
      if (p) { polls.set(id, { ...p, state: 'published', result: m.result }); renderPolls(); say(t('floor.resultOut')); }
    }),
    app.socket.onResume(() => load()),
  ];
  tick = setInterval(renderClock, 1000);

  const el = h('div', { class: 'floor' },
    agendaEl,
    h('section', { class: 'speakers card', 'aria-labelledby': `queue-h-${roomId}` },
      h('h2', { id: `queue-h-${roomId}` }, t('floor.speakers')),
      currentEl,
      h('h3', null, t('floor.queue')), queueEl, myEl, controlEl),
    pollsEl, polite, assertive);

  renderAgenda();
  renderSpeakers();
  renderPolls();

  return {
    el,
    load,
    polls: () => polls,
    destroy() { clearInterval(tick); for (const u of unsub) u(); },
  };
}
